"""The (asymmetric) Nash bargaining solution on each issue's scale.

Form used here. Actor *i* has linear-loss utility :math:`u_i(x) = -|x - x_i|` over
outcomes :math:`x` on the issue scale :math:`[a, b]`, and bargaining weight
:math:`w_i = c_i s_i` (capability x salience). The disagreement point is the status
quo :math:`q`, so actor *i*'s disagreement utility is :math:`d_i = -|q - x_i|`. The
solution maximises the weighted Nash product (Nash 1950; asymmetric form of Kalai
1977, as used for multilateral EU bargaining by Schneider, Finke & Bailer 2010):

.. math::

    x^* = \\arg\\max_{x \\in F} \\sum_i w_i \\log\\bigl(u_i(x) - d_i\\bigr)
        = \\arg\\max_{x \\in F} \\sum_i w_i \\log\\bigl(|q - x_i| - |x - x_i|\\bigr)

over the feasible set :math:`F = \\{x : |x - x_i| < |q - x_i|\\ \\forall i\\}` of outcomes
every actor prefers to the status quo. Each term is concave in *x*, so the objective
is concave and the maximiser unique; we find it by bisection on the (monotone)
derivative.

Choices made here, where the sources leave room:

* Actors with zero weight take no part (their log term has weight 0).
* If *F* is empty (some actor with weight > 0 stands exactly at the status quo, or
  the actors stand on both sides of it), no outcome improves on the status quo for
  everyone and the solution is the status quo itself (Nash's disagreement outcome).
* An issue without a status quo has no disagreement point; we then take each actor's
  worst outcome on the scale, :math:`d_i = -\\max(|a - x_i|, |b - x_i|)`, which makes
  the whole scale feasible (the "threat of the worst" reading of a missing status quo).

Sources: Nash, J. F. (1950), "The bargaining problem", *Econometrica* 18(2): 155-162;
Kalai, E. (1977), "Nonsymmetric Nash solutions and replications of 2-person
bargaining", *International Journal of Game Theory* 6(3): 129-133; Schneider, G.,
Finke, D. & Bailer, S. (2010), "Bargaining power in the European Union: an evaluation
of competing game-theoretic models", *Political Studies* 58(1): 85-103.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from detente.models.base import IssueModel
from detente.scenario import IssueData

__all__ = ["MODEL", "NashModel", "nash_bargaining_point"]

_ITERATIONS = 80


def nash_bargaining_point(
    positions: np.ndarray,
    weights: np.ndarray,
    scale: tuple[float, float],
    status_quo: float | None,
) -> tuple[float, bool]:
    """Maximiser of the weighted Nash product; returns ``(point, feasible)``.

    ``feasible`` is False when no outcome improves on the status quo for every actor
    with positive weight, in which case the point is the status quo.
    """
    keep = weights > 0
    x = positions[keep]
    w = weights[keep]
    lo, hi = scale
    if status_quo is None:
        reach = np.maximum(np.abs(lo - x), np.abs(hi - x))
    else:
        reach = np.abs(status_quo - x)
    left = max(lo, float(np.max(x - reach)))
    right = min(hi, float(np.min(x + reach)))
    if not left < right:
        return (
            float(status_quo) if status_quo is not None else float(np.clip(x.mean(), lo, hi))
        ), False

    def slope(point: float) -> float:
        gain = reach - np.abs(point - x)
        return float(np.sum(w * -np.sign(point - x) / np.maximum(gain, 1e-300)))

    # the objective tends to -inf at open ends of F and is concave: bisect its slope
    a, b = left, right
    for _ in range(_ITERATIONS):
        mid = 0.5 * (a + b)
        if slope(mid) > 0:
            a = mid
        else:
            b = mid
    return 0.5 * (a + b), True


class NashModel(IssueModel):
    """Weighted Nash bargaining solution with the status quo as disagreement point."""

    name = "nash"
    title = "Nash bargaining solution, linear-loss utilities, weights capability x salience"
    citation = (
        "Nash (1950) The bargaining problem, Econometrica 18(2); Kalai (1977) Nonsymmetric Nash "
        "solutions, IJGT 6(3); Schneider, Finke & Bailer (2010) Political Studies 58(1)"
    )

    def predict_issue(
        self, data: IssueData, *, rng: np.random.Generator
    ) -> tuple[float, dict[str, Any]]:
        point, feasible = nash_bargaining_point(
            data.positions, data.weights, data.scale, data.status_quo
        )
        return point, {"improves_on_status_quo": feasible}


MODEL = NashModel()
