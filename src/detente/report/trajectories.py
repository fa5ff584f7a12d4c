"""Round-by-round trajectories of a dynamic model (e.g. ``expected-utility``).

Both functions take the ``"rounds"`` list of an issue forecast's details: one entry per
round (round 0 = the inputs), each ``{"round", "median", "mean", "positions": {actor:
position}, "offers": [{"from", "to", "type", "new_position"}, ...]}``.

* :func:`rounds_table` builds the rich table behind ``--rounds``;
* :func:`plot_trajectories` draws every actor's position per round, with the weighted
  median and mean, to an image file (``--plot``). matplotlib is imported only there,
  with the non-interactive Agg backend, and the file is written atomically.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from rich.table import Table

from detente.io.scenario_file import write_atomically
from detente.report.safe_text import literal_figure_text

__all__ = ["draw_trajectories", "plot_trajectories", "rounds_table"]

Rounds = Sequence[Mapping[str, Any]]

_MAX_LISTED = 4
_MAX_COLOURED = 10


def _label_ends(ax: Any, finals: dict[str, float], x: float) -> None:
    """Name the actors at the right end; actors that end close together share a label."""
    lo, hi = ax.get_ylim()
    gap = 0.03 * (hi - lo)
    groups: list[list[tuple[str, float]]] = []
    for actor, y in sorted(finals.items(), key=lambda item: item[1]):
        if groups and y - groups[-1][-1][1] <= gap:
            groups[-1].append((actor, y))
        else:
            groups.append([(actor, y)])
    for group in groups:
        y = sum(v for _, v in group) / len(group)
        names = ", ".join(name for name, _ in group)
        ax.annotate(names, (x, y), fontsize=7, color="0.3", xytext=(4, 0),
                    textcoords="offset points", va="center")  # fmt: skip


def _moves(offers: Sequence[Mapping[str, Any]]) -> str:
    parts = [
        f"{o['to']} → {o['new_position']:.2f} ({o['type']} with {o['from']})"
        for o in offers[:_MAX_LISTED]
    ]
    if len(offers) > _MAX_LISTED:
        parts.append(f"… and {len(offers) - _MAX_LISTED} more")
    return "\n".join(parts) if parts else "—"


def rounds_table(rounds: Rounds, *, title: str | None = "Rounds") -> Table:
    """A rich table: one row per round with the median, the mean and who moved where.

    Parameters
    ----------
    rounds : sequence of mappings
        ``details["rounds"]`` of an issue forecast.
    title : str or None
        The table's title.
    """
    table = Table(title=title, title_justify="left")
    table.add_column("Round", justify="right")
    table.add_column("Median", justify="right")
    table.add_column("Mean", justify="right")
    table.add_column("Moves", justify="right")
    table.add_column("Accepted offers")
    for entry in rounds:
        offers = list(entry.get("offers", []))
        table.add_row(
            str(entry["round"]),
            f"{entry['median']:.2f}",
            f"{entry['mean']:.2f}",
            str(len(offers)),
            _moves(offers),
        )
    return table


@literal_figure_text
def draw_trajectories(
    ax: Any,
    rounds: Rounds,
    *,
    title: str = "Positions by round",
    scale: tuple[float, float] | None = None,
) -> Any:
    """Draw each actor's position per round, with the weighted median and mean, on the
    matplotlib ``ax`` (see :func:`plot_trajectories`); returns ``ax``."""
    if not rounds:
        raise ValueError("no rounds to plot")
    from matplotlib import colormaps

    numbers = [int(entry["round"]) for entry in rounds]
    actors = list(rounds[0]["positions"])
    few = len(actors) <= _MAX_COLOURED
    finals: dict[str, float] = {}
    for index, actor in enumerate(actors):
        ys = [entry["positions"].get(actor) for entry in rounds]
        colour = colormaps["tab10"](index % 10) if few else "0.6"
        ax.plot(numbers, ys, color=colour, linewidth=1.0, alpha=0.75 if few else 0.5)
        if ys[-1] is not None:
            finals[actor] = float(ys[-1])
    ax.plot(numbers, [e["median"] for e in rounds], color="black", linewidth=2.4,
            marker="o", markersize=3, label="weighted median")  # fmt: skip
    ax.plot(numbers, [e["mean"] for e in rounds], color="C3", linewidth=2.0,
            linestyle="--", label="weighted mean")  # fmt: skip
    if scale is not None:
        ax.set_ylim(*scale)
    if few:
        _label_ends(ax, finals, numbers[-1])
    else:
        ax.plot([], [], color="0.6", linewidth=1.0, label=f"{len(actors)} actors")
    ax.set_xlim(numbers[0], max(numbers[-1], numbers[0] + 1))
    ax.set_xlabel("round")
    ax.set_ylabel("position")
    ax.set_title(title)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8,
              frameon=False)  # fmt: skip
    ax.grid(True, alpha=0.3)
    return ax


def plot_trajectories(
    rounds: Rounds,
    path: str | os.PathLike[str],
    *,
    title: str = "Positions by round",
    scale: tuple[float, float] | None = None,
) -> Path:
    """Draw each actor's position per round, with the weighted median and mean.

    Parameters
    ----------
    rounds : sequence of mappings
        ``details["rounds"]`` of an issue forecast.
    path : path-like
        Where to write the figure; the format follows the suffix (``.png``, ``.svg``,
        ``.pdf``). Written to a temporary file in the same directory, then moved into
        place with :func:`os.replace`, so a reader never sees a half-written file.
    title : str
        The figure's title.
    scale : (float, float), optional
        The issue's scale, to fix the y axis.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    if not rounds:
        raise ValueError("no rounds to plot")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    target = Path(path)
    fig = Figure(figsize=(8.5, 5), layout="constrained")
    FigureCanvasAgg(fig)
    draw_trajectories(fig.add_subplot(), rounds, title=title, scale=scale)
    fmt = target.suffix.lstrip(".") or "png"
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=150)
    write_atomically(target, buffer.getvalue())
    return target
