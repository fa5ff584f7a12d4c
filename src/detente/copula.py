"""Correlated ranges: a Gaussian copula over each range's own law.

When an analyst misjudges one side's flexibility, related bounds are misjudged
together. A scenario's ``correlation:`` groups say so; each group names two or more
ranges and one correlation ``rho`` between every pair of them (a pair is a group of
two). The joint draw is the Gaussian (normal) copula: draw
:math:`z \\sim N(0, R)`, map each coordinate to a uniform :math:`u_i = \\Phi(z_i)`, and
read each range at its own inverse CDF, :math:`x_i = F_i^{-1}(u_i)` (triangular,
uniform or Beta-PERT). Each range keeps its own marginal law exactly; only the
dependence changes. ``rho`` is the correlation of the underlying normals, not of the
values: the rank correlation (Spearman) of the drawn values is
:math:`(6/\\pi)\\arcsin(\\rho/2)` whatever the marginal laws (Kruskal 1958), which is
what an analyst's "these move together" means.

Sources: Nelsen, R. B. (2006), *An Introduction to Copulas*, 2nd ed., Springer,
sec. 2.3 and 5.1 (the Gaussian copula, Sklar's theorem); Kruskal, W. H. (1958),
"Ordinal measures of association", *JASA* 53(284): 814-861 (Spearman's rho of the
normal); Iman, R. L. & Conover, W. J. (1982), "A distribution-free approach to
inducing rank correlation among input variables", *Communications in Statistics B*
11(3): 311-334 (rank correlation among Monte Carlo inputs, the practice in risk
analysis).

A matrix built from the groups must be positive semi-definite (a set of pairwise
correlations that cannot all hold at once, such as three variables pairwise at -0.9,
is refused). The factor used for sampling is the symmetric square root from the
eigen-decomposition, which also works for singular matrices (``rho = 1``).

This module is pure: numpy only (scipy's normal CDF only when sampling).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["copula_factor", "copula_uniforms", "correlation_matrix", "smallest_eigenvalue"]

PSD_TOLERANCE = 1e-9
"""Eigenvalues above ``-PSD_TOLERANCE`` count as non-negative (rounding)."""


def correlation_matrix(groups: Sequence[tuple[Sequence[int], float]], size: int) -> np.ndarray:
    """The ``size x size`` correlation matrix of groups of member indices.

    Parameters
    ----------
    groups:
        ``(members, rho)``: every pair of distinct members gets ``rho``; later groups
        overwrite earlier ones (callers refuse conflicting pairs first).
    size:
        Number of correlated variables.

    Returns
    -------
    numpy.ndarray
        Shape ``(size, size)``, ones on the diagonal.
    """
    matrix = np.eye(size)
    for members, rho in groups:
        for a in members:
            for b in members:
                if a != b:
                    matrix[a, b] = rho
    return matrix


def smallest_eigenvalue(matrix: np.ndarray) -> float:
    """The smallest eigenvalue of a symmetric matrix (< 0: not a correlation matrix)."""
    return float(np.linalg.eigvalsh(matrix).min()) if matrix.size else 0.0


def copula_factor(matrix: np.ndarray) -> np.ndarray:
    """A factor ``L`` with ``L @ L.T == matrix`` (the symmetric square root, shape ``(m, m)``).

    Raises
    ------
    ValueError
        When ``matrix`` is not positive semi-definite.
    """
    values, vectors = np.linalg.eigh(matrix)
    if values.size and values.min() < -PSD_TOLERANCE:
        raise ValueError(
            f"the correlation matrix is not positive semi-definite "
            f"(smallest eigenvalue {values.min():.3g})"
        )
    return np.asarray(vectors * np.sqrt(np.clip(values, 0.0, None)))


def copula_uniforms(factor: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` draws of the Gaussian copula with factor ``factor``: shape ``(n, m)``, on (0, 1).

    Each column is uniform on (0, 1); columns are dependent through ``factor @ factor.T``.
    """
    from scipy.special import ndtr  # the standard normal CDF

    z = rng.standard_normal((n, factor.shape[0])) @ factor.T
    return np.asarray(ndtr(z), dtype=float)
