"""Analyses built on the models: backtests on real negotiations, sensitivity, counterfactuals.

Internal: not part of the stable API (``docs/api.md``, :mod:`detente.api`); may change.
"""
