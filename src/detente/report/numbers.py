"""Probabilities as text: rounding never turns an uncertain answer into a certain one."""

from __future__ import annotations

__all__ = ["probability_text"]


def probability_text(value: float, digits: int = 2) -> str:
    """``value`` to ``digits`` decimals, or one more, or ``>0.999``/``<0.001``.

    0 and 1 are printed only when the value is exactly 0 or 1: 1,999 draws of 2,000
    read ``>0.999``, not ``1.00``.
    """
    if value in (0.0, 1.0):
        return f"{value:.{digits}f}"
    for places in (digits, digits + 1):
        text = f"{value:.{places}f}"
        if float(text) not in (0.0, 1.0):
            return text
    step = 10.0 ** -(digits + 1)
    return f"<{step:.{digits + 1}f}" if value < 0.5 else f">{1 - step:.{digits + 1}f}"
