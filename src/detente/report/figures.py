"""Figures for reports: each returns SVG text or PNG bytes, never touches the screen.

matplotlib is imported inside the functions (``detente --help`` stays fast and the core
never needs it) and every figure is drawn on its own Agg canvas, without pyplot and its
global state. SVG output keeps text as paths, so a figure embeds with no font files.

The pictures:

* :func:`forecast_figure`: one issue's scale as a line with its labelled anchors, each
  actor's position (dot sized by capability x salience, whisker over its range) and each
  model's forecast;
* :func:`two_level_figure`: what each signatory and each of its ratifiers accepts on one
  issue, the resulting win-sets and their overlap (the ZOPA) or the gap (Putnam 1988);

The expected-utility trajectories, the P(agreement by date) curve and the sensitivity
tornado are drawn by :mod:`detente.report.trajectories`, :mod:`detente.report.agreement`
and :mod:`detente.report.tornado`, which write files; :func:`trajectories_figure`,
:func:`agreement_curve_figure` and :func:`tornado_figure` read them back as text/bytes.
"""

from __future__ import annotations

import base64
import importlib
import io
import itertools
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from detente.report.safe_text import literal_figure_text

if TYPE_CHECKING:
    from detente.scenario import Scenario

__all__ = [
    "ImageFormat",
    "agreement_curve_figure",
    "data_uri",
    "draw_forecast",
    "forecast_figure",
    "tornado_figure",
    "trajectories_figure",
    "two_level_figure",
    "via_file",
]

ImageFormat = Literal["svg", "png"]

WIDTH = 9.0  # inches
ROW = 0.36  # inches per row
MODEL_COLOUR = "#222222"
SIDE_COLOURS = ("#1f5fa8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085")
ZOPA_COLOUR = "#2e9e48"
GAP_COLOUR = "#d62728"
GRID_COLOUR = "#bbbbbb"


def data_uri(content: str | bytes, fmt: ImageFormat) -> str:
    """``content`` (SVG text or PNG bytes) as a ``data:`` URI for an ``<img src>``."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"


def _figure(height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _render(fig: Any, fmt: ImageFormat) -> str | bytes:
    import matplotlib

    buffer = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "detente"}):
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buffer, format=fmt, bbox_inches="tight", metadata=metadata)
    data = buffer.getvalue()
    return data.decode("utf-8") if fmt == "svg" else data


def _wrap(text: str, width: int) -> str:
    return textwrap.fill(text, width=max(8, width), break_long_words=False)


def _short(text: str, width: int = 34) -> str:
    return textwrap.shorten(text, width=width, placeholder="…")


def _name(text: str, width: int = 28) -> str:
    """A row label: at most two lines of ``width`` characters."""
    return "\n".join(textwrap.wrap(_short(text, 2 * width), width=width)[:2])


def _scale_axis(ax: Any, scale: tuple[float, float], anchors: dict[float, str]) -> None:
    """The issue scale drawn as the bottom line, its anchors as labelled ticks."""
    lo, hi = scale
    span = hi - lo
    pad = 0.03 * span
    ax.set_xlim(lo - pad, hi + pad)
    points = sorted(anchors)
    gaps = [b - a for a, b in itertools.pairwise(points)] or [span]
    # characters per line so that neighbouring labels do not run into each other
    room = min(gaps) / span * WIDTH * 72 / 5.2
    width = int(min(30, room))
    ticks = sorted({lo, hi, *points})
    if not points:  # no labelled points: plain numbers along the scale
        from matplotlib.ticker import MaxNLocator

        inside = MaxNLocator(6).tick_values(lo, hi)
        ticks = sorted({lo, hi, *(float(v) for v in inside if lo < v < hi)})
    labels = []
    for value in ticks:
        label = f"{value:g}"
        if value in anchors:
            label += "\n" + _wrap(anchors[value], width)
        labels.append(label)
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels, fontsize=7.5, va="top", linespacing=1.1)
    for value in points:
        ax.axvline(value, color=GRID_COLOUR, lw=0.8, ls=":", zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_linewidth(2.2)
    ax.spines["bottom"].set_bounds(lo, hi)
    ax.tick_params(axis="y", length=0)
    ax.tick_params(axis="x", length=6, width=1.5)


def _rows(ax: Any, labels: Sequence[str]) -> None:
    """Label rows top to bottom (row 0 at the top)."""
    n = len(labels)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_yticks([n - 1 - k for k in range(n)])
    ax.set_yticklabels(list(labels), fontsize=8.5)


def _forecast_labels(scenario: Scenario, issue_doc: dict[str, Any]) -> list[str]:
    issue = scenario.issue(issue_doc["id"])
    actors = [a for a in scenario.actors if issue.id in a.stances]
    return [f"{f['model']} forecast" for f in issue_doc["forecasts"]] + [
        _name(a.name) for a in actors
    ]


@literal_figure_text
def forecast_figure(
    scenario: Scenario, issue_doc: dict[str, Any], *, fmt: ImageFormat = "svg"
) -> str | bytes:
    """One issue: its scale and anchors, the actors' positions and every model's forecast.

    Parameters
    ----------
    scenario:
        The scenario (for positions, their ranges, capabilities and saliences).
    issue_doc:
        The issue's entry of :func:`detente.forecasting.forecast_document` (``id``,
        ``forecasts`` with each model's ``outcome``).
    fmt:
        ``"svg"`` (text) or ``"png"`` (bytes).
    """
    fig = _figure(ROW * len(_forecast_labels(scenario, issue_doc)) + 1.9)
    draw_forecast(fig.add_subplot(), scenario, issue_doc)
    return _render(fig, fmt)


@literal_figure_text
def draw_forecast(ax: Any, scenario: Scenario, issue_doc: dict[str, Any]) -> Any:
    """Draw :func:`forecast_figure` of one issue on the matplotlib ``ax``; returns ``ax``."""
    issue = scenario.issue(issue_doc["id"])
    lo, hi = issue.scale
    span = hi - lo
    models = [(f["model"], f["outcome"]) for f in issue_doc["forecasts"]]
    actors = [a for a in scenario.actors if issue.id in a.stances]
    weights = [a.capability.mode * a.stances[issue.id].salience.mode for a in actors]
    top = max(weights) if weights and max(weights) > 0 else 1.0
    labels = _forecast_labels(scenario, issue_doc)
    _rows(ax, labels)
    _scale_axis(ax, issue.scale, dict(issue.anchors))
    n = len(labels)
    for k, (_, outcome) in enumerate(models):
        y = n - 1 - k
        ax.axhline(y, color="#eeeeee", lw=0.6, zorder=0)
        if outcome is None:
            ax.text(
                lo + span / 2,
                y,
                "no outcome (no agreement, no status quo)",
                fontsize=8,
                ha="center",
                va="center",
                color="#777777",
                style="italic",
            )
            continue
        ax.plot([outcome], [y], marker="D", ms=8, color=MODEL_COLOUR, zorder=3)
        right = outcome < lo + 0.85 * span
        ax.text(
            outcome + (0.015 if right else -0.015) * span,
            y,
            f"{outcome:.1f}",
            fontsize=8,
            ha="left" if right else "right",
            va="center",
            color=MODEL_COLOUR,
        )
    divider = n - len(models) - 0.5
    ax.axhline(divider, color="#999999", lw=0.8)
    for k, actor in enumerate(actors):
        y = n - 1 - len(models) - k
        stance = actor.stances[issue.id]
        colour = SIDE_COLOURS[k % len(SIDE_COLOURS)]
        position = stance.position
        if not position.is_fixed:
            ax.plot(
                [position.low, position.high],
                [y, y],
                color=colour,
                lw=2.2,
                alpha=0.35,
                solid_capstyle="round",
                zorder=2,
            )
        size = 40 + 260 * weights[k] / top
        ax.scatter([position.mode], [y], s=size, color=colour, zorder=3, edgecolor="white")
    if issue.status_quo is not None:
        sq = issue.status_quo.mode
        ax.axvline(sq, color="#555555", lw=1.2, ls="--", zorder=1)
        ax.text(
            sq,
            divider,
            f" status quo {sq:g} ",
            fontsize=7.5,
            ha="right" if sq > lo + span / 2 else "left",
            va="center",
            color="#555555",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
        )
    ax.set_title(issue.name, fontsize=10.5, loc="left", pad=14)
    ax.text(
        1.0,
        1.01,
        "◆ model forecast   ● actor position (size: capability × salience; bar: range)",
        transform=ax.transAxes,
        fontsize=7,
        ha="right",
        va="bottom",
        color="#555555",
    )
    return ax


def _bar(
    ax: Any,
    y: float,
    low: float,
    high: float,
    colour: str,
    alpha: float,
    span: float,
    text: bool = True,
) -> None:
    width = max(high - low, span * 0.004)
    ax.barh(y, width, left=low, height=0.55, color=colour, alpha=alpha, edgecolor=colour, lw=1)
    if text:
        label = f"{low:g}–{high:g}" if high > low else f"{low:g}"
        inside = high - low > 0.12 * span
        ax.text(
            (low + high) / 2 if inside else high + 0.01 * span,
            y,
            label,
            fontsize=7.5,
            ha="center" if inside else "left",
            va="center",
            color="white" if inside and alpha > 0.6 else "#222222",
        )


@literal_figure_text
def two_level_figure(
    scenario: Scenario, issue_id: str, verdict: dict[str, Any], *, fmt: ImageFormat = "svg"
) -> str | bytes:
    """Each side's acceptable range, its ratifiers' ranges, its win-set, and the overlap.

    Parameters
    ----------
    scenario:
        The scenario (for names and the issue's scale and anchors).
    issue_id:
        The issue drawn.
    verdict:
        The issue's entry of the two-level verdict (``agreement.issues[issue_id]`` of a
        forecast document): ``signatories`` with ``accepts``, ``ratifiers`` and
        ``win_set``; ``zopa`` or ``gap``.
    """
    issue = scenario.issue(issue_id)
    lo, hi = issue.scale
    span = hi - lo
    rows: list[tuple[str, Callable[[Any, float], None]]] = []
    for k, side in enumerate(verdict["signatories"]):
        colour = SIDE_COLOURS[k % len(SIDE_COLOURS)]
        name = scenario.actor(side["actor"]).name
        low, high = side["accepts"]
        rows.append((_name(f"{name} signs"), _drawer(low, high, colour, 0.45, span)))
        for ratifier in side["ratifiers"]:
            r_low, r_high = ratifier["accepts"]
            r_name = _name("ratifier: " + scenario.actor(ratifier["actor"]).name)
            rows.append((r_name, _drawer(r_low, r_high, colour, 0.22, span)))
        win = side["win_set"]
        label = _name(f"⇒ win-set of {name.split(' (')[0]}")
        if win is None:
            rows.append(
                (
                    label,
                    _empty_drawer(lo + span / 2, "empty: its ratifiers and it share no outcome"),
                )
            )
        else:
            rows.append((label, _drawer(win[0], win[1], colour, 0.85, span)))
    zopa, gap = verdict.get("zopa"), verdict.get("gap")
    rows.append(("Zone of possible agreement", _zone_drawer(zopa, gap, span)))
    labels = [label for label, _ in rows]
    fig = _figure(ROW * len(rows) + 1.9)
    ax = fig.add_subplot()
    _rows(ax, labels)
    _scale_axis(ax, issue.scale, dict(issue.anchors))
    n = len(rows)
    for k, (_, draw) in enumerate(rows):
        draw(ax, n - 1 - k)
    ax.axhline(0.5, color="#999999", lw=0.8)
    if zopa is not None:
        ax.axvspan(
            zopa[0] - span * 0.002, zopa[1] + span * 0.002, color=ZOPA_COLOUR, alpha=0.12, zorder=0
        )
    elif gap is not None:
        g_low = gap["highest_acceptable"]["value"]
        g_high = gap["lowest_acceptable"]["value"]
        ax.axvspan(g_low, g_high, color=GAP_COLOUR, alpha=0.08, zorder=0)
    verdict_text = "an agreement is possible" if zopa is not None else "no agreement possible"
    ax.set_title(f"{issue.name}: {verdict_text}", fontsize=10.5, loc="left", pad=8)
    return _render(fig, fmt)


def _drawer(
    low: float, high: float, colour: str, alpha: float, span: float
) -> Callable[[Any, float], None]:
    def draw(ax: Any, y: float) -> None:
        _bar(ax, y, low, high, colour, alpha, span)

    return draw


def _empty_drawer(x: float, text: str) -> Callable[[Any, float], None]:
    def draw(ax: Any, y: float) -> None:
        ax.text(x, y, text, fontsize=8, ha="center", va="center", color=GAP_COLOUR, style="italic")

    return draw


def _zone_drawer(
    zopa: list[float] | None, gap: dict[str, Any] | None, span: float
) -> Callable[[Any, float], None]:
    def draw(ax: Any, y: float) -> None:
        if zopa is not None:
            _bar(ax, y, zopa[0], zopa[1], ZOPA_COLOUR, 0.85, span)
            return
        if gap is None:
            return
        g_low = gap["highest_acceptable"]["value"]
        g_high = gap["lowest_acceptable"]["value"]
        ax.annotate(
            "",
            xy=(g_low, y),
            xytext=(g_high, y),
            arrowprops={"arrowstyle": "|-|", "color": GAP_COLOUR, "lw": 1.8},
        )
        ax.text(
            (g_low + g_high) / 2,
            y + 0.22,
            f"gap of {gap['size']:g} points",
            fontsize=8.5,
            ha="center",
            va="bottom",
            color=GAP_COLOUR,
            weight="bold",
        )

    return draw


def via_file(plot: Callable[[str], object], fmt: ImageFormat) -> str | bytes:
    """Call a plotting function that writes to a path, and read back what it wrote."""
    with tempfile.TemporaryDirectory(prefix="detente-fig-") as folder:
        target = Path(folder) / f"figure.{fmt}"
        plot(str(target))
        return target.read_text(encoding="utf-8") if fmt == "svg" else target.read_bytes()


def trajectories_figure(
    rounds: list[dict[str, Any]],
    title: str,
    *,
    scale: tuple[float, float] | None = None,
    fmt: ImageFormat = "svg",
) -> str | bytes:
    """Positions round by round of the expected-utility model (its ``rounds`` details),
    drawn by :func:`detente.report.trajectories.plot_trajectories`."""
    module = importlib.import_module("detente.report.trajectories")  # optional: by name
    plot = module.plot_trajectories
    return via_file(lambda path: plot(rounds, path, title=title, scale=scale), fmt)


def agreement_curve_figure(
    result: Any, *, title: str | None = None, fmt: ImageFormat = "svg"
) -> str | bytes:
    """P(agreement signed by each date) with its 90% band, drawn by
    :func:`detente.report.agreement.plot_agreement_curve` (``result``: a
    :class:`detente.uncertainty.MonteCarloResult`)."""
    module = importlib.import_module("detente.report.agreement")
    plot = module.plot_agreement_curve
    return via_file(lambda path: plot(result, path, title=title), fmt)


def tornado_figure(
    result: Any, metric: str, *, top: int = 12, fmt: ImageFormat = "svg"
) -> str | bytes:
    """The one-at-a-time tornado of ``metric`` (``result``: a
    :class:`detente.analysis.sensitivity.SensitivityResult`), drawn by
    :func:`detente.report.tornado.plot_tornado`."""
    module = importlib.import_module("detente.report.tornado")
    plot = module.plot_tornado
    return via_file(lambda path: plot(result, path, metric=metric, top=top), fmt)
