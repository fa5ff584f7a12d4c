"""Shared hypothesis strategies: random valid scenarios (as plain mappings and objects)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from detente.scenario import Scenario

finite = {"allow_nan": False, "allow_infinity": False}


@st.composite
def scenario_dicts(
    draw: st.DrawFn,
    *,
    min_actors: int = 1,
    max_actors: int = 7,
    max_issues: int = 2,
    with_agreement: bool | None = None,
    status_quo: bool | None = None,
    eu: bool | None = None,
) -> dict[str, Any]:
    """A valid ``detente/1`` scenario mapping with random actors, issues and weights.

    ``eu`` (drawn when ``None``): the actors carry EU roles (``metadata: {eu_role}``, the
    first actor the Commission, the second the Parliament when there are three or more)
    and ``models.procedural`` gives a procedure and voting rule (with two actors or
    more), so that the procedural model applies. Other models read neither.
    """
    n_actors = draw(st.integers(min_actors, max_actors))
    n_issues = draw(st.integers(1, max_issues))
    issues = []
    for k in range(n_issues):
        lo = draw(st.floats(-100, 100, **finite))
        width = draw(st.floats(1, 200, **finite))
        issue: dict[str, Any] = {"id": f"i{k}", "name": f"issue {k}", "scale": [lo, lo + width]}
        has_sq = draw(st.booleans()) if status_quo is None else status_quo
        if has_sq:
            issue["status_quo"] = draw(st.floats(lo, lo + width, **finite))
        issues.append(issue)
    actors = []
    for a in range(n_actors):
        stances = {}
        for issue in issues:
            lo, hi = issue["scale"]
            stances[issue["id"]] = {
                "position": draw(st.floats(lo, hi, **finite)),
                "salience": draw(st.floats(0.05, 1, **finite)),
            }
        actors.append(
            {
                "id": f"a{a}",
                "name": f"actor {a}",
                "capability": draw(st.floats(0.05, 10, **finite)),
                "stances": stances,
            }
        )
    data: dict[str, Any] = {
        "schema": "detente/1",
        "title": "random",
        "as_of": "2020-01-01",
        "horizon": "2022-01-01",
        "issues": issues,
        "actors": actors,
    }
    agree = (draw(st.booleans()) if with_agreement is None else with_agreement) and n_actors >= 2
    if agree:
        signatories = []
        for a in range(2):
            tolerance = {i["id"]: draw(st.floats(0, 100, **finite)) for i in issues}
            signatories.append({"actor": f"a{a}", "tolerance": tolerance})
        if n_actors >= 3:
            signatories[0]["ratifiers"] = [
                {
                    "actor": "a2",
                    "tolerance": {i["id"]: draw(st.floats(0, 100, **finite)) for i in issues},
                }
            ]
        data["agreement"] = {"name": "deal", "signatories": signatories}
    if (draw(st.booleans()) if eu is None else eu) and n_actors >= 2:
        _add_eu_institutions(draw, data)
    return data


def _add_eu_institutions(draw: st.DrawFn, data: dict[str, Any]) -> None:
    """EU roles on the first actors and the procedural model's options (see above)."""
    actors = data["actors"]
    actors[0]["metadata"] = {"eu_role": "commission"}
    parliament = len(actors) >= 3
    if parliament:
        actors[1]["metadata"] = {"eu_role": "parliament"}
    options: dict[str, Any] = {
        "procedure": draw(st.sampled_from(["COD", "CNS"] if parliament else ["CNS"])),
        "voting_rule": draw(st.sampled_from(["QMV", "unanimity"])),
    }
    if draw(st.booleans()):
        options["qmv_quota"] = draw(st.sampled_from([0.65, 62 / 87, 0.74, 1.0]))
    data["models"] = {"procedural": options}


def scenarios(**kwargs: Any) -> st.SearchStrategy[Scenario]:
    """Random valid :class:`Scenario` objects (see :func:`scenario_dicts`)."""
    return scenario_dicts(**kwargs).map(Scenario.from_dict)


def minimal(**overrides: Any) -> dict[str, Any]:
    """A small valid scenario mapping to start hand-made cases from."""
    data: dict[str, Any] = {
        "schema": "detente/1",
        "title": "hand-made",
        "as_of": "2020-01-01",
        "horizon": "2021-01-01",
        "issues": [{"id": "x", "name": "X", "scale": [0, 10]}],
        "actors": [
            {
                "id": "a",
                "name": "A",
                "capability": 1,
                "stances": {"x": {"position": 0, "salience": 1}},
            },
            {
                "id": "b",
                "name": "B",
                "capability": 1,
                "stances": {"x": {"position": 10, "salience": 1}},
            },
        ],
    }
    data.update(overrides)
    return data


def one_issue(positions: list[float], weights: list[tuple[float, float]], **issue: Any) -> Scenario:
    """A one-issue scenario from positions and (capability, salience) pairs."""
    spec = {"id": "x", "name": "X", "scale": [0, 10], **issue}
    actors = [
        {
            "id": f"a{i}",
            "name": f"A{i}",
            "capability": c,
            "stances": {"x": {"position": p, "salience": s}},
        }
        for i, (p, (c, s)) in enumerate(zip(positions, weights, strict=True))
    ]
    return Scenario.from_dict(minimal(issues=[spec], actors=actors))


def attrition_pair(**dynamics: Any) -> dict[str, Any]:
    """Two signatories on one 0-100 issue; Russia accepts 60-100, Japan 0-40 (gap 20).

    Russia has one motive of weight 0.5 and discount rate 0.2 a year, so its cost of
    delay is 0.1 a year; its stake is salience 1 x gap 20/100 = 0.2, so it concedes at
    hazard 0.5 a year. Japan has no motive: no cost of delay, it never concedes.
    """
    data: dict[str, Any] = {
        "schema": "detente/1",
        "title": "hand-worked",
        "as_of": "2020-01-01",
        "horizon": "2022-01-01",
        "issues": [{"id": "t", "name": "territory", "scale": [0, 100]}],
        "actors": [
            {
                "id": "ru",
                "name": "Russia",
                "capability": 1,
                "stances": {"t": {"position": 100, "salience": 1}},
                "motives": [{"id": "deal", "description": "wants it", "weight": 0.5}],
            },
            {
                "id": "jp",
                "name": "Japan",
                "capability": 1,
                "stances": {"t": {"position": 0, "salience": 1}},
            },
        ],
        "agreement": {
            "name": "treaty",
            "signatories": [
                {"actor": "ru", "accepts": {"t": [60, 100]}},
                {"actor": "jp", "accepts": {"t": [0, 40]}},
            ],
        },
        "dynamics": {"signatories": [{"actor": "ru", "discount_rate": 0.2}], **dynamics},
    }
    return data


AS_OF = dt.date(2020, 1, 1)
unit = st.floats(0.0, 1.0, allow_nan=False)


@st.composite
def number(draw: st.DrawFn, lo: float, hi: float, ranged: bool = True) -> Any:
    """A number in [lo, hi], or (when ``ranged``) sometimes a range {low, mode, high}."""
    if ranged and draw(st.booleans()):
        a, b, c = sorted(lo + (hi - lo) * draw(unit) for _ in range(3))
        return {"low": a, "mode": b, "high": c}
    return lo + (hi - lo) * draw(unit)


@st.composite
def dated_scenarios(
    draw: st.DrawFn, ratifiers: bool | None = None, ranged: bool = True
) -> dict[str, Any]:
    """A valid scenario with an agreement and a dynamics block; all ids are s*, r*, i*."""
    n_sig, n_iss = draw(st.integers(2, 3)), draw(st.integers(1, 2))
    horizon = AS_OF + dt.timedelta(days=draw(st.integers(60, 4 * 365)))
    issues = []
    for j in range(n_iss):
        lo, width = draw(st.floats(-50, 50)), draw(st.floats(1, 200))
        issue: dict[str, Any] = {"id": f"i{j}", "name": f"issue {j}", "scale": [lo, lo + width]}
        if draw(st.booleans()):
            issue["status_quo"] = lo + width * draw(unit)
        issues.append(issue)

    def point(j: int, u: float) -> float:
        lo, hi = issues[j]["scale"]
        return float(min(hi, lo + (hi - lo) * u))

    actors: list[dict[str, Any]] = []
    signatories: list[dict[str, Any]] = []
    dyn: list[dict[str, Any]] = []
    for s in range(n_sig):
        # the leader demands a narrow set around its position; its ratifiers accept a
        # wider one around the same position (the usual two-level shape)
        where = [draw(unit) for _ in range(n_iss)]
        demand = [0.3 * draw(unit) for _ in range(n_iss)]
        motives = [
            {"id": f"m{k}", "description": "motive", "weight": draw(number(0, 1, ranged))}
            for k in range(draw(st.integers(0, 2)) if draw(st.integers(0, 4)) == 0 else 1)
        ]
        stances = {
            f"i{j}": {"position": point(j, where[j]), "salience": draw(number(0.05, 1, ranged))}
            for j in range(n_iss)
        }
        actors.append(
            {
                "id": f"s{s}",
                "name": f"s{s}",
                "capability": draw(number(0.1, 5, ranged)),
                "stances": stances,
                "motives": motives,
            }
        )
        signatory: dict[str, Any] = {"actor": f"s{s}", "accepts": {}}
        for j in range(n_iss):
            if draw(st.integers(0, 3)):
                signatory["accepts"][f"i{j}"] = [
                    point(j, max(0.0, where[j] - demand[j])),
                    point(j, min(1.0, where[j] + demand[j])),
                ]
        entry: dict[str, Any] = {
            "actor": f"s{s}",
            "discount_rate": draw(number(0, 0.5, ranged)),
            "drift": draw(number(-0.05, 0.05, ranged)),
        }
        if draw(st.booleans()):
            ends = AS_OF + dt.timedelta(days=draw(st.integers(1, 5 * 365)))
            signatory["leader"] = {
                "name": f"leader {s}",
                "term_ends": ends.isoformat(),
                "successor_flexibility": draw(number(0, 1.5, ranged)),
            }
            legacy: bool = draw(st.booleans())
            if motives and legacy:
                entry["legacy"] = [motives[0]["id"]]
        if ratifiers or (ratifiers is None and draw(st.booleans())):
            accepts, stance = {}, {}
            for j in range(n_iss):
                below, above = demand[j] + 0.6 * draw(unit), demand[j] + 0.6 * draw(unit)
                accepts[f"i{j}"] = [
                    point(j, max(0.0, where[j] - below)),
                    point(j, min(1.0, where[j] + above)),
                ]
                stance[f"i{j}"] = {"position": point(j, where[j]), "salience": 0.5}
            actors.append({"id": f"r{s}", "name": f"r{s}", "capability": 1, "stances": stance})
            signatory["ratifiers"] = [{"actor": f"r{s}", "accepts": accepts}]
            entry["ratifiers"] = [{"actor": f"r{s}", "drift": draw(number(-0.05, 0.05, ranged))}]
        signatories.append(signatory)
        dyn.append(entry)
    targets = [a["id"] for a in actors]
    shocks = [
        {
            "id": f"h{k}",
            "target": draw(st.sampled_from(targets)),
            "effect": draw(st.sampled_from(["width", "position"])),
            "hazard": draw(number(0, 2, ranged)),
            "size": draw(number(-0.2, 0.2, ranged)),
        }
        for k in range(draw(st.integers(0, 2)))
    ]
    return {
        "schema": "detente/1",
        "title": "random dated",
        "as_of": AS_OF.isoformat(),
        "horizon": horizon.isoformat(),
        "issues": issues,
        "actors": actors,
        "agreement": {"name": "deal", "signatories": signatories},
        "dynamics": {
            "step_months": draw(st.sampled_from([1, 2, 3])),
            "signing_lag": draw(number(0, 6, ranged)),
            "signatories": dyn,
            "shocks": shocks,
        },
    }


def dated_forecast(data: dict[str, Any], seed: int, n: int = 8) -> Any:
    """``n`` draws of ``data`` from ``seed`` through the dated model (a ``DatedDraws``).

    Parameters and the model's own process (shocks, leader changes) come from two
    fixed streams, so two scenarios compared with one seed share their random numbers.
    """
    import numpy as np

    from detente.models.deadline_bargaining import MODEL
    from detente.uncertainty import ScenarioSampler

    scenario = Scenario.from_dict(data)
    params, process = np.random.SeedSequence(seed).spawn(2)
    draws = ScenarioSampler(scenario).sample(np.random.default_rng(params), n)
    paths = MODEL.sample_process(scenario, draws, np.random.default_rng(process))
    return MODEL.forecast_draws(scenario, draws, paths)


def dated_curve(data: dict[str, Any]) -> list[tuple[dt.date, float, float]]:
    """(grid date, years since as_of, P(signed by it)) of the dated model at the modes."""
    from detente.models.deadline_bargaining import MODEL

    scenario = Scenario.from_dict(data)
    forecast = MODEL.forecast(scenario)
    assert forecast.agreement is not None
    out = []
    for day, p in forecast.agreement.extra["curve"].items():
        date = dt.date.fromisoformat(day)
        out.append((date, (date - scenario.as_of).days / 365.25, p))
    return out
