"""Can any combination of ``smp`` options reach the first turn of KTAB's SOE runs?

KTAB's ``SOE-Policy.csv_posLog.csv`` and ``SOE-Competitive.csv_posLog.csv`` (in
``../shared/data/ktab/``, KAPSARC, MIT licence) give every actor's position after each
turn of a KTAB run on ``SOE-Policy.csv`` and ``SOE-Competitive.csv``, without the run's
parameters or seed. After a turn an actor stands at its old position or at one of the
bargains it is part of, and the bargains are computed before any random draw. So for
every combination of the options that shape the bargains this script plays turn 0
(``detente.models._smp_turns.run_turn``, deterministic transitions) and counts the
actors whose logged turn-1 position (1 decimal) is among their bargains (as printed).
A run that could be reproduced by some seed and thread order would have every mover
counted. The result is recorded in ``docs/models/smp.md`` ("Not done").

Usage: ``python scripts/smp_soe_search.py [--data DIR]`` (about 5 minutes of CPU).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import sys
from pathlib import Path

import numpy as np

from detente.models._smp_turns import SMPOptions, run_turn

GRID = {
    "voting": ("binary", "prop-bin", "proportional", "prop-cubic", "cubic", "asym-prospect"),
    "pce": ("conditional", "markov-incentive", "markov-uniform"),
    "third_party": ("semi", "full", "none"),
    "interpolation": ("s2p2", "s1p1", "s2pmax"),
    "bargain": ("init-only", "init-rcvr", "power-weighted"),
    "big_r_range": ("min", "mid", "max"),
    "victory": ("linear", "square"),
}


def load(folder: Path, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """KTAB's 1-dimension table (positions, saliences on 0-1, capabilities) and its log."""
    with (folder / name).open(encoding="utf-8") as table:
        rows = [r for r in list(csv.reader(table))[2:] if r and r[0].strip()]
    with (folder / f"{name}_posLog.csv").open(encoding="utf-8") as log:
        logged = [r for r in csv.reader(log) if r]
    if [r[0] for r in rows] != [r[0] for r in logged]:
        raise SystemExit(f"{name}: the log's actors are not the table's")
    x = np.array([[float(r[3])] for r in rows]) / 100.0
    s = np.array([[float(r[4])] for r in rows]) / 100.0
    c = np.array([float(r[2]) for r in rows])
    return x, s, c, np.array([[float(v) for v in r[1:]] for r in logged])


def landed(x: np.ndarray, s: np.ndarray, c: np.ndarray, log: np.ndarray, opts: SMPOptions) -> int:
    """How many of turn 1's movers stand on a bargain they were part of."""
    turn = run_turn(x, s, c, opts, None)
    count = 0
    for i in np.flatnonzero(log[:, 0] != log[:, 1]):
        offered = {
            round(float((b.pos_init if b.init == i else b.pos_rcvr)[0]) * 100, 1)
            for b in turn.bargains
            if i in (b.init, b.rcvr)
        }
        count += round(float(log[i, 1]), 1) in offered
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ktab"
    parser.add_argument("--data", type=Path, default=default, help="KTAB's data folder")
    args = parser.parse_args(argv)
    for name in ("SOE-Policy.csv", "SOE-Competitive.csv"):
        x, s, c, log = load(args.data, name)
        movers = int((log[:, 0] != log[:, 1]).sum())
        best, where, combos = -1, {}, 0
        for values in itertools.product(*GRID.values()):
            choice = dict(zip(GRID, values, strict=True))
            opts = SMPOptions(transitions="deterministic", **choice)  # type: ignore[arg-type]
            count = landed(x, s, c, log, opts)
            combos += 1
            if count > best:
                best, where = count, choice
        print(f"{name}: {len(c)} actors, {movers} move in turn 1; over {combos} combinations")
        print(f"  at most {best} land on a bargain offered to them, with {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
