r"""Deadline bargaining: whether and when the agreement is signed.

A dated two-level war of attrition. Time runs from ``as_of`` to ``horizon`` on a grid
of steps (monthly by default, with every key date, term end and year end on it). At
each step the model asks whether the signatories' sets overlap; the answer changes as
leaders concede, domestic opinion drifts, leaders leave office and shocks arrive.

**Sets (Putnam 1988).** Each actor's acceptable set on issue *j* is
:math:`[a - \ell, a + u]` around its anchor *a* (its position, clipped into the set),
read from the scenario exactly as the two-level model does (``accepts`` bounds, or
position +/- ``tolerance``, or what it prefers to the status quo, else the whole
scale). Over time the reaches change:

.. math::

    \ell(t) = \max\bigl(0,\ \ell\,f(t) + (\delta\,t + \textstyle\sum_{e \le t} z_e)\,w_j\bigr)

with :math:`\delta` the yearly ``drift`` (fraction of the scale width :math:`w_j`),
:math:`z_e` the sizes of the width shocks that arrived by *t*, and *f(t)* = 1 for a
ratifier, and for a leader 1 before its ``term_ends`` and ``successor_flexibility``
after. Position shocks move *a*. A signatory's win-set is the intersection of its
ratifiers' sets, :math:`W_s`; its leader's own set is :math:`O_s`. While the leader
holds out its effective set is :math:`E_s = O_s \cap W_s`; once it concedes,
:math:`E_s = W_s` (it accepts anything its ratifiers will, Putnam's win-set). A zone
of agreement exists when :math:`Z_j = \bigcap_s E_{s,j} \neq \emptyset` for every
issue *j*.

**Concessions: a war of attrition** (Fudenberg & Tirole 1986; Alesina & Drazen 1991).
Each holding-out leader concedes in step :math:`(t_0, t_1]` with probability

.. math::

    p_s = 1 - \exp\!\left(-\frac{C_s(t_0, t_1)}{V_s}\right), \qquad
    C_s = r_s B_s (t_1 - t_0) + L_s \ln\frac{T_s - t_0}{T_s - t_1},

where :math:`B_s` is the sum of the weights of the actor's motives (the value of the
deal), :math:`r_s` its yearly ``discount_rate`` (so :math:`r_s B_s` is the cost of a
year's delay, as in Rubinstein 1982), :math:`L_s` the weight of its ``legacy`` motives,
valued only if signed before the leader's term ends at :math:`T_s` (the integral of
:math:`L_s/(T_s - t)`, the legacy spread over the time left, which makes concession
certain before the deadline: the deadline effect of Roth, Murnighan & Schoumaker 1988),
and

.. math::

    V_s = \sum_j s_{s,j}\, \max\bigl(\max_{o \ne s} d(O_{s,j}, E_{o,j}),\
          d(O_{s,j}, W_{s,j})\bigr) / w_j

the stake: how far, salience-weighted, the leader's own set lies from what each other
side accepts, or from its own ratifiers (a zero stake concedes at once, a zero cost
never). Concessions happen only while no zone exists: each step checks for a zone,
lets the holding-out leaders concede, and checks again. The hazard :math:`C/V` is the
stopping rule of the war of attrition: a side concedes when the cost of holding out
overtakes the value of what it defends, so the side with
the higher cost of delay relative to its stake concedes first, as in Alesina & Drazen
(1991). In the complete-information equilibrium (Hendricks, Weiss & Wilson 1988) each
side's hazard is set by the *other's* ratio; with two sides the total hazard, and so
the timing of the first concession, is the same; the attribution only decides who
concedes. Why not Rubinstein (1982) alternating offers: with complete information it
predicts agreement at once whenever a zone exists and never otherwise, so it cannot
say *when*; its discounting is kept as the cost of delay. ``signing_lag`` (months,
default 0) is the mean of an exponential lag from a zone to the signature.

**Leader turnover.** After ``term_ends`` the successor holds out again (a concession is
not inherited), its own set is scaled by ``successor_flexibility`` and legacy motives
lapse.

**Shocks.** Each shock is a Poisson process of events (``hazard`` per year) that widen
or move its target's set by ``size`` (fraction of the scale) each.

**Exact in the process, Monte Carlo in the parameters.** For one set of parameters
(and one shock path) the chance of each concession state (2^S states) is carried
forward exactly, so a draw gives P(agreement by *t*) for every grid date. The agreed
point is the signatories' capability x salience weighted mean of positions clipped
into :math:`Z_j` (the two-level model's rule). :meth:`forecast` uses the modes and
averages over ``shock_samples`` shock paths; :func:`detente.uncertainty.run_monte_carlo`
samples every range.

Sources: Putnam, R. D. (1988), "Diplomacy and domestic politics: the logic of two-level
games", *International Organization* 42(3): 427-460; Fudenberg, D. & Tirole, J. (1986),
"A theory of exit in duopoly", *Econometrica* 54(4): 943-960; Alesina, A. & Drazen, A.
(1991), "Why are stabilizations delayed?", *American Economic Review* 81(5):
1170-1188; Hendricks, K., Weiss, A. & Wilson, C. (1988), "The war of attrition in
continuous time with complete information", *International Economic Review* 29(4):
663-680; Rubinstein, A. (1982), "Perfect equilibrium in a bargaining model",
*Econometrica* 50(1): 97-109; Roth, A. E., Murnighan, J. K. & Schoumaker, F. (1988),
"The deadline effect in bargaining: some experimental evidence", *American Economic
Review* 78(4): 806-823.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from itertools import product
from typing import Any

import numpy as np

from detente.dynamics import timeline
from detente.models._deadline_arrays import (
    Inputs,
    Structure,
    inputs,
    sample_shocks,
    sample_turnover,
    structure,
)
from detente.models._deadline_chain import ChainResult, run_chain
from detente.models._deadline_explain import extension_lines
from detente.models.base import AgreementVerdict, Forecast, IssueForecast, RngLike, as_generator
from detente.scenario import Scenario
from detente.uncertainty import DatedDraws, Draws, ScenarioSampler

__all__ = ["MODEL", "DeadlineBargainingModel"]


class DeadlineBargainingModel:
    """Dated two-level war of attrition with deadlines, turnover and shocks.

    Parameters
    ----------
    shock_samples:
        Shock paths averaged over by :meth:`forecast` when the scenario has shocks.
    """

    name = "deadline-bargaining"
    title = "Deadline bargaining: P(agreement signed by each date), two-level war of attrition"
    citation = (
        "Putnam (1988) IO 42(3); Fudenberg & Tirole (1986) Econometrica 54(4); Alesina & "
        "Drazen (1991) AER 81(5); Rubinstein (1982) Econometrica 50(1)"
    )
    requires_agreement = True

    def __init__(self, shock_samples: int = 1000) -> None:
        self.shock_samples = shock_samples
        self._cache: tuple[Scenario, Structure] | None = None

    def _structure(self, scenario: Scenario) -> Structure:
        """The scenario's fixed structure, remembered for the last scenario seen."""
        cached = self._cache
        if cached is not None and cached[0] is scenario:
            return cached[1]
        st = structure(scenario)
        self._cache = (scenario, st)
        return st

    # -- the batch interface (detente.uncertainty.DatedModel) ---------------------------
    def grid(self, scenario: Scenario) -> tuple[tuple[dt.date, ...], dict[dt.date, str]]:
        line = (
            self._structure(scenario).line if scenario.agreement is not None else timeline(scenario)
        )
        return line.dates, line.report

    def sample_process(
        self, scenario: Scenario, draws: Draws, rng: np.random.Generator
    ) -> np.ndarray:
        st = self._structure(scenario)
        return np.concatenate(
            [sample_shocks(st, draws, rng), sample_turnover(st, draws, rng)], axis=1
        )

    def forecast_draws(self, scenario: Scenario, draws: Draws, process: np.ndarray) -> DatedDraws:
        st = self._structure(scenario)
        shocks = len(st.spec.shocks)
        # the process is shocks then leader changes (sample_process); shocks alone mean
        # the scheduled term ends only
        changes = process[:, shocks:] if process.shape[1] > shocks else None
        chain = _mixed_chain(st, draws, process[:, :shocks], changes)
        final = chain.by[:, -1]
        sq = inputs_status_quo(scenario, draws)
        outcome = np.where(final[:, None] >= 0.5, chain.agreed, sq)
        reached = chain.by >= 0.5
        median = np.where(reached.any(axis=1), reached.argmax(axis=1), st.line.steps)
        return DatedDraws(st.line.dates, chain.by, outcome, chain.agreed, median)

    # -- the Model interface -----------------------------------------------------------
    def forecast(self, scenario: Scenario, *, rng: RngLike = None) -> Forecast:
        """Forecast at the modes, averaging over shock paths drawn from ``rng``."""
        st = self._structure(scenario)
        generator = as_generator(rng)
        n = self.shock_samples if st.spec.shocks or st.random_turnover else 1
        draws = ScenarioSampler(scenario).modes(n)
        result = self.forecast_draws(
            scenario, draws, self.sample_process(scenario, draws, generator)
        )
        by = result.by.mean(axis=0)
        final = float(by[-1])
        weights = result.by[:, -1]
        line = st.line
        issues = []
        for j, issue in enumerate(scenario.issues):
            agreed = None
            if final > 0:
                agreed = float(np.sum(weights * np.nan_to_num(result.agreed[:, j])) / weights.sum())
            sq = None if issue.status_quo is None else issue.status_quo.mode
            outcome = agreed if final >= 0.5 else sq
            details = {"p_agreement": final, "agreed": agreed, "status_quo": sq}
            issues.append(IssueForecast(issue.id, outcome, details))
        crossing = np.flatnonzero(by >= 0.5)
        median = line.dates[int(crossing[0])].isoformat() if crossing.size else None
        named = {d.isoformat(): float(by[line.index(d)]) for d in line.report}
        verdict = AgreementVerdict(
            possible=final > 0,
            explanation=_explain(scenario, line.report, named, median),
            issues=_zones(scenario),
            extra={
                "by": named,
                "median_time": median,
                "labels": {d.isoformat(): label for d, label in line.report.items()},
                "curve": {d.isoformat(): float(p) for d, p in zip(line.dates, by, strict=True)},
            },
        )
        if _has_packages(scenario):
            verdict.extra["packages"] = packages_now(scenario)
        return Forecast(self.name, tuple(issues), verdict)


def _mixed_chain(
    st: Structure, draws: Draws, shocks: np.ndarray, changes: np.ndarray | None
) -> ChainResult:
    """The chain, mixed exactly over which optional ratifiers are called.

    Each optional ratifier (``called: q``) binds with probability ``q``, independently
    and from the start: P(by t) is the mixture of the 2^R chains, weighted by the chance
    of each combination; the agreed point is weighted by each chain's P(by horizon).
    """
    optional = st.optional_roles
    if not optional:
        return run_chain(inputs(st, draws, shocks, changes), st)
    by = np.zeros((draws.n, st.line.steps))
    total = np.zeros((draws.n, len(st.issue_ids)))
    mass = np.zeros(draws.n)
    for called in product((True, False), repeat=len(optional)):
        weight = np.ones(draws.n)
        for r, binds in zip(optional, called, strict=True):
            q = draws.get(st.roles[r].called_path or ())
            weight = weight * (q if binds else 1.0 - q)
        skip = frozenset(r for r, binds in zip(optional, called, strict=True) if not binds)
        chain = run_chain(inputs(st, draws, shocks, changes, skip), st)
        by += weight[:, None] * chain.by
        reach = weight * chain.by[:, -1]
        total += reach[:, None] * np.nan_to_num(chain.agreed)
        mass += reach
    with np.errstate(divide="ignore", invalid="ignore"):
        agreed = np.where(mass[:, None] > 0, total / mass[:, None], np.nan)
    return ChainResult(np.clip(by, 0.0, 1.0), agreed)


def inputs_status_quo(scenario: Scenario, draws: Draws) -> np.ndarray:
    """Status quo per draw and issue, shape ``(n, J)`` (nan where an issue has none)."""
    out = np.full((draws.n, len(scenario.issues)), np.nan)
    for j, issue in enumerate(scenario.issues):
        if issue.status_quo is not None:
            out[:, j] = draws.get(("issues", j, "status_quo"))
    return out


def _at_start(scenario: Scenario) -> tuple[Structure, Inputs]:
    """The structure and the input arrays at ``as_of`` and the modes (no drift yet)."""
    st = structure(scenario)
    start = replace(st.line, years=np.zeros(st.line.steps))  # no drift yet: the sets at as_of
    st = replace(st, line=start)
    draws = ScenarioSampler(scenario).modes(1)
    return st, inputs(st, draws, np.zeros((1, len(st.spec.shocks), st.line.steps)))


def packages_now(scenario: Scenario) -> dict[str, str] | None:
    """At ``as_of`` and the modes, with every leader holding out: the packages that make a zone.

    Returns ``{signatory: package id}`` for the signatories whose package (not their
    per-issue box) the first zone found needs (``{}`` when the boxes alone leave a zone),
    or ``None`` when no choice of packages leaves one.
    """
    st, inp = _at_start(scenario)
    held_lo = [np.maximum(lo, w)[:, :, 0, 0] for lo, w in zip(inp.alt_lo, inp.win_lo, strict=True)]
    held_hi = [np.minimum(hi, w)[:, :, 0, 0] for hi, w in zip(inp.alt_hi, inp.win_hi, strict=True)]
    agreement = scenario.agreement
    assert agreement is not None
    for choice in product(*(range(lo.shape[0]) for lo in held_lo)):
        lo = np.max([held_lo[s][a] for s, a in enumerate(choice)], axis=0)
        hi = np.min([held_hi[s][a] for s, a in enumerate(choice)], axis=0)
        if np.all(lo <= hi + 1e-9 * st.width):
            return {
                agreement.signatories[s].actor: agreement.signatories[s].packages[a - 1].id
                for s, a in enumerate(choice)
                if a
            }
    return None


def _has_packages(scenario: Scenario) -> bool:
    return scenario.agreement is not None and any(
        s.packages for s in scenario.agreement.signatories
    )


def _zones(scenario: Scenario) -> dict[str, dict[str, Any]]:
    """At ``as_of`` and the modes: the zone now, and the zone if every leader conceded."""
    st, inp = _at_start(scenario)
    out: dict[str, dict[str, Any]] = {}
    for j, issue_id in enumerate(st.issue_ids):
        now_lo = np.maximum(inp.own_lo[:, j, 0, 0], inp.win_lo[:, j, 0, 0]).max()
        now_hi = np.minimum(inp.own_hi[:, j, 0, 0], inp.win_hi[:, j, 0, 0]).min()
        all_lo = inp.win_lo[:, j, 0, 0].max()
        all_hi = inp.win_hi[:, j, 0, 0].min()
        out[issue_id] = {
            "zone_now": [float(now_lo), float(now_hi)] if now_lo <= now_hi else None,
            "zone_if_leaders_concede": [float(all_lo), float(all_hi)] if all_lo <= all_hi else None,
            "gap_if_leaders_concede": max(0.0, float(all_lo - all_hi)),
        }
    return out


def _explain(
    scenario: Scenario, report: dict[dt.date, str], named: dict[str, float], median: str | None
) -> str:
    parts = [f"P(signed by {day}) = {p:.2f}" for day, p in named.items()]
    lines = ["; ".join(parts) + "."]
    lines.append(
        "Median time to signature: "
        + (median if median is not None else "not reached by the horizon")
        + "."
    )
    for issue_id, zone in _zones(scenario).items():
        if zone["zone_if_leaders_concede"] is None:
            lines.append(
                f"{scenario.issue(issue_id).name}: the ratifiers' sets leave a gap of "
                f"{zone['gap_if_leaders_concede']:g} points that no leader's concession can "
                "close; only drift in domestic opinion or shocks can."
            )
    if _has_packages(scenario):
        chosen = packages_now(scenario)
        if chosen:
            lines.append(
                "A zone exists at as_of only through a package: "
                + ", ".join(f"{actor}'s {name}" for actor, name in chosen.items())
                + "."
            )
    lines.extend(extension_lines(scenario))
    return "\n".join(lines)


MODEL = DeadlineBargainingModel()
