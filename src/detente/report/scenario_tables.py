"""``detente show``: a scenario as tables, every number with its provenance."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from detente.provenance import parameters
from detente.quantity import Range
from detente.scenario import Acceptance, Scenario
from detente.scenario_parts import EXIT_HAZARD_BY_REGIME

__all__ = ["provenance_rows", "scenario_renderables"]


def _value(value: Any) -> str:
    if isinstance(value, Range):
        return value.describe()
    if isinstance(value, dict) and set(value) == {"low", "mode", "high"}:
        return Range(**value).describe()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _salience(scenario: Scenario, value: Range) -> str:
    k = scenario.salience_scale
    return Range(low=value.low * k, mode=value.mode * k, high=value.high * k).describe()


def _acceptance(acc: Acceptance) -> str:
    parts = [f"{issue} {_value(bounds)}" for issue, bounds in acc.accepts.items()]
    parts += [f"{issue} ±{_value(tol)}" for issue, tol in acc.tolerance.items()]
    return "; ".join(parts) or "anything better than the status quo"


def scenario_renderables(scenario: Scenario) -> list[RenderableType]:
    """Rich tables: issues, actors, agreement, dates, and the evidence of each parameter."""
    out: list[RenderableType] = [
        Text(scenario.title, style="bold"),
        Text(f"as of {scenario.as_of}, horizon {scenario.horizon}", style="dim"),
    ]
    if scenario.description:
        out.append(Text(scenario.description.strip()))
    issues = Table(title="Issues", title_justify="left")
    for column in ("Id", "Name", "Scale", "Status quo", "Labelled points"):
        issues.add_column(column)
    for issue in scenario.issues:
        anchors = "\n".join(f"{k:g}: {v}" for k, v in sorted(issue.anchors.items()))
        issues.add_row(
            issue.id,
            issue.name,
            f"{issue.scale[0]:g}–{issue.scale[1]:g}",
            "—" if issue.status_quo is None else issue.status_quo.describe(),
            anchors,
        )
    out.append(issues)
    actors = Table(title=f"Actors (salience on 0–{scenario.salience_scale})", title_justify="left")
    for column in ("Id", "Name", "Capability", "Issue", "Position", "Salience"):
        actors.add_column(column)
    for actor in scenario.actors:
        first = True
        for issue_id, stance in actor.stances.items():
            actors.add_row(
                actor.id if first else "",
                actor.name if first else "",
                actor.capability.describe() if first else "",
                issue_id,
                stance.position.describe(),
                _salience(scenario, stance.salience),
                end_section=issue_id == list(actor.stances)[-1],
            )
            first = False
    out.append(actors)
    motives = [(a, m) for a in scenario.actors for m in a.motives]
    if motives:
        table = Table(title="Motives: what each side gains from an agreement", title_justify="left")
        for column in ("Actor", "Motive", "Weight (0–1)"):
            table.add_column(column)
        for actor, motive in motives:
            table.add_row(actor.id, motive.description, motive.weight.describe())
        out.append(table)
    if scenario.agreement is not None:
        table = Table(title=f"Agreement: {scenario.agreement.name}", title_justify="left")
        for column in ("Signatory", "Leader", "Accepts", "Ratifiers and what they accept"):
            table.add_column(column)
        for s in scenario.agreement.signatories:
            leader = "—"
            if s.leader is not None:
                leader = s.leader.name
                if s.leader.term_ends is not None:
                    leader += f", term ends {s.leader.term_ends}"
                leader += f"; successor flexibility {s.leader.successor_flexibility.describe()}"
                if s.leader.exit_hazard is not None:
                    default = s.leader.regime and (
                        s.leader.exit_hazard == EXIT_HAZARD_BY_REGIME[s.leader.regime]
                    )
                    regime = f" ({s.leader.regime} default)" if default else ""
                    leader += f"; exit hazard {s.leader.exit_hazard.describe()}/yr{regime}"
                for vote in s.leader.elections:
                    leader += f"; election {vote.date} (turnover {vote.turnover.describe()})"
                if s.leader.successor is not None:
                    leader += f"; successor accepts {_acceptance(s.leader.successor)}"
            ratifiers = "\n".join(f"{r.actor}: {_acceptance(r)}" for r in s.ratifiers) or "—"
            accepts = _acceptance(s) + "".join(
                f"\nor package {pkg.id}: {_acceptance(pkg)}" for pkg in s.packages
            )
            table.add_row(s.actor, leader, accepts, ratifiers)
        out.append(table)
    if scenario.dates:
        dates = Table(title="Key dates", title_justify="left")
        dates.add_column("Date")
        dates.add_column("What")
        for d in scenario.dates:
            dates.add_row(str(d.date), d.label)
        out.append(dates)
    if scenario.dynamics is not None and scenario.dynamics.deadlines:
        table = Table(title="Deadlines and focal dates", title_justify="left")
        for column in ("Id", "Date", "Valued by (weight)", "After it"):
            table.add_column(column)
        for due in scenario.dynamics.deadlines:
            valued = "\n".join(f"{v.actor}: {v.weight.describe()}" for v in due.valued_by)
            after: str = due.after
            if due.after in ("narrow", "widen"):
                after += f" {due.change.describe()}"
            if due.targets:
                after += " (" + ", ".join(due.targets) + ")"
            table.add_row(due.label or due.id, str(due.date), valued or "—", after)
        out.append(table)
    if scenario.dynamics is not None and scenario.dynamics.mediators:
        table = Table(title="Mediators and guarantors", title_justify="left")
        for column in ("Id", "Widens the sets of", "By (share of scale)", "From"):
            table.add_column(column)
        for m in scenario.dynamics.mediators:
            start = "as_of" if m.start is None else str(m.start)
            table.add_row(m.name or m.id, ", ".join(m.targets), m.widen.describe(), start)
        out.append(table)
    if scenario.correlation:
        table = Table(title="Correlated judgments (Gaussian copula)", title_justify="left")
        for column in ("Group", "rho", "Ranges drawn together"):
            table.add_column(column)
        for group in scenario.correlation:
            table.add_row(group.id, f"{group.rho:g}", "\n".join(group.ranges))
        out.append(table)
    out.append(_provenance_table(scenario))
    return out


def provenance_rows(scenario: Scenario) -> list[tuple[str, str, list[str]]]:
    """Every parameter of ``scenario``: its path, its value as shown (saliences on the
    file's scale) and the quotes (with their outlet) and judgments it rests on (empty:
    no evidence given)."""
    sources = {s.id: s for s in scenario.sources}
    rows = []
    for param in parameters(scenario):
        shown = _value(param.value)
        if param.path.endswith(".salience"):
            value = param.value
            shown = _salience(
                scenario,
                Range(**value)
                if isinstance(value, dict)
                else Range(low=value, mode=value, high=value),
            )
        notes = []
        for e in param.evidence:
            if e.quote:
                src = sources.get(e.source or "")
                where = src.outlet or src.title if src else e.source
                notes.append(f"“{e.quote.strip()}” ({where})")
            if e.judgment:
                notes.append(f"Judgment: {e.judgment.strip()}")
        rows.append((param.path, shown, notes))
    return rows


def _provenance_table(scenario: Scenario) -> Table:
    table = Table(
        title="Provenance: every parameter and what it rests on",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("Parameter", overflow="fold")
    table.add_column("Value")
    table.add_column("Evidence", ratio=3)
    for path, shown, notes in provenance_rows(scenario):
        if not notes:
            table.add_row(path, shown, Text("no evidence given", style="bold red"))
            continue
        table.add_row(path, shown, "\n".join(notes))
    return table
