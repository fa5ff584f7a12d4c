"""Backtest table numbers: a difference that rounds to zero has no sign."""

from __future__ import annotations

from detente.report.backtest_tables import _num


def test_signed_numbers_by_hand() -> None:
    assert _num(-0.001, signed=True) == "0.00"  # exchange equals compromise on DEU
    assert _num(0.004, signed=True) == "0.00"
    assert _num(-0.006, signed=True) == "-0.01"
    assert _num(3.094, signed=True) == "+3.09"
    assert _num(23.704) == "23.70"
    assert _num(None) not in ("0.00", "")
