"""No printed probability is 0 or 1 unless it is exactly 0 or 1."""

from __future__ import annotations

import pytest

from detente.report.numbers import probability_text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0.00"),
        (1.0, "1.00"),
        (0.5, "0.50"),
        (0.994, "0.99"),
        (0.998, "0.998"),
        (0.004, "0.004"),
        (1999 / 2000, ">0.999"),  # used to print 1.00
        (0.999999999999782, ">0.999"),  # the what-if's dated model
        (0.0004, "<0.001"),
    ],
)
def test_probability_text(value: float, text: str) -> None:
    assert probability_text(value) == text
