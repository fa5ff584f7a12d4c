"""Comparing two result documents leaf by leaf (``detente runs diff``).

:func:`diff_results` walks two JSON documents (the ``-f json`` output of any command, as
the run store keeps it) and lists every leaf that differs, matching lists of objects by
their ``id``/``model``/``name``/... key rather than by position, so reordered models or
actors are not reported as changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Difference", "diff_results"]


@dataclass(frozen=True)
class Difference:
    """One place where two JSON documents differ: ``old``/``new`` are ``None`` when absent."""

    path: str
    old: Any
    new: Any
    kind: str  # "changed", "added" or "removed"

    @property
    def delta(self) -> float | None:
        """``new - old`` for two numbers."""
        if _number(self.old) and _number(self.new):
            return float(self.new) - float(self.old)
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "old": self.old, "new": self.new, "kind": self.kind,
                "delta": self.delta}  # fmt: skip


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_KEYS = ("id", "model", "path", "name", "actor", "issue", "date")


def _key(item: Any) -> str | None:
    if isinstance(item, Mapping):
        for key in _KEYS:
            if isinstance(item.get(key), str | int) and not isinstance(item.get(key), bool):
                return str(item[key])
    return None


def _by_key(items: list[Any]) -> dict[str, Any] | None:
    keys = [_key(item) for item in items]
    if not items or None in keys or len(set(keys)) != len(keys):
        return None
    return dict(zip(keys, items, strict=True))  # type: ignore[arg-type]


def diff_results(old: Any, new: Any, *, tolerance: float = 0.0) -> list[Difference]:
    """Every leaf that differs between two JSON documents, in document order.

    Lists of objects with an ``id`` (or ``model``, ``path``, ``name``, ...) are matched
    by it, other lists by position; numbers that differ by at most ``tolerance`` count
    as equal. Paths read like ``issues.territory.forecasts.compromise.outcome``.
    """
    out: list[Difference] = []
    _diff(old, new, "", out, tolerance)
    return out


def _diff(old: Any, new: Any, path: str, out: list[Difference], tol: float) -> None:
    def join(key: Any) -> str:
        return f"{path}.{key}" if path else str(key)

    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in list(old) + [k for k in new if k not in old]:
            if key not in new:
                out.append(Difference(join(key), old[key], None, "removed"))
            elif key not in old:
                out.append(Difference(join(key), None, new[key], "added"))
            else:
                _diff(old[key], new[key], join(key), out, tol)
        return
    if isinstance(old, list) and isinstance(new, list):
        keyed_old, keyed_new = _by_key(old), _by_key(new)
        if keyed_old is not None and keyed_new is not None:
            _diff(keyed_old, keyed_new, path, out, tol)
            return
        for index in range(max(len(old), len(new))):
            if index >= len(new):
                out.append(Difference(join(index), old[index], None, "removed"))
            elif index >= len(old):
                out.append(Difference(join(index), None, new[index], "added"))
            else:
                _diff(old[index], new[index], join(index), out, tol)
        return
    if _number(old) and _number(new):
        if abs(float(new) - float(old)) > tol:
            out.append(Difference(path, old, new, "changed"))
    elif old != new:
        out.append(Difference(path, old, new, "changed"))
