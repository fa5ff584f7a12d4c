"""Time in a negotiation: the time grid and shock paths of the dated model.

The ``dynamics:`` block itself (every number the dated model adds to the static schema)
is a value object in :mod:`detente.dynamics_spec`; this module turns a scenario into
the time grid (:func:`timeline`) and samples shock paths (:func:`shock_offsets`). It
imports no model code.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from detente.dynamics_spec import DynamicsSpec
from detente.quantity import Range
from detente.scenario_fields import ScenarioFields

__all__ = [
    "DAYS_PER_YEAR",
    "Timeline",
    "add_months",
    "shock_offsets",
    "timeline",
]

DAYS_PER_YEAR = 365.25


# -- the time grid ------------------------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (the day clipped to the month's length)."""
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Timeline:
    """The dates at which the dated model decides, and the dates it reports on.

    ``dates[k]`` is the end of step *k* (k = 0..K-1); step *k* covers
    ``(dates[k-1], dates[k]]`` with ``dates[-1] = as_of``. ``years[k]`` is the time from
    ``as_of`` to ``dates[k]`` and ``step_years[k]`` the length of step *k*, both in years
    of 365.25 days. ``report`` maps the dates worth naming (key dates, term ends, year
    ends, the horizon) to labels; every one of them lies on the grid.
    """

    as_of: dt.date
    dates: tuple[dt.date, ...]
    years: np.ndarray
    step_years: np.ndarray
    report: dict[dt.date, str]

    @property
    def steps(self) -> int:
        return len(self.dates)

    def index(self, day: dt.date) -> int:
        """Index of the grid date ``day`` (a :class:`KeyError` if it is not on the grid)."""
        try:
            return self.dates.index(day)
        except ValueError:
            raise KeyError(day) from None

    def years_at(self, day: dt.date) -> float:
        return (day - self.as_of).days / DAYS_PER_YEAR


def timeline(scenario: ScenarioFields) -> Timeline:
    """Monthly (``step_months``) grid from ``as_of`` to ``horizon`` with every named date on it.

    The grid is the union of ``as_of + k * step_months`` months, the scenario's key
    dates, the term ends and elections of the signatories' leaders, 31 December of every
    year and the horizon, all within ``(as_of, horizon]``.
    """
    spec = scenario.dynamics or DynamicsSpec()
    start, end = scenario.as_of, scenario.horizon
    points: set[dt.date] = {end}
    k = 1
    while (day := add_months(start, k * spec.step_months)) < end:
        points.add(day)
        k += 1
    report: dict[dt.date, list[str]] = {}

    def name(day: dt.date, label: str, *, named: bool = False) -> None:
        if start < day <= end:
            points.add(day)
            labels = report.setdefault(day, [])
            if named or not labels:
                labels.append(label)

    for key in scenario.dates:
        name(key.date, key.label, named=True)
    if scenario.agreement is not None:
        for signatory in scenario.agreement.signatories:
            leader = signatory.leader
            if leader is None:
                continue
            if leader.term_ends is not None:
                name(leader.term_ends, f"end of {leader.name}'s term")
            for election in leader.elections:
                name(election.date, election.label or f"{leader.name}: election", named=True)
    for deadline in spec.deadlines:
        name(deadline.date, deadline.label or deadline.id, named=True)
    for entry in spec.signatories:
        for ratifier in entry.ratifiers:
            if ratifier.appears is not None:
                name(ratifier.appears, f"{ratifier.actor} appears")
            if ratifier.vanishes is not None:
                name(ratifier.vanishes, f"{ratifier.actor} vanishes")
    for mediator in spec.mediators:
        if mediator.start is not None:
            name(mediator.start, f"{mediator.name or mediator.id} steps in")
    name(end, "horizon")
    for year in range(start.year, end.year + 1):
        name(dt.date(year, 12, 31), f"end of {year}")
    dates = tuple(sorted(points))
    years = np.array([(d - start).days / DAYS_PER_YEAR for d in dates])
    step_years = np.diff(years, prepend=0.0)
    return Timeline(
        start, dates, years, step_years, {d: "; ".join(v) for d, v in sorted(report.items())}
    )


# -- shocks ---------------------------------------------------------------------------


def shock_offsets(
    line: Timeline, hazard: np.ndarray, size: Range, rng: np.random.Generator
) -> np.ndarray:
    """Cumulative size of a Poisson stream of events at every grid date, per draw.

    Parameters
    ----------
    line:
        The time grid.
    hazard:
        Events per year, one rate per draw (shape ``(n,)``).
    size:
        Distribution of one event's size (each event draws its own).
    rng:
        The only source of randomness.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, K)``: the sum of the sizes of the events that arrived by ``dates[k]``.
        Event counts are Poisson(hazard x span) and arrival times uniform on the span,
        which is the homogeneous Poisson process (so the result does not depend on the
        grid).
    """
    span = float(line.years[-1])
    n = hazard.shape[0]
    counts = rng.poisson(hazard * span)
    most = int(counts.max()) if n else 0
    if most == 0:
        return np.zeros((n, line.steps))
    times = rng.uniform(0.0, span, size=(n, most))
    sizes = np.asarray(size.sample(rng, (n, most)), dtype=float)
    sizes = np.where(np.arange(most)[None, :] < counts[:, None], sizes, 0.0)
    arrived = times[:, :, None] <= line.years[None, None, :]
    return np.asarray(np.sum(sizes[:, :, None] * arrived, axis=1))
