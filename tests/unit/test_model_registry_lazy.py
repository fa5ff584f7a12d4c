"""The model registry imports only the model asked for (#14: a fast start)."""

from __future__ import annotations

import subprocess
import sys

from detente.models import _registry, available_models, get_model


def test_direct_lookup_gives_the_registered_model() -> None:
    registry = _registry()
    assert available_models() == list(registry)
    for name, model in registry.items():
        assert get_model(name) is model


def test_one_model_imports_no_other_model() -> None:
    probe = (
        "import sys; from detente.models import get_model; get_model('expected-utility');"
        "print(sorted(m for m in sys.modules if m.startswith('detente.models.')"
        " and not m.split('.')[-1].startswith('_')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    # the model, the interface and the median it reports each round; no dated model
    assert result.stdout.strip() == str(
        ["detente.models.base", "detente.models.expected_utility", "detente.models.median"]
    )
