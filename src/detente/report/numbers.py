"""Probabilities as text: rounding never turns an uncertain answer into a certain one."""

from __future__ import annotations

__all__ = [
    "MODEL_CERTAIN",
    "MODEL_CERTAIN_NOTE",
    "model_certain",
    "model_probability_text",
    "percent_text",
    "probability_text",
]


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


MODEL_CERTAIN = "†"
"""Marks a dated-model probability that is exactly 0 or 1: certain within the model only."""

MODEL_CERTAIN_NOTE = (
    f"{MODEL_CERTAIN} Exactly 0 or 1 within the structural model only: at these inputs no "
    "path it models has signed by then (the win-sets never meet), or every path has (as "
    "when a zone of agreement exists at as_of and signing_lag is 0, so it signs at its "
    "first step). That is the model's logic, not a forecast of the world; the calibrated "
    "forecast, which adds what the model cannot see, is never 0 or 1."
)


def model_certain(value: float) -> bool:
    """Whether a dated-model probability is exactly 0 or 1 (marked :data:`MODEL_CERTAIN`)."""
    return value in (0.0, 1.0)


def model_probability_text(value: float, digits: int = 2) -> str:
    """:func:`probability_text` of a dated-model probability, marked with
    :data:`MODEL_CERTAIN` when it is exactly 0 or 1 (explained by
    :data:`MODEL_CERTAIN_NOTE`)."""
    text = probability_text(value, digits)
    return text + MODEL_CERTAIN if model_certain(value) else text


def percent_text(value: float) -> str:
    """``value`` as a whole percentage, or with one or two decimals, or ``>99.99%`` /
    ``<0.01%``: like :func:`probability_text`, 0% and 100% only for exactly 0 and 1."""
    if value in (0.0, 1.0):
        return f"{value:.0%}"
    for places in (0, 1, 2):
        text = f"{value:.{places}%}"
        if float(text[:-1]) not in (0.0, 100.0):
            return text
    return "<0.01%" if value < 0.5 else ">99.99%"
