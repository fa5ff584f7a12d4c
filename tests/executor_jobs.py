"""The jobs every executor must answer identically (issue #16, "same answer everywhere").

Each job runs one of detente's batched analyses on a given executor and returns its
result as JSON (sorted keys): one-at-a-time and Sobol sensitivity, the DEU backtest,
the case backtest (with its cross-fitted calibration) and the calibration refit script.
The expected value of each is the serial run's own output: the property under test is
that the backend, the number of workers and the number of tasks change nothing.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from detente.analysis.backtest import run_deu_backtest
from detente.analysis.case_backtest import backtest_cases
from detente.analysis.one_at_a_time import one_at_a_time
from detente.analysis.sobol import sobol_sensitivity
from detente.io import load_scenario
from detente.scenarios import load_embedded

ROOT = Path(__file__).resolve().parents[1]
DEU_SMALL = ROOT / "tests" / "data" / "deu_small.tsv"
CASES = ROOT / "cases"
# four shipped cases, two agreed and two not (the cross-fit needs both outcomes)
CASE_NAMES = ("cyprus_2004", "egypt_israel_1978", "israel_syria_2000", "peru_ecuador_1998")

Job = Callable[[Any, "int | None"], str]


def _json(document: Any) -> str:
    return json.dumps(document, sort_keys=True)


def oat(executor: Any, tasks: int | None) -> str:
    result = one_at_a_time(load_embedded(), runs=32, seed=3, executor=executor, tasks=tasks)
    return _json(result.to_dict())


def sobol(executor: Any, tasks: int | None) -> str:
    result = sobol_sensitivity(load_embedded(), n=4, seed=3, executor=executor, tasks=tasks)
    return _json(result.to_dict())


def deu(executor: Any, tasks: int | None) -> str:
    # every model that forecasts DEU issues, the batched expected-utility kernel included
    result = run_deu_backtest(DEU_SMALL, bootstrap=20, seed=2, executor=executor)
    return _json(result.to_dict(include_issues=True))


def cases(executor: Any, tasks: int | None) -> str:
    chosen = [(name, load_scenario(CASES / f"{name}.yaml")) for name in CASE_NAMES]
    return _json(backtest_cases(chosen, runs=64, seed=1, executor=executor).to_dict())


JOBS: dict[str, Job] = {"oat": oat, "sobol": sobol, "deu": deu, "cases": cases}


def refit_script(tmp_path: Path, *options: str) -> str:
    """The coefficients ``scripts/fit_calibration.py`` writes from the four cases."""
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)
    for name in CASE_NAMES:
        (folder / f"{name}.yaml").write_bytes((CASES / f"{name}.yaml").read_bytes())
    spec = importlib.util.spec_from_file_location(
        "fit_calibration", ROOT / "scripts" / "fit_calibration.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / f"calibration{len(options)}.json"
    arguments = ["--cases", str(folder), "--runs", "64", "--out", str(out), *options]
    assert module.main(arguments) == 0
    return out.read_text(encoding="utf-8")
