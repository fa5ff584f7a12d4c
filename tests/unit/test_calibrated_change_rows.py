"""The what-if rows of the calibrated forecast: values worked out by hand."""

from __future__ import annotations

from detente.report.calibrated_table import calibrated_change_rows


def test_rows_by_hand() -> None:
    rows = [
        # 0.0045 (binary 0.00449999...) reads 0.004, +0.0013 reads +0.001, a band end never 0
        {"date": "2018-12-31", "label": "Putin's deadline", "before": 0.0045, "after": 0.0058,
         "change": 0.0013, "band_after": [0.00004, 0.015]},
        # a change under 0.0005 reads unchanged
        {"date": "2019-12-31", "label": None, "before": 0.2, "after": 0.2003,
         "change": 0.0003, "band_after": [0.1, 0.3]},
        # a date the edit added (a new term end) has no before
        {"date": "2020-06-30", "label": "new term end", "before": None, "after": 0.31,
         "change": None, "band_after": [0.2, 0.45]},
        # a fall is signed
        {"date": "2021-12-31", "label": None, "before": 0.5, "after": 0.25,
         "change": -0.25, "band_after": [0.1, 0.4]},
    ]  # fmt: skip
    assert calibrated_change_rows(rows) == [
        ("P(signed by 2018-12-31)  Putin's deadline", "0.004", "0.006", "+0.001",
         "<0.0001-0.015"),
        ("P(signed by 2019-12-31)", "0.200", "0.200", "unchanged", "0.100-0.300"),
        ("P(signed by 2020-06-30)  new term end", "—", "0.310", "", "0.200-0.450"),
        ("P(signed by 2021-12-31)", "0.500", "0.250", "-0.250", "0.100-0.400"),
    ]  # fmt: skip
