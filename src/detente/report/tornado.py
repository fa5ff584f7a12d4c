"""Tornado and Sobol charts of a sensitivity analysis (matplotlib, imported when drawing).

Figures are drawn with the Agg backend on a :class:`matplotlib.figure.Figure` (no pyplot
state, no display needed) and written atomically: to a temporary file in the target's
directory, then moved over the target with :func:`os.replace`, so a reader never sees
a half-written image and a failed drawing leaves any previous file in place.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.errors import DetenteError
from detente.io.scenario_file import write_atomically
from detente.report.safe_text import literal_figure_text

if TYPE_CHECKING:
    from detente.analysis.sensitivity import SensitivityResult, SobolResult, Swing

__all__ = [
    "draw_sobol",
    "draw_tornado",
    "plot_sobol",
    "plot_tornado",
    "save_figure",
    "sobol_rows",
    "tornado_rows",
]

_FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}


def save_figure(figure: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``figure`` to ``path`` (PNG, SVG or PDF by extension) atomically."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    target = Path(path)
    fmt = _FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise DetenteError(f"{target}: expected a .png, .svg or .pdf file name for the figure")
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, bbox_inches="tight")
    write_atomically(target, buffer.getvalue())
    return target


def tornado_rows(
    result: SensitivityResult, metric: str | None = None, top: int = 15
) -> tuple[str, list[Swing]]:
    """The metric a tornado shows (default: the headline that moves) and its ``top``
    swings with an effect, smallest first (the bottom bar)."""
    chosen = metric or result.headline()
    if chosen is None:
        raise DetenteError("no headline number moves when any range is swung: nothing to plot")
    swings = [s for s in result.ranked(chosen) if s.effects.get(chosen, 0.0) > 0][:top][::-1]
    return chosen, swings


@literal_figure_text
def draw_tornado(
    axes: Any, result: SensitivityResult, *, metric: str | None = None, top: int = 15
) -> Any:
    """Draw the tornado of :func:`plot_tornado` on the matplotlib ``axes``; returns them."""
    chosen, swings = tornado_rows(result, metric, top)
    label = next(m.label for m in result.metrics if m.id == chosen)
    base = result.base.get(chosen)
    for row, swing in enumerate(swings):
        low, high = swing.low.get(chosen), swing.high.get(chosen)
        if low is None or high is None:
            continue
        start = base if base is not None else min(low, high)
        axes.barh(row, low - start, left=start, color="#4477aa", height=0.6)
        axes.barh(row, high - start, left=start, color="#ee6677", height=0.6)
    if base is not None:
        axes.axvline(base, color="black", linewidth=1)
    axes.set_yticks(range(len(swings)), [_short(s.parameter.path) for s in swings], fontsize=8)
    axes.set_xlabel(label)
    axes.set_title(f"{result.title}\nblue: parameter at its low; red: at its high", fontsize=9)
    return axes


def plot_tornado(
    result: SensitivityResult,
    path: str | os.PathLike[str],
    *,
    metric: str | None = None,
    top: int = 15,
) -> Path:
    """A tornado chart of ``metric`` (default: the headline metric that moves).

    One bar per parameter (the ``top`` with the largest effect on the metric, largest
    at the top), spanning the metric's values with the parameter at its low and at its
    high; the vertical line is the value with every parameter at its mode (for
    P(agreement), the Monte Carlo estimate over the ranges).
    """
    from matplotlib.figure import Figure

    _, swings = tornado_rows(result, metric, top)
    figure = Figure(figsize=(9, 1.2 + 0.45 * max(len(swings), 1)))
    draw_tornado(figure.add_subplot(), result, metric=metric, top=top)
    return save_figure(figure, path)


def sobol_rows(result: SobolResult, metric: str, top: int = 15) -> list[dict[str, Any]]:
    """The ``top`` parameters with a positive total index of ``metric``, smallest first."""
    rows = [r for r in result.ranked(metric) if (r["ST"] or 0.0) > 0][:top][::-1]
    if not rows:
        raise DetenteError(f"{metric} does not vary over the ranges: no Sobol indices to plot")
    return rows


@literal_figure_text
def draw_sobol(axes: Any, result: SobolResult, *, metric: str, top: int = 15) -> Any:
    """Draw the Sobol bars of :func:`plot_sobol` on the matplotlib ``axes``; returns them."""
    rows = sobol_rows(result, metric, top)
    places = range(len(rows))
    bars = ((0.2, "ST", "total (ST)", "#ee6677"), (-0.2, "S1", "first order (S1)", "#4477aa"))
    for offset, key, label, color in bars:
        values = [r[key] or 0.0 for r in rows]
        errors = [r[f"{key}_conf"] or 0.0 for r in rows]
        where = [k + offset for k in places]
        axes.barh(where, values, height=0.4, xerr=errors, label=label, color=color)
    axes.set_yticks(list(places), [_short(r["path"]) for r in rows], fontsize=8)
    axes.set_xlabel(f"Sobol index of {metric} (95% bootstrap intervals)")
    axes.legend(fontsize=8)
    axes.set_title(f"{result.title} (N = {result.n})", fontsize=9)
    return axes


def plot_sobol(
    result: SobolResult, path: str | os.PathLike[str], *, metric: str, top: int = 15
) -> Path:
    """Bars of the first-order (S1) and total (ST) Sobol indices of ``metric``."""
    from matplotlib.figure import Figure

    rows = sobol_rows(result, metric, top)
    figure = Figure(figsize=(9, 1.2 + 0.45 * len(rows)))
    draw_sobol(figure.add_subplot(), result, metric=metric, top=top)
    return save_figure(figure, path)


def _short(path: str) -> str:
    from detente.report.explain_tables import short_path

    return short_path(path)
