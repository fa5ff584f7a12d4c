"""Known answer: KTAB's stochastic smpExample run, reproduced turn by turn.

Reference: KTAB's reference log ``20170530_ref-smpExample.txt`` (``smpc 0.1``,
2017-05-30; KAPSARC, MIT licence) in ``shared/data/ktab/``: 5 actors, 3 dimensions,
PropCbc votes, Linear victory, MarkovIncentive PCE, stochastic transitions with
``prngSeed`` 03507583219545544127, and the ideal-accommodation matrix of
``smpExample.xml`` (Alice 0.87 to herself; Bob 0.75 to himself and 0.07 to Alice;
Carol 0.65 to herself and 0.13 to David; David 0.57 to himself; Ellie identity).

The run is reproduced with KTAB's own generator (``rng: ktab``) and the accommodation
matrix. KTAB ran each turn's actors in threads, so the order of each actor's list of
bargains and the order in which actors draw are those its threads happened to take;
they are read from the log ("Bargains involving actor k", "Doing scalarPCE ... of
actor k") and passed as :class:`~detente.models._smp_turns.TurnOrder`. Everything else
is computed: every bargain, every election, every draw.

Compared, each to half a unit of the last printed digit (plus 1e-9 for float noise):

* the ideals after every turn (``ideal i``, 4 decimals on 0-100);
* the whole history: all 15 states, every actor's position on every dimension (1
  decimal) and winning probability (4 decimals), and the run's length (14 turns);
* turn 0's bargains from the target's perspective and the power-weighted compromises
  (3 decimals), which KTAB computes with the target's estimate of the initiator's
  gain in place of a probability.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from detente.io.ktab import read_ktab_xml
from detente.models._smp_accommodation import accommodation_matrix, parse_accommodation
from detente.models._smp_ktab_random import KTABRandom
from detente.models._smp_turns import SMPOptions, TurnOrder, run_turn
from detente.models.smp import SMPRun, run_smp

from shared_data import DATA

LOG_PATH = DATA / "ktab" / "20170530_ref-smpExample.txt"
NAMES = ["Alice", "Bob", "Carol", "David", "Ellie"]
# smpExample.xml's IdealAdjustment, as the log echoes it ("Reading IdealAdjustment matrix")
ACCOMMODATION = (
    "Alice: Alice=0.87; Bob: Bob=0.75, Alice=0.07; Carol: Carol=0.65, David=0.13; David: David=0.57"
)


def log_lines() -> list[str]:
    if not LOG_PATH.exists():
        pytest.skip(f"KTAB reference log not found at {LOG_PATH} (shared/ data missing)")
    return LOG_PATH.read_text(encoding="utf-8").splitlines()


def inputs(log: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = np.array([float(v.split(":")[1]) for v in log if v.startswith("Read dimension ")])
    s = np.array([float(v.split(":")[1]) for v in log if v.startswith("Read salience ")])
    w_line = log[next(k for k, v in enumerate(log) if v.strip() == "w:") + 1]
    c = np.array([float(v) for v in w_line.split()])
    return x.reshape(5, 3) / 100.0, s.reshape(5, 3) / 100.0, c


def echoed_accommodation(log: list[str]) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    for line in log:
        found = re.match(r"\s*(\w+) \(\d\) :\s+(\w+)\s+\(\d\) = ([\d.]+)", line)
        if found:
            rows.setdefault(found.group(1), {})[found.group(2)] = float(found.group(3))
    return rows


def turn_orders(log: list[str]) -> list[TurnOrder]:
    starts = [k for k, v in enumerate(log) if v.startswith("Starting Model::run iteration")]
    orders = []
    for a, b in zip(starts, [*starts[1:], len(log)], strict=True):
        options, draws = [], []
        for line in log[a:b]:
            listed = re.match(r"Bargains involving actor\s+\d+: (.*)", line)
            if listed:
                pairs = re.findall(r"\[\d+, (\d+):(\d+)\]", listed.group(1))
                options.append(tuple((int(i), int(j)) for i, j in pairs))
            drawn = re.match(r"Doing scalarPCE for the \d+ bargains of actor (\d+)", line)
            if drawn:
                draws.append(int(drawn.group(1)))
        orders.append(TurnOrder(tuple(draws), tuple(options)))
    return orders


def history(log: list[str], header: str, rows: int) -> np.ndarray:
    start = next(k for k, v in enumerate(log) if v.startswith(header))
    return np.array(
        [[float(v) for v in log[start + 1 + r].split(":")[1].split()] for r in range(rows)]
    )


def reproduced(log: list[str]) -> SMPRun:
    x, s, c = inputs(log)
    seed = int(next(v for v in log if v.startswith("Using PRNG seed:")).split(":")[1])
    accommodation = accommodation_matrix(parse_accommodation(ACCOMMODATION), NAMES, {}, 3)
    return run_smp(
        x,
        s,
        c,
        SMPOptions(),
        rng=KTABRandom(seed),
        accommodation=accommodation,
        orders=turn_orders(log),
    )


def test_the_accommodation_written_as_detente_reads_it_is_the_logs() -> None:
    assert parse_accommodation(ACCOMMODATION) == echoed_accommodation(log_lines())
    # and detente's KTAB XML import writes smpExample.xml's IdealAdjustment so
    xml = DATA / "ktab" / "smpExample.xml"
    scenario = read_ktab_xml(xml.read_text(encoding="utf-8-sig"), xml.name)
    assert scenario.models["smp"]["accommodation"] == ACCOMMODATION


def test_smp_example_ideals_after_every_turn() -> None:
    log = log_lines()
    run = reproduced(log)
    printed = [
        [float(v) for v in log[k + 1].split()]
        for k, v in enumerate(log)
        if re.match(r"ideal\s+\d+ ,", v)
    ]
    ideals = np.array(printed).reshape(-1, 5, 3)  # one block of 5 actors per turn
    assert ideals.shape == (14, 5, 3)
    assert run.ideals[1:] * 100 == pytest.approx(ideals, abs=0.00005 + 1e-9)


def test_smp_example_whole_stochastic_trajectory() -> None:
    log = log_lines()
    run = reproduced(log)
    positions = history(log, "History of actor positions over time:", 15)  # actor x dim
    ours = (run.positions * 100.0).transpose(1, 2, 0).reshape(15, -1)
    assert ours.shape == positions.shape == (15, 15)  # 14 turns, stopped where KTAB did
    # 1 decimal printed; bargains are rounded to 4 decimals on 0-1, so a coordinate can
    # sit exactly on a half and print either way
    assert ours == pytest.approx(positions, abs=0.05 + 1e-9)
    on_a_half = np.isclose(np.abs(ours * 10 - np.floor(ours * 10)), 0.5, atol=1e-6)
    assert np.all((np.abs(ours - positions) < 0.05 - 1e-9) | on_a_half)
    probabilities = history(log, "History of actors' winning probabilities:", 5)
    assert pytest.approx(probabilities, abs=0.00005 + 1e-9) == run.probabilities.T


def test_smp_example_bargains_from_the_targets_perspective() -> None:
    log = log_lines()
    x, s, c = inputs(log)
    end = next(k for k, v in enumerate(log) if v.startswith("Starting Model::run iteration 2"))
    first = log[:end]
    rcvr = run_turn(x, s, c, SMPOptions(bargain="init-rcvr", transitions="deterministic"), None)
    compromise = run_turn(
        x, s, c, SMPOptions(bargain="power-weighted", transitions="deterministic"), None
    )
    checked = 0
    for k, line in enumerate(first):
        theirs = re.match(r"Bargain \[\d+, (\d+):(\d+)\] from (\d+)'s perspective", line)
        mixed = re.match(r"Power-weighted compromise \[\d+, (\d+):(\d+)\]", line)
        if theirs and theirs.group(2) == theirs.group(3):  # from the target's view
            i = int(theirs.group(1))
            # init-rcvr: the initiator's bargain, then the target's, on both lists
            bargain = next(b for b in rcvr.bargains if b.init == i and b is not rcvr.offered[i])
        elif mixed:
            i = int(mixed.group(1))
            bargain = compromise.offered[i]
        else:
            continue
        for pos, printed_line in (
            (bargain.pos_init, first[k + 1]),
            (bargain.pos_rcvr, first[k + 2]),
        ):
            printed = np.array([float(v) for v in printed_line.split(":")[1].split()])
            assert pos * 100 == pytest.approx(printed, abs=0.0005 + 1e-9), line
        checked += 1
    assert checked == 10
