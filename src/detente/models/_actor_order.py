"""Shared by the models that see all issues at once (``exchange``, ``smp``).

* :func:`canonical_order`: an order of actors set by their numbers, never by their
  names or input order;
* :func:`issue_arrays`: a scenario's positions (on 0-1 of each issue's scale),
  saliences and capabilities as (actors, issues) arrays.
"""

from __future__ import annotations

import numpy as np

from detente.models.base import check_issue_data
from detente.scenario import IssueData, Scenario

__all__ = ["canonical_order", "issue_arrays"]


def canonical_order(*blocks: np.ndarray) -> np.ndarray:
    """Indices sorting actors by their rows in ``blocks`` (each (n, ...), ``nan`` first).

    The first block is the primary key, then the next, column by column; actors whose
    numbers are all equal are interchangeable, so their relative order cannot matter.
    """
    columns: list[np.ndarray] = []
    for block in blocks:
        values = np.nan_to_num(np.asarray(block, dtype=float).reshape(len(block), -1), nan=-1.0)
        columns.extend(values.T)
    return np.lexsort(columns[::-1])


def issue_arrays(
    scenario: Scenario,
) -> tuple[list[IssueData], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """``(issue data, actor ids, x, s, c)`` with x, s, c of shape (actors, issues).

    ``x`` is each position on 0-1 of its issue's scale (``nan``: no stance), ``s`` the
    salience (0 without a stance), ``c`` the capability on the issues where the actor
    takes a stance (0 elsewhere). Every issue passes :func:`check_issue_data` first.

    Raises
    ------
    ModelError
        From :func:`check_issue_data`.
    """
    data = list(scenario.iter_issue_data())
    for item in data:
        check_issue_data(item)
    ids = [a.id for a in scenario.actors]
    row = {a: k for k, a in enumerate(ids)}
    n, m = len(ids), len(data)
    x, s, c = np.full((n, m), np.nan), np.zeros((n, m)), np.zeros((n, m))
    for d, item in enumerate(data):
        lo, hi = item.scale
        rows = [row[a] for a in item.actor_ids]
        x[rows, d] = (item.positions - lo) / (hi - lo)
        s[rows, d], c[rows, d] = item.saliences, item.capabilities
    return data, ids, x, s, c
