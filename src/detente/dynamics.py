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
from detente.limits import MAX_EVENT_CELLS, check_cells
from detente.quantity import Range
from detente.scenario_fields import ScenarioFields

__all__ = [
    "DAYS_PER_YEAR",
    "Timeline",
    "add_months",
    "event_times",
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
    # whole months from as_of to the horizon: a step past them would lie beyond it (and,
    # for a horizon in 9999, beyond the last date Python has)
    months = (end.year - start.year) * 12 + end.month - start.month
    for k in range(1, months // spec.step_months + 1):
        day = add_months(start, k * spec.step_months)
        if day < end:
            points.add(day)
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


def event_times(
    hazard: np.ndarray, span: float, rng: np.random.Generator, what: str
) -> tuple[np.ndarray, np.ndarray]:
    """Arrival times of a homogeneous Poisson process on ``[0, span]`` years, per draw.

    Parameters
    ----------
    hazard:
        Events per year, one rate per draw (shape ``(n,)``).
    span:
        Length of the window, in years.
    rng:
        The only source of randomness: one Poisson count per draw, then the times.
    what:
        Names the stream in the error (``"shock 's1'"``).

    Returns
    -------
    tuple of numpy.ndarray
        ``times`` of shape ``(n, m)`` (``m`` the largest count; uniform on the span,
        given the count) and ``live`` ``(n, m)``, True for the events each draw has.

    Raises
    ------
    ModelError
        When ``n x m`` passes :data:`~detente.limits.MAX_EVENT_CELLS` (checked after the
        counts and before the times are drawn, so nothing large is allocated).
    """
    n = hazard.shape[0]
    counts = rng.poisson(hazard * span)
    most = int(counts.max()) if n else 0
    check_cells(
        n * most,
        MAX_EVENT_CELLS,
        f"{n:,} draws x {most:,} events of {what} over {span:.3g} years",
        "lower the hazard, shorten the horizon or take fewer runs",
    )
    times = rng.uniform(0.0, span, size=(n, most)) if most else np.zeros((n, 0))
    return times, np.arange(most)[None, :] < counts[:, None]


def shock_offsets(
    line: Timeline, hazard: np.ndarray, size: Range, rng: np.random.Generator, what: str = "a shock"
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
    what:
        Names the stream in a :class:`~detente.errors.ModelError` (see :func:`event_times`).

    Returns
    -------
    numpy.ndarray
        Shape ``(n, K)``: the sum of the sizes of the events that arrived by ``dates[k]``.
        Event counts are Poisson(hazard x span) and arrival times uniform on the span,
        which is the homogeneous Poisson process (so the result does not depend on the
        grid). Memory is ``O(n x (events + K))``: each event is added to the step it
        arrives in, then the steps are summed cumulatively.
    """
    n = hazard.shape[0]
    times, live = event_times(hazard, float(line.years[-1]), rng, what)
    if not live.any():
        return np.zeros((n, line.steps))
    sizes = np.asarray(size.sample(rng, times.shape), dtype=float)
    # an event at time t counts from the first grid date on or after t
    step = np.searchsorted(line.years, times, side="left")
    rows = np.broadcast_to(np.arange(n)[:, None], times.shape)
    per_step = np.zeros((n, line.steps))
    np.add.at(per_step, (rows[live], step[live]), sizes[live])
    return np.cumsum(per_step, axis=1)
