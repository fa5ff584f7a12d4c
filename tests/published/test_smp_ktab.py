"""Known answer: KTAB's own SMP runs, the deterministic part of turn 0.

Reference: the KTAB reference logs ``20170530_ref-smpExample.txt`` (5 actors, 3
dimensions; PropCbc votes, MarkovIncentive PCE) and ``20170530_ref-dummyData_3Dim.txt``
(7 actors, 3 dimensions; Prop votes, Conditional PCE), both written by KTAB's ``smpc 0.1``
on 2017-05-30, and ``SOE-Policy.csv_effPow.csv`` (26 actors), in
``shared/data/ktab/`` (KAPSARC, MIT licence). The numbers compared are read from those
files: inputs as the log echoes them, outputs as KTAB printed them.

Compared, each to half a unit of the last printed digit (plus 1e-9 for float noise):

* the risk-neutral actor-position value matrix (3 decimals), the inferred risk
  attitudes (3 decimals), the risk-aware utility matrix and every actor's estimate of it
  (4 decimals), all of turn 0;
* each actor's winning probability at turn 0 (the first column of "History of actors'
  winning probabilities", 4 decimals);
* the whole trajectory of the dummyData_3Dim run (deterministic transitions): every
  actor's position in all 11 states (1 decimal) and its winning probability (4
  decimals);
* effective power, capability x salience (``%5.1f``, compared as printed, halves
  rounded away from zero as KTAB's build did).
"""

from __future__ import annotations

import csv
import re
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pytest

from detente.models._smp_pce import KTAB_NAMES, TurnZero, effective_power, turn_zero
from detente.models._smp_turns import SMPOptions, run_turn
from detente.models.smp import SMPModel, run_smp
from detente.scenario import Scenario

from shared_data import DATA as SHARED_DATA

KTAB = SHARED_DATA / "ktab"


def lines(name: str) -> list[str]:
    path = KTAB / name
    if not path.exists():
        pytest.skip(f"KTAB reference file not found at {path} (shared/ data missing)")
    return path.read_text(encoding="utf-8").splitlines()


def matrix_after(log: list[str], header: str, n: int) -> np.ndarray:
    start = next(k for k, line in enumerate(log) if line.strip() == header.strip())
    return np.array([[float(v) for v in log[start + 1 + r].split()] for r in range(n)])


def parameter(log: list[str], name: str) -> str:
    line = next(line for line in log if line.startswith(f"{name}:"))
    return KTAB_NAMES[line.split(":")[1].strip()]


def history_probabilities(log: list[str], n: int) -> np.ndarray:
    start = next(k for k, line in enumerate(log) if "History of actors' winning" in line)
    return np.array([float(log[start + 1 + i].split(":")[1].split()[0]) for i in range(n)])


def run(log: list[str], x: np.ndarray, s: np.ndarray, c: np.ndarray) -> TurnZero:
    return turn_zero(
        x / 100.0,
        s / 100.0,
        c,
        voting=parameter(log, "VotingRule"),  # type: ignore[arg-type]
        victory=parameter(log, "VictoryProbModel"),  # type: ignore[arg-type]
        pce=parameter(log, "PCEModel"),  # type: ignore[arg-type]
        big_r_range=parameter(log, "BigRRange"),  # type: ignore[arg-type]
        big_r_adjust=parameter(log, "BigRAdjust"),  # type: ignore[arg-type]
    )


def check(log: list[str], result: TurnZero, n: int) -> None:
    half = {3: 0.0005 + 1e-9, 4: 0.00005 + 1e-9}
    raw = matrix_after(log, "Raw actor-pos value matrix (risk neutral)", n)
    assert result.risk_neutral == pytest.approx(raw, abs=half[3])
    risk = matrix_after(log, "Inferred risk attitudes:", n)[:, 0]
    assert result.risk == pytest.approx(risk, abs=half[3])
    objective = matrix_after(log, "Risk-aware actor-pos utility matrix (objective):", n)
    assert result.utilities == pytest.approx(objective, abs=half[4])
    for h in range(n):
        estimate = matrix_after(log, f"Estimate by {h} of risk-aware utility matrix:", n)
        assert result.estimates[h] == pytest.approx(estimate, abs=half[4]), h
    assert result.probabilities == pytest.approx(history_probabilities(log, n), abs=half[4])


def test_smp_example_turn_zero() -> None:
    log = lines("20170530_ref-smpExample.txt")
    x = np.array([float(v.split(":")[1]) for v in log if v.startswith("Read dimension ")])
    s = np.array([float(v.split(":")[1]) for v in log if v.startswith("Read salience ")])
    w_line = log[next(k for k, v in enumerate(log) if v.strip() == "w:") + 1]
    c = np.array([float(v) for v in w_line.split()])
    result = run(log, x.reshape(5, 3), s.reshape(5, 3), c)
    check(log, result, 5)
    # the turn-0 winning probabilities KTAB printed, for the record
    assert result.probabilities == pytest.approx(
        [0.3154, 0.1668, 0.1082, 0.2216, 0.1880], abs=0.00005 + 1e-9
    )


def test_dummy_data_3dim_turn_zero() -> None:
    log = lines("20170530_ref-dummyData_3Dim.txt")
    rows = [r for r in csv.reader((KTAB / "dummyData_3Dim.csv").open())][2:]
    rows = [r for r in rows if r and r[0].strip()]
    c = np.array([float(r[2]) for r in rows])
    x = np.array([[float(r[k]) for k in (3, 5, 7)] for r in rows])
    s = np.array([[float(r[k]) for k in (4, 6, 8)] for r in rows])
    # the inputs are the ones the log echoes
    echoed = [float(v.split("=")[1]) for v in log if v.startswith("pos[")]
    assert x.ravel() == pytest.approx(echoed)
    check(log, run(log, x, s, c), 7)


def test_soe_policy_effective_power() -> None:
    printed = {row[0]: row[1] for row in csv.reader(lines("SOE-Policy.csv_effPow.csv")) if row}
    rows = [r for r in csv.reader(lines("SOE-Policy.csv"))][2:]
    rows = [r for r in rows if r and r[0].strip()]
    caps = np.array([float(r[2]) for r in rows])
    sal = np.array([[float(r[4])] for r in rows]) / 100.0
    ours = effective_power(caps, sal)
    assert len(rows) == len(printed) == 26
    for row, value in zip(rows, ours, strict=True):
        # KTAB's printf rounded halves away from zero (65 x 0.65 = 42.25 -> 42.3, as
        # MSVC's does; glibc would print 42.2), so round the same way
        shown = Decimal(repr(float(value))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        assert f"{shown:>5}" == printed[row[0]], row[0]


def dummy_inputs() -> tuple[list[list[str]], np.ndarray, np.ndarray, np.ndarray]:
    rows = [r for r in csv.reader(lines("dummyData_3Dim.csv"))][2:]
    rows = [r for r in rows if r and r[0].strip()]
    c = np.array([float(r[2]) for r in rows])
    x = np.array([[float(r[k]) for k in (3, 5, 7)] for r in rows])
    s = np.array([[float(r[k]) for k in (4, 6, 8)] for r in rows])
    return rows, x, s, c


def history(log: list[str], header: str, n: int) -> np.ndarray:
    start = next(k for k, line in enumerate(log) if line.startswith(header))
    return np.array(
        [[float(v) for v in log[start + 1 + r].split(":")[1].split()] for r in range(n)]
    )


# dummyData_3Dim runs with deterministic transitions, identity accommodation (ideal =
# position), so KTAB's whole trajectory is reproducible: 10 turns, 11 states
DUMMY = SMPOptions(voting="proportional", pce="conditional", transitions="deterministic")


def test_dummy_data_3dim_whole_trajectory() -> None:
    log = lines("20170530_ref-dummyData_3Dim.txt")
    _, x, s, c = dummy_inputs()
    run = run_smp(x / 100.0, s / 100.0, c, DUMMY)
    positions = history(log, "History of actor positions over time:", 21)  # actor x dim rows
    ours = (run.positions * 100.0).transpose(1, 2, 0).reshape(21, -1)
    assert ours.shape == positions.shape == (21, 11)
    # printed with 1 decimal: within half a unit (bargains are rounded to 4 decimals on
    # 0-1, so a coordinate can sit exactly on a half and print either way)
    assert ours == pytest.approx(positions, abs=0.05 + 1e-9)
    probabilities = history(log, "History of actors' winning probabilities:", 7)
    assert pytest.approx(probabilities, abs=0.00005 + 1e-9) == run.probabilities.T


def test_registered_model_follows_the_dummy_data_run() -> None:
    # through a detente scenario: saliences as detente's KTAB import reads shares
    # (total share x share / largest share), actors in reverse order, capabilities x 3
    log = lines("20170530_ref-dummyData_3Dim.txt")
    rows, x, s, c = dummy_inputs()
    actors = []
    for k in reversed(range(len(rows))):
        shares = s[k] / 100.0
        sal = shares.sum() * shares / shares.max()
        actors.append(
            {
                "id": rows[k][0].strip(),
                "name": rows[k][0].strip(),
                "capability": 3 * c[k],
                "stances": {f"d{d}": {"position": x[k, d], "salience": sal[d]} for d in range(3)},
            }
        )
    scenario = Scenario.from_dict(
        {
            "schema": "detente/1",
            "title": "KTAB dummyData_3Dim",
            "as_of": "2017-05-30",
            "horizon": "2018-05-30",
            "issues": [{"id": f"d{d}", "name": f"d{d}", "scale": [0, 100]} for d in range(3)],
            "actors": actors,
        }
    )
    model = SMPModel(voting="proportional", pce="conditional", transitions="deterministic")
    forecast = model.forecast(scenario)
    positions = history(log, "History of actor positions over time:", 21)
    for d, item in enumerate(forecast.issues):
        rounds = item.details["rounds"]
        assert len(rounds) == 11
        final = rounds[-1]["positions"]
        for k, row in enumerate(rows):
            assert final[row[0].strip()] == pytest.approx(positions[3 * k + d, -1], abs=0.05 + 1e-9)


def test_smp_example_turn_zero_challenges_bargains_and_votes() -> None:
    # smpExample runs with stochastic transitions (KTAB's own PRNG draws the bargains),
    # so only turn 0 up to the draw is deterministic: each actor's best target, its
    # estimate of winning and of the gain, its interpolated bargain, and the PCE over
    # each actor's options (status quo first, then the bargains; compared as sets
    # because KTAB lists bargains in a random order of initiators)
    log = lines("20170530_ref-smpExample.txt")
    x = np.array([float(v.split(":")[1]) for v in log if v.startswith("Read dimension ")])
    s = np.array([float(v.split(":")[1]) for v in log if v.startswith("Read salience ")])
    w_line = log[next(k for k, v in enumerate(log) if v.strip() == "w:") + 1]
    c = np.array([float(v) for v in w_line.split()])
    opts = SMPOptions(transitions="deterministic")  # KTAB's defaults otherwise
    turn = run_turn(x.reshape(5, 3) / 100.0, s.reshape(5, 3) / 100.0, c, opts, None)
    end = next(k for k, v in enumerate(log) if v.startswith("Starting Model::run iteration 2"))
    first = log[:end]
    found = 0
    for k, line in enumerate(first):
        words = line.split()
        if line.startswith("In turn 0 actor"):
            i, j, worth = int(words[4]), int(words[9]), float(words[11])
            est = first[k + 1] if first[k + 1].startswith("Est by") else first[k + 2]
            prob, gain = float(est.split()[5]), float(est.split()[-1])
            j_ours, p_ours, g_ours = turn.targets[i]
            assert j_ours == j
            assert p_ours == pytest.approx(prob, abs=0.00005 + 1e-9)
            assert g_ours == pytest.approx(gain, abs=0.00005 + 1e-9)
            assert g_ours == pytest.approx(worth, abs=0.0005 + 1e-9)
            found += 1
    assert found == 5
    checked = 0
    for k, line in enumerate(first):
        match = re.match(r"Bargain \[\d+, (\d+):(\d+)\] from (\d+)'s perspective", line)
        if match and match.group(1) == match.group(3):  # the initiator's own bargain
            bargain = turn.offered[int(match.group(1))]
            assert bargain.rcvr == int(match.group(2))
            for pos, printed_line in (
                (bargain.pos_init, first[k + 1]),
                (bargain.pos_rcvr, first[k + 2]),
            ):
                printed = np.array([float(v) for v in printed_line.split(":")[1].split()])
                assert pos * 100 == pytest.approx(printed, abs=0.0005 + 1e-9)
            checked += 1
    assert checked == 5
    blocks = [k for k, line in enumerate(first) if line.strip() == "Probability Opt_i"]
    assert len(blocks) == 5
    for actor, k in enumerate(blocks):
        nb = len(turn.options[actor])
        printed = np.array([float(first[k + 1 + r]) for r in range(nb)])
        ours = turn.options[actor]
        assert ours[0] == pytest.approx(printed[0], abs=0.00005 + 1e-9)
        assert np.sort(ours[1:]) == pytest.approx(np.sort(printed[1:]), abs=0.00005 + 1e-9)
