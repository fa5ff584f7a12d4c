"""Explain a forecast for people: sensitivity, what-if and flip tables, runs, and the
"what would it take" sentence in the scenario's own words (actor names, anchor labels).

Everything here renders results computed by :mod:`detente.analysis` and
:mod:`detente.store`; rich tables for the terminal, plain Markdown for reports.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.report.markdown import markdown_table, markdown_text
from detente.report.numbers import (
    MODEL_CERTAIN,
    MODEL_CERTAIN_NOTE,
    model_certain,
    probability_text,
)

if TYPE_CHECKING:
    from detente.analysis.flip import Change, Flip, FlipResult
    from detente.analysis.sensitivity import SensitivityResult, SobolResult
    from detente.result_diff import Difference
    from detente.scenario import Issue, Scenario
    from detente.store import RunRecord

__all__ = [
    "describe_change",
    "diff_table",
    "flip_document",
    "flip_markdown",
    "flip_renderables",
    "flip_sentence",
    "run_renderables",
    "runs_table",
    "sensitivity_markdown",
    "sensitivity_table",
    "short_path",
    "sobol_table",
    "whatif_markdown",
    "whatif_renderables",
]


_SHORT = (
    (r"^actors\.([^.]+)\.stances\.", r"\1."),
    (r"^actors\.([^.]+)\.motives\.", r"\1."),
    (r"^actors\.", ""),
    (r"^agreement\.signatories\.[^.]+\.ratifiers\.", ""),
    (r"^agreement\.signatories\.", ""),
    (r"^issues\.", ""),
    (r"^dynamics\.signatories\.[^.]+\.ratifiers\.", "dynamics."),
    (r"^dynamics\.(signatories|shocks)\.", "dynamics."),
)


def short_path(path: str) -> str:
    """The short form of a parameter path (as ``detente whatif --set`` reads it), e.g.
    ``russian_public.accepts.territory.0``; for display."""
    for pattern, replacement in _SHORT:
        shorter = re.sub(pattern, replacement, path)
        if shorter != path:
            return shorter
    return path


def _num(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}g}"


# -- "what would it take", in words -----------------------------------------------------


def _issue_phrase(issue: Issue) -> str:
    name = re.sub(r"\s*\([^)]*\)$", "", issue.name).strip() or issue.name
    if len(name) > 1 and not name[1].isupper():
        name = name[0].lower() + name[1:]
    return name if name.startswith("the ") else f"the {name}"


def _value_words(issue: Issue | None, value: float) -> str:
    text = _num(value, 6)
    anchor = None if issue is None else issue.nearest_anchor(value)
    if issue is None or anchor is None:
        return text
    width = issue.scale[1] - issue.scale[0]
    if abs(anchor[0] - value) <= 0.005 * width:
        return f"{text} ({anchor[1]})"
    if abs(anchor[0] - value) <= 0.05 * width:
        return f"{text} (near {anchor[0]:g}: {anchor[1]})"
    return text


def describe_change(scenario: Scenario, change: Change) -> str:
    """One change in words, e.g. "Russian public opinion and the Duma accepted 50 (...) on
    the territorial settlement"."""
    p, v = change.parameter, change.value
    who = scenario.actor(p.actor).name if p.actor is not None else ""
    issue = scenario.issue(p.issue) if p.issue is not None else None
    on = "" if issue is None else _issue_phrase(issue)
    old, new = _num(p.value.mode), _num(v, 6)
    phrases = {
        "bound": f"{who} accepted {_value_words(issue, v)} on {on}",
        "position": f"{who} moved its position on {on} to {_value_words(issue, v)} (from {old})",
        "status_quo": f"the status quo on {on} were {_value_words(issue, v)} (not {old})",
        "tolerance": f"{who} tolerated outcomes within {new} of its position on {on} (not {old})",
        "salience": f"{on} mattered {new} (of {p.unit:g}) to {who}, not {old}",
        "capability": f"{who} had a capability of {new} (not {old})",
        "weight": f"{who} weighed its motive '{p.path.split('.')[-2]}' at {new} (not {old})",
        "flexibility": f"{who}'s successor had {new} of the leader's room to concede (not {old})",
        "drift": f"{who}'s acceptable set drifted by {v:+.4g} of the scale a year (not {old})",
        "discount_rate": f"{who} discounted a year's delay at {new} (not {old})",
    }
    return phrases.get(p.kind, f"{p.path} were {new} (not {old})")


def _range_note(scenario: Scenario, change: Change, whose: bool) -> str:
    p, v = change.parameter, change.value
    if change.outside <= 0:
        return ""
    owner = ""
    if whose:
        owner = f" for {scenario.actor(p.actor).name}" if p.actor is not None else f" for {p.path}"
    if not p.ranged:
        return f"{_num(v, 6)} departs from the analyst's value {_num(p.value.mode)}{owner}"
    side = "below" if v < p.value.low else "above"
    return (
        f"{_num(v, 6)} lies {_num(change.outside)} {side} the analyst's range "
        f"{_num(p.value.low)}–{_num(p.value.high)}{owner}"
    )


def flip_sentence(scenario: Scenario, result: FlipResult, flip: Flip) -> str:
    """ "If X accepted 50 (...) on the territorial settlement, an agreement would become
    possible", with how far outside the analyst's ranges the change lies."""
    what = " and ".join(describe_change(scenario, c) for c in flip.changes)
    if result.target == "zopa":
        then = "an agreement would become possible"
        if flip.after < 0.5:
            then = "no agreement would be possible any more"
    else:
        verb = "rise" if flip.after >= result.before else "fall"
        whose = "calibrated probability" if result.target == "calibrated" else "probability"
        if result.threshold == 0.5:
            became = "likely" if flip.after >= result.before else "unlikely"
        else:
            side = "at least" if flip.after >= result.before else "below"
            became = f"{side} {_p(result.threshold)} likely"
        then = (
            f"an agreement by {scenario.horizon} would become {became}: its {whose} "
            f"would {verb} from {_p(result.before)} to {_p(flip.after)}"
        )
    notes = [_range_note(scenario, c, len(flip.changes) > 1) for c in flip.changes]
    tail = "; ".join(n for n in notes if n)
    return f"If {what}, {then}" + (f" ({tail})." if tail else ".")


def _p(value: float) -> str:
    """A probability to 2 decimals, or 3 where 2 would hide which side of 50% it is on."""
    return f"{value:.3f}" if f"{value:.2f}" == "0.50" else probability_text(value)


def flip_document(scenario: Scenario, result: FlipResult) -> dict[str, Any]:
    """``result.to_dict()`` with a sentence for every flip and a one-line summary."""
    document = result.to_dict()
    for key, flips in (("singles", result.singles), ("pairs", result.pairs)):
        for entry, flip in zip(document[key], flips, strict=True):
            entry["sentence"] = flip_sentence(scenario, result, flip)
    best = result.best
    if best is not None:
        document["best"]["sentence"] = flip_sentence(scenario, result, best)
        document["summary"] = document["best"]["sentence"]
    else:
        answer = "possible" if result.possible_before else "not possible"
        if result.target != "zopa":
            answer = f"P = {_p(result.before)}, threshold {_p(result.threshold)}"
        reach = "one or two parameters" if result.pairs_searched else "one parameter"
        document["summary"] = f"No change to {reach} within its domain flips the answer ({answer})."
        if result.not_evaluated:
            document["summary"] += (
                f" Not searched where they could not be evaluated: "
                f"{len(result.not_evaluated)} parameter(s), below."
            )
    return document


def _not_evaluated_lines(document: dict[str, Any]) -> list[str]:
    """One line per parameter the search could not evaluate at some value."""
    return [
        f"Could not evaluate {short_path(row['path'])} = {_num(row['value'], 6)}: {row['error']}"
        for row in document.get("not_evaluated", [])
    ]


def _answer_text(document: dict[str, Any]) -> str:
    if document["target"] == "zopa":
        possible = document["answer_before"]
        return "an agreement is possible now" if possible else "no agreement is possible now"
    whose = {"calibrated": "calibrated forecast", "dated": "dated model alone"}[document["target"]]
    return (
        f"P(agreement by the horizon) = {_p(document['before'])} ({whose}; the answer flips "
        f"across {_p(document['threshold'])})"
    )


def _change_cell(flip: dict[str, Any]) -> str:
    return "\n".join(
        f"{short_path(c['path'])}: {_num(c['from'])} → {_num(c['to'], 6)}"
        + (f" ({_num(c['outside_range'])} outside range)" if c["outside_range"] > 0 else "")
        for c in flip["changes"]
    )


def flip_renderables(document: dict[str, Any]) -> list[RenderableType]:
    """A heading, the summary sentence, and a table of the cheapest flips."""
    out: list[RenderableType] = [
        Text(document["scenario"], style="bold"),
        Text(f"Now: {_answer_text(document)}.", style="dim"),
        Text(document["summary"]),
    ]
    flips = [("single", f) for f in document["singles"]] + [("pair", f) for f in document["pairs"]]
    if flips:
        table = Table(title="Smallest changes that flip the answer", title_justify="left")
        for column in ("Kind", "Change (from → to)", "Size", "After"):
            table.add_column(
                column,
                justify="right" if column in ("Size", "After") else "left",
                overflow="fold",
            )
        for kind, flip in flips:
            table.add_row(kind, _change_cell(flip), f"{flip['size']:.3f}", _p(flip["after"]))
        out.append(table)
    out += [Text(line, style="yellow") for line in _not_evaluated_lines(document)]
    out.append(
        Text(
            f"Size: change in units of each parameter's scale. {document['parameters_searched']} "
            f"parameters searched, {document['evaluations']} evaluations.",
            style="dim",
        )
    )
    return out


def flip_markdown(document: dict[str, Any]) -> str:
    """The flip result as Markdown."""
    esc = markdown_text
    lines = [
        f"# What would it take: {esc(document['scenario'])}",
        "",
        f"Now: {esc(_answer_text(document))}.",
    ]
    lines += ["", esc(document["summary"]), ""]
    flips = [("single", f) for f in document["singles"]] + [("pair", f) for f in document["pairs"]]
    if flips:
        rows = [
            (kind, _change_cell(flip), f"{flip['size']:.3f}", _p(flip["after"]))
            for kind, flip in flips
        ]
        lines += markdown_table(("Kind", "Change", "Size", "After"), rows, numeric_from=2)
        lines += ["", *(f"- {esc(f['sentence'])}" for _, f in flips), ""]
    lines += [f"- {esc(line)}" for line in _not_evaluated_lines(document)]
    return "\n".join(lines)


# -- sensitivity -------------------------------------------------------------------------


def _sensitivity_rows(result: SensitivityResult, metric: str | None, top: int) -> list[list[str]]:
    """The ``top`` ranked swings, then every swing that could not be evaluated (never
    hidden by ``top``, never shown as an effect of 0)."""
    rows = []
    ranked = result.ranked(metric)
    failed = [s for s in ranked if not s.evaluated]
    for rank, swing in enumerate([s for s in ranked if s.evaluated][:top], start=1):
        shown = metric or max(swing.effects, key=lambda m: swing.effects[m], default=None)
        values = [
            None if shown is None else d.get(shown) for d in (swing.low, result.base, swing.high)
        ]
        p = swing.parameter.value
        rows.append([
            str(rank), short_path(swing.parameter.path),
            f"{_num(p.low)}–{_num(p.mode)}–{_num(p.high)}", *([] if metric else [shown or "—"]),
            " · ".join(_num(v) for v in values),
            f"{swing.effects.get(shown, 0.0) if shown else 0.0:.3f}",
        ])  # fmt: skip
    for swing in failed:
        p = swing.parameter.value
        rows.append([
            "—", short_path(swing.parameter.path), f"{_num(p.low)}–{_num(p.mode)}–{_num(p.high)}",
            *([] if metric else ["—"]), f"not evaluated: {swing.error}", "—",
        ])  # fmt: skip
    return rows


def _sensitivity_columns(metric: str | None) -> list[str]:
    return ["#", "Parameter", "Range", *([] if metric else ["Metric"]), "Low · base · high",
            "Effect"]  # fmt: skip


def sensitivity_table(result: SensitivityResult, metric: str | None = None, top: int = 20) -> Table:
    """Parameters ranked by their effect on ``metric`` (``None``: on any headline number),
    with the number at the parameter's low, at the modes and at its high."""
    about = f" on {metric}" if metric else ""
    title = f"One at a time{about}: each range swung low → high, the others at their mode"
    table = Table(title=title, title_justify="left")
    for column in _sensitivity_columns(metric):
        if column in ("Parameter", "Metric"):
            table.add_column(column, overflow="fold", min_width=26 if column == "Parameter" else 12)
        else:
            table.add_column(column, justify="right")
    for row in _sensitivity_rows(result, metric, top):
        table.add_row(*row)
    return table


def sensitivity_markdown(
    result: SensitivityResult, metric: str | None = None, top: int = 20
) -> str:
    """The ranking as Markdown."""
    columns = _sensitivity_columns(metric)
    about = f" on {metric}" if metric else ""
    lines = [f"# Sensitivity{markdown_text(about)}: {markdown_text(result.title)}", ""]
    lines += markdown_table(columns, _sensitivity_rows(result, metric, top))
    return "\n".join([*lines, ""])


def sobol_table(result: SobolResult, metric: str, top: int = 20) -> Table:
    """First-order (S1) and total (ST) Sobol indices of ``metric`` with 95% intervals."""
    table = Table(title=f"Sobol indices of {metric} (N = {result.n})", title_justify="left")
    for column in ("#", "Parameter", "S1", "± (95%)", "ST", "± (95%)"):
        if column == "Parameter":
            table.add_column(column, overflow="fold")
        else:
            table.add_column(column, justify="right")
    for rank, row in enumerate(result.ranked(metric)[:top], start=1):
        table.add_row(
            str(rank),
            short_path(row["path"]),
            *(
                "—" if row[k] is None else f"{row[k]:.3f}"
                for k in ("S1", "S1_conf", "ST", "ST_conf")
            ),
        )
    return table


# -- what if -----------------------------------------------------------------------------


def _verdict(possible: Any) -> str:
    return "possible" if possible else "not possible"


def _delta(value: float | None) -> str:
    # a change that rounds to 0.0 is shown as none, never as "-0.0"
    return "" if value is None or round(value, 1) == 0 else f"{value:+.1f}"


def whatif_renderables(document: dict[str, Any]) -> list[RenderableType]:
    """The changes, each model's outcome before and after, and the verdict's change."""
    out: list[RenderableType] = [Text(document["scenario"]["title"], style="bold")]
    changes = Table(title="Changes", title_justify="left")
    for column in ("Parameter", "Before", "After"):
        changes.add_column(column)
    for change in document["changes"]:
        changes.add_row(
            short_path(change["path"]), _plain(change["before"]), _plain(change["after"])
        )
    out.append(changes if document["changes"] else Text("No changes: the plain forecast."))
    out += [Text(f"{note}.", style="dim") for note in document.get("correlation", [])]
    comparison = document["comparison"]
    table = Table(title="Forecast before and after", title_justify="left")
    table.add_column("Issue", min_width=9, no_wrap=True)
    table.add_column("Model", min_width=10, overflow="fold")
    for column in ("Before", "After", "Δ"):
        table.add_column(column, justify="right", min_width=5, no_wrap=True)
    table.add_column("Nearest point after")
    for row in comparison["outcomes"]:
        table.add_row(
            row["issue"], row["model"], _num(row["before"], 3), _num(row["after"], 3),
            _delta(row["change"]), row["anchor_after"] or "",
        )  # fmt: skip
    out.append(table)
    agreement = comparison.get("agreement")
    if agreement is not None:
        old, new = agreement["possible"]
        style = "bold yellow" if agreement["changed"] else "dim"
        gaps = ", ".join(f"{k} {_num(a)} → {_num(b)}" for k, (a, b) in agreement["gaps"].items())
        out.append(
            Text(f"Agreement: {_verdict(old)} → {_verdict(new)} (gaps: {gaps})", style=style)
        )
        out.append(Text(agreement["explanation"][1]))
    if "whether_and_when" in comparison:
        from detente.report.calibrated_table import calibrated_change_table

        out.append(calibrated_change_table(document))
        return out
    dated = _dated_change(comparison)
    if dated:
        out.append(Text(dated, style="bold yellow" if "→" in dated else "dim"))
    return out


def _dated_change(comparison: dict[str, Any]) -> str:
    """The dated model's P(agreement by the horizon) before and after, if it ran."""
    for row in comparison["outcomes"]:
        if "p_agreement" in row:
            old, new = row["p_agreement"]
            if old is None or new is None:
                return ""
            mark = [MODEL_CERTAIN if model_certain(v) else "" for v in (old, new)]
            change = (
                f"{_p(old)}{mark[0]} → {_p(new)}{mark[1]}"
                if abs(new - old) >= 0.005
                else f"{_p(old)}{mark[0]} (unchanged)"
            )
            note = f". {MODEL_CERTAIN_NOTE}" if any(mark) else ""
            return (
                f"{row['model']}: P(agreement by the horizon) {change}, at the modes, "
                "the structural model alone (whatif --runs N gives the calibrated forecast)" + note
            )
    return ""


def _plain(value: Any) -> str:
    if isinstance(value, dict):
        return f"{_num(value['mode'])} ({_num(value['low'])}–{_num(value['high'])})"
    return _num(value) if isinstance(value, int | float) else str(value)


def whatif_markdown(document: dict[str, Any]) -> str:
    """The what-if comparison as Markdown."""
    lines = [f"# What if: {markdown_text(document['scenario']['title'])}", ""]
    if document["changes"]:
        lines += markdown_table(
            ("Parameter", "Before", "After"),
            [(c["path"], _plain(c["before"]), _plain(c["after"])) for c in document["changes"]],
        )
    else:
        lines.append("No changes: the plain forecast.")
    for note in document.get("correlation", []):
        lines += ["", f"{markdown_text(note)}."]
    lines.append("")
    rows = [
        (row["issue"], row["model"], _num(row["before"], 3), _num(row["after"], 3),
         _delta(row["change"]), row["anchor_after"] or "")
        for row in document["comparison"]["outcomes"]
    ]  # fmt: skip
    headers = ("Issue", "Model", "Before", "After", "Change", "Nearest labelled point after")
    lines += markdown_table(headers, rows)
    agreement = document["comparison"].get("agreement")
    if agreement is not None:
        old, new = agreement["possible"]
        lines += ["", f"**Agreement: {_verdict(old)} → {_verdict(new)}.**", "",
                  markdown_text(agreement["explanation"][1])]  # fmt: skip
    calibrated = document["comparison"].get("whether_and_when")
    if calibrated is not None:
        from detente.report.calibrated_table import (
            CHANGE_HEADERS,
            calibrated_caption,
            calibrated_change_rows,
            calibrated_title,
        )

        block = document["after"]["whether_and_when"]
        runs = document["after"]["monte_carlo"]["runs"]
        lines += ["", f"## {markdown_text(calibrated_title(block))}, before and after", ""]
        lines += markdown_table(CHANGE_HEADERS, calibrated_change_rows(calibrated))
        lines += ["", markdown_text(f"{runs:,} Monte Carlo draws of each scenario from the "
                                    "same seed. " + calibrated_caption(block))]  # fmt: skip
        return "\n".join([*lines, ""])
    dated = _dated_change(document["comparison"])
    if dated:
        lines += ["", dated + "."]
    return "\n".join([*lines, ""])


# -- runs --------------------------------------------------------------------------------


def runs_table(records: Sequence[RunRecord], store: str) -> Table:
    """One line per recorded run, newest first."""
    table = Table(title=f"Runs in {store}", title_justify="left")
    for column in ("ID", "When (UTC)", "Command", "Scenario", "Seed", "Runs"):
        right = column in ("ID", "Seed", "Runs")
        table.add_column(column, justify="right" if right else "left")
    for r in records:
        table.add_row(
            str(r.id), r.created_at[:16].replace("T", " "), r.command, r.scenario_title or "—",
            "—" if r.seed is None else str(r.seed),
            "—" if r.runs is None else str(r.runs),
        )  # fmt: skip
    return table


def run_renderables(record: RunRecord) -> list[RenderableType]:
    """A run's metadata as a table, then its result as indented JSON."""
    table = Table(title=f"Run {record.id}", title_justify="left", show_header=False)
    table.add_column("Field", style="bold")
    table.add_column("Value")
    for key, value in record.to_dict(with_result=False).items():
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value
        table.add_row(key, "—" if shown is None else str(shown))
    return [table, Text(json.dumps(record.result, indent=2, ensure_ascii=False))]


def diff_table(differences: Sequence[Difference], old_id: int, new_id: int) -> Table | Text:
    """What changed from run ``old_id`` to run ``new_id``: numbers with old, new and delta."""
    if not differences:
        return Text(f"Runs {old_id} and {new_id} have the same result.")
    table = Table(title=f"Run {old_id} → run {new_id}", title_justify="left")
    for column in ("Where", f"Run {old_id}", f"Run {new_id}", "Change"):
        table.add_column(column, justify="left" if column == "Where" else "right")
    for d in differences:
        table.add_row(
            d.path, _short(d.old), _short(d.new), "" if d.delta is None else f"{d.delta:+.4g}"
        )
    return table


def _short(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.6g}"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."
