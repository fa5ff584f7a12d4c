"""An order of actors set by their numbers, never by their names or input order."""

from __future__ import annotations

import numpy as np

__all__ = ["canonical_order"]


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
