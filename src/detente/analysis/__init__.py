"""Analyses built on the models: backtests on real negotiations, sensitivity, counterfactuals."""
