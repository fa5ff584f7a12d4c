"""Analyses built on the models: backtests against real negotiations, sensitivity, counterfactuals."""
