"""Institutional quantities of an EU legislative issue: Council pivots and win-sets.

The procedural models of EU legislation (Steunenberg 1994; Tsebelis 1994; Crombez 1996;
Tsebelis & Garrett 2000; tested on DEU by Steunenberg, Selck et al. 2006, ch. 3 of
Thomson, Stokman, Achen & Koenig (eds.), *The European Union Decides*) place the
member states, the Commission and the Parliament on one policy line with distance
(Euclidean) preferences and a reference point ``rp``, the policy that holds without a
decision. What they need of an issue, computed here on plain arrays:

Council pivots (Crombez 1996, section 2; Tsebelis & Garrett 2000, fig. 1)
    Order the member states along the issue and let each carry its voting weight. The
    *left pivot* ``L`` is the position of the state at which the weight accumulated
    from the left end first reaches the quota; the *right pivot* ``R`` the same from
    the right end. A coalition that reaches the quota holds ``L`` and ``R``, so no
    qualified majority can move policy that lies between them: ``[min(L, R),
    max(L, R)]`` is the Council's core. Under QMV the quota is the share of weighted
    votes the treaty requires (:data:`detente.eu_council.QMV_QUOTAS`); under unanimity
    it is 1, so the pivots are the two extreme states and the core is the states' Pareto set.
Council pivot on the side of change (the brief's "pivot")
    The core point closest to ``rp``: the pivotal member state closest to the
    reference point on the side of change when ``rp`` lies outside the core (under
    unanimity: the state closest to ``rp``, the unanimity pivot), and ``rp`` itself when
    it lies inside (gridlock). Without a coded ``rp`` the pivot is the Council's
    weighted median, the one point of every QMV core that needs no reference point to
    be chosen (a documented choice; see ``docs/models/procedural.md``).
Council win-set of ``rp``
    The points a coalition of quota weight prefers to ``rp``: ``[min(rp, 2 L - rp),
    max(rp, 2 R - rp)]`` (a state prefers ``y`` to ``rp`` when it lies closer).
Agenda-setter outcome (Tsebelis 1994; Crombez 1996, consultation)
    The Commission proposes; the Council adopts by the rule's quota and amends only by
    unanimity. The outcome is the point closest to the Commission in the win-set of
    ``rp``, kept inside the states' Pareto set (a proposal outside it would be amended
    unanimously). Without ``rp``: the Commission's position projected on the core.
Parliament outcome under co-decision (Tsebelis & Garrett 2000; Crombez 2001)
    Under co-decision the Parliament is a co-equal veto player that bargains with the
    Council in conciliation. Its most favourable outcome is the point closest to it
    that the Council accepts: the Parliament's position projected, like the
    Commission's, on the Council's win-set (or core without ``rp``). Under consultation
    the Parliament gives an opinion only, and the quantity is the agenda-setter outcome.

Every quantity is a position of an actor or a projection onto an interval whose ends
are positions and ``rp``, so each lies on the issue's scale and equals ``x`` when every
actor stands at ``x``. None depends on an actor's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from detente.eu_council import QMV_QUOTAS, qmv_quota_on
from detente.models.median import weighted_median

__all__ = [
    "QMV_QUOTAS",
    "Institutions",
    "council_pivots",
    "institutional_quantities",
    "qmv_quota_on",
]

_TOL = 1e-9
# QMV_QUOTAS and qmv_quota_on are the Council's rules in force from detente.eu_council (one
# table for models and analysis), re-exported under the names the procedural model uses.


def council_pivots(positions: np.ndarray, weights: np.ndarray, quota: float) -> tuple[float, float]:
    """``(L, R)``: the left and right pivots of a Council voting with ``quota``.

    Parameters
    ----------
    positions, weights:
        ``(n,)`` member states' positions and voting weights (weights >= 0, sum > 0).
    quota:
        Share of the total weight a decision needs, in ``(0, 1]``.

    Returns
    -------
    tuple
        ``L``: position of the state at which weight accumulated from the left first
        reaches ``quota``; ``R``: the same from the right.
    """
    order = np.argsort(positions, kind="stable")
    x, w = positions[order], weights[order]
    need = quota * w.sum() * (1.0 - _TOL)  # relative: scaling the weights changes nothing
    left = x[int(np.argmax(np.cumsum(w) >= need))]
    right = x[::-1][int(np.argmax(np.cumsum(w[::-1]) >= need))]
    return float(left), float(right)


@dataclass(frozen=True)
class Institutions:
    """The institutional quantities of one issue (positions on the issue's scale)."""

    pivot_left: float
    pivot_right: float
    council_pivot: float
    commission: float
    commission_outcome: float
    parliament: float
    parliament_outcome: float


def institutional_quantities(
    states: np.ndarray,
    weights: np.ndarray,
    *,
    commission: float | None,
    parliament: float | None,
    reference_point: float | None,
    codecision: bool,
    quota: float,
) -> Institutions:
    """The pivots, the agenda setter's and the Parliament's outcomes of one issue.

    Parameters
    ----------
    states, weights:
        ``(n,)`` member states' positions and voting weights (n >= 1, weights sum > 0).
    commission:
        The Commission's position (the agenda setter), or ``None`` where it took none:
        its proposal is then taken to be the Council pivot (the point the Council
        passes unamended).
    parliament:
        The Parliament's position, or ``None`` where it took none: under co-decision it
        is then treated as under consultation.
    reference_point:
        ``rp``, or ``None`` where not coded (see the module docstring for what then).
    codecision:
        True under co-decision (COD), False under consultation (CNS).
    quota:
        The Council's voting rule as a share of its weight: the QMV quota, or 1 for
        unanimity.

    Returns
    -------
    Institutions
        Under consultation ``parliament`` and ``parliament_outcome`` are the
        Commission's position and outcome (the Parliament has no veto).
    """
    left, right = council_pivots(states, weights, quota)
    core_lo, core_hi = min(left, right), max(left, right)
    pareto_lo, pareto_hi = float(states.min()), float(states.max())
    if reference_point is None:
        pivot = weighted_median(states, weights)
        low, high = core_lo, core_hi
    else:
        rp = float(reference_point)
        pivot = float(np.clip(rp, core_lo, core_hi))
        low = max(min(rp, 2.0 * left - rp), pareto_lo)
        high = min(max(rp, 2.0 * right - rp), pareto_hi)
        if low > high:  # cannot happen for quota > 1/2; kept safe for any quota
            low = high = pivot
    proposal = pivot if commission is None else float(commission)
    agenda = float(np.clip(proposal, low, high))
    if codecision and parliament is not None:
        ep, ep_outcome = float(parliament), float(np.clip(parliament, low, high))
    else:
        ep, ep_outcome = proposal, agenda
    return Institutions(left, right, pivot, proposal, agenda, ep, ep_outcome)
