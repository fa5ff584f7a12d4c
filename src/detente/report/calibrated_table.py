"""The calibrated whether-and-when forecast as a terminal table (``detente forecast --runs``).

Renders the ``whether_and_when`` block of a forecast document
(:func:`detente.outside_view.whether_when.calibrated_by_date`): for each date, the
calibrated probability detente reports, and beside it the outside view and the
structural model (with routes it cannot see), naming the forecaster and the reference
class used. ``rich`` is imported only when a table is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from detente.report.numbers import probability_text as _probability_text

if TYPE_CHECKING:
    from rich.table import Table

__all__ = [
    "BOUNDED_MARK",
    "CALIBRATED_HEADERS",
    "CHANGE_HEADERS",
    "base_rate_tables",
    "bounded_note",
    "calibrated_caption",
    "calibrated_change_rows",
    "calibrated_change_table",
    "calibrated_rows",
    "calibrated_table",
    "calibrated_title",
    "fragile_note",
    "probability_text",
]


def probability_text(value: float) -> str:
    """A probability at three decimals that never rounds a non-zero value to 0 or 1."""
    return _probability_text(value, digits=3)


CALIBRATED_HEADERS = ("", "Forecast", "90% band", "Outside view", "Structural")
CHANGE_HEADERS = ("", "Before", "After", "Change", "90% band after")


def calibrated_title(block: dict[str, Any]) -> str:
    """The title naming the forecaster and the reference class used."""
    return (
        f"Whether and when (forecaster: {block['forecaster']}, reference class: "
        f"{block['reference_class']['name']})"
    )


BOUNDED_MARK = "*"


def bounded_note(block: dict[str, Any]) -> str:
    """The sentence explaining :data:`BOUNDED_MARK`, or ``""`` when no date is bounded.

    A date is bounded when the scenario's outside view or dated-model probability lies
    outside what the calibration was fitted on, and the forecast was made at the edge of
    that range (winsorised; docs/calibration.md, "Outside the fitted range").
    """
    if not any(block.get("bounded", {}).values()):
        return ""
    limits = block["calibration"].get("fitted_range") or {}
    tops = limits.get("outside_view_max", {})
    low, high = limits.get("structural", (None, None))
    parts = []
    if tops.get("zone_now") is not None and tops.get("no_zone") is not None:
        parts.append(
            f"outside view at most {probability_text(tops['zone_now'])} with a zone of "
            f"agreement now and {probability_text(tops['no_zone'])} without"
        )
    if low is not None and high is not None:
        parts.append(f"dated model {probability_text(low)} to {probability_text(high)}")
    seen = f" ({'; '.join(parts)})" if parts else ""
    return (
        f" {BOUNDED_MARK} Outside the range the calibration was fitted on{seen}: the forecast "
        "is made at the edge of that range (winsorised), not extrapolated."
    )


def fragile_note(block: dict[str, Any]) -> str:
    """The warning when the verdict at the modes is a minority of the draws, or ``""``.

    The calibration weighs whether a zone of agreement exists at the modes; when the
    analyst's ranges put it on the other side in most draws, the forecast rests on a
    knife edge, and the other verdict's forecast at the horizon is printed beside it
    (docs/calibration.md, "A verdict on a knife edge").
    """
    fragile = block.get("fragile_verdict")
    if not fragile:
        return ""
    horizon = list(fragile["by_other_verdict"])[-1]
    share = fragile["zone_share"]
    said = "a" if fragile["verdict_at_modes"] else "no"
    other = "no zone" if fragile["verdict_at_modes"] else "a zone"
    instead = probability_text(fragile["by_other_verdict"][horizon])
    return (
        f" ! Knife edge: the modes give {said} zone of agreement now, but a zone exists in "
        f"{share:.1%} of the draws. The forecast weighs the verdict at the modes; with "
        f"{other} at the modes it would be {instead} "
        f"by {horizon} (against {probability_text(block['by'][horizon])}). "
        "Check the modes of the ranges that decide the zone (detente flip --target zopa)."
    )


def _years_old(age: float) -> str:
    """``"1 year old"``, ``"12 years old"``: the dispute's age as printed (whole years)."""
    shown = f"{age:.0f}"
    return f"{shown} year{'' if shown == '1' else 's'} old"


def calibrated_caption(block: dict[str, Any]) -> str:
    """Where the numbers come from: the class (and why), the fit, the band, the columns."""
    chosen = block["reference_class"]
    why = f" (inferred: {'; '.join(chosen['reasons'])})" if chosen["inferred"] else ""
    return (
        f"Reference class: {chosen['label']}, {chosen['n']} records "
        f"({chosen['source'].upper()}), dispute {_years_old(chosen['age_years'])} at as_of"
        f"{why}. Calibrated: cloglog combination fitted on {block['calibration']['n']} cases "
        "(docs/calibration.md); 90% band: from the uncertainty of its coefficients (Laplace "
        "approximation). Structural: the dated model's Monte Carlo plus a hazard of routes "
        "it cannot see." + bounded_note(block) + fragile_note(block)
    )


def calibrated_rows(
    block: dict[str, Any], labels: dict[str, str] | None = None
) -> list[tuple[str, ...]]:
    """One row per date: label, calibrated P, its band, outside view, structural."""
    rows: list[tuple[str, ...]] = []
    for key, value in block["by"].items():
        label = f"P(signed by {key})"
        if labels and key in labels:
            label += f"  {labels[key]}"
        low, high = block["by_band"][key]
        mark = BOUNDED_MARK if block.get("bounded", {}).get(key) else ""
        rows.append(
            (
                label,
                probability_text(value) + mark,
                f"{probability_text(low)}-{probability_text(high)}",
                probability_text(block["outside_view"][key]),
                probability_text(block["structural"][key]),
            )
        )
    return rows


def calibrated_table(block: dict[str, Any], labels: dict[str, str] | None = None) -> Table:
    """Rich table of P(signed by date): calibrated (the forecast), outside view, structural."""
    from rich.table import Table

    table = Table(
        title=calibrated_title(block),
        title_justify="left",
        caption=calibrated_caption(block),
        caption_justify="left",
    )
    for column in CALIBRATED_HEADERS:
        table.add_column(column, justify="left" if not column else "right")
    for row in calibrated_rows(block, labels):
        table.add_row(*row)
    return table


def calibrated_change_rows(rows: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """``detente whatif``: per date, the calibrated P before and after and the change.

    ``rows`` is the ``comparison.whether_and_when`` list of a what-if document
    (:func:`detente.analysis.what_if.what_if`). A change smaller than 0.0005 reads
    ``unchanged``; a date the edit added has no before value (``—``).
    """
    out: list[tuple[str, ...]] = []
    for row in rows:
        label = f"P(signed by {row['date']})"
        if row.get("label"):
            label += f"  {row['label']}"
        before, change = row["before"], row["change"]
        if change is None:
            moved = ""
        elif abs(change) < 5e-4:
            moved = "unchanged"
        else:
            moved = f"{change:+.3f}"
        low, high = row["band_after"]
        mark = BOUNDED_MARK if row.get("bounded_after") else ""
        out.append(
            (
                label,
                "—" if before is None else probability_text(before),
                probability_text(row["after"]) + mark,
                moved,
                f"{probability_text(low)}-{probability_text(high)}",
            )
        )
    return out


def calibrated_change_table(document: dict[str, Any]) -> Table:
    """Rich table of :func:`calibrated_change_rows`, titled with the forecaster and class."""
    from rich.table import Table

    block = document["after"]["whether_and_when"]
    runs = document["after"]["monte_carlo"]["runs"]
    table = Table(
        title=calibrated_title(block) + ", before and after",
        title_justify="left",
        caption=f"{runs:,} Monte Carlo draws of each scenario from the same seed. "
        + calibrated_caption(block),
        caption_justify="left",
    )
    for column in CHANGE_HEADERS:
        table.add_column(column, justify="left" if not column else "right")
    for row in calibrated_change_rows(document["comparison"]["whether_and_when"]):
        table.add_row(*row)
    return table


def base_rate_tables(document: dict[str, Any], *, all_records: bool = False) -> list[Any]:
    """Rich renderables of ``detente base-rate`` (:mod:`detente.outside_view.base_rate`)."""
    from rich.table import Table

    chosen = document["reference_class"]
    records = document["records"]
    shown = records if all_records else records[:12]
    more = "" if all_records or len(records) <= 12 else f" ... and {len(records) - 12} more"
    how = "inferred: " + "; ".join(chosen["reasons"]) if chosen["inferred"] else "stated"
    lines = [
        f"Reference class: {chosen['name']} ({chosen['label']}), {how}",
        f"Dataset: {document['dataset']}. {document['cite']}",
        f"Unit: {document['unit']}; filter: {document['filter']}",
        f"Event: {document['event']}",
        f"Competing risks: {document['competing_risks']}",
        f"N = {document['n']} records, {document['events']} events; records: "
        + ", ".join(str(r) for r in shown)
        + more,
    ]
    curve = Table(title="Base rate: P(the event by t years from the start)")
    for column in ("Years", "P", "95% band", "At risk"):
        curve.add_column(column, justify="right")
    for point in document["curve"]:
        curve.add_row(
            f"{point['years']:g}",
            probability_text(point["p"]),
            f"{probability_text(point['lower'])}-{probability_text(point['upper'])}",
            str(point["at_risk"]),
        )
    outlook = Table(
        title=f"Outside view as of {document['scenario']['as_of']} "
        f"(dispute {_years_old(chosen['age_years'])}; the event as above)"
    )
    outlook.add_column("", justify="left")
    outlook.add_column("P", justify="right")
    for key, value in document["by"].items():
        outlook.add_row(f"P(the event by {key})", probability_text(value))
    return ["\n".join(lines), curve, outlook]
