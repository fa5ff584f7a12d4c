"""Short parameter paths and ``PATH=VALUE`` changes, as ``whatif --set``, ``flip --param``,
``sweep`` and the Python API (:mod:`detente.api`) read them.

The grammar of an assignment ``PATH=VALUE``::

    PATH  = a full parameter path (as in evidence entries, with .0/.1 for the bounds of an
            accepts pair), e.g. agreement.signatories.russia.ratifiers.russian_public
            .accepts.territory.0, or a short form (ACTOR and ISSUE are ids):
              ACTOR.capability                  actors.ACTOR.capability
              ACTOR.ISSUE.position              actors.ACTOR.stances.ISSUE.position
              ACTOR.ISSUE.salience              actors.ACTOR.stances.ISSUE.salience
              ACTOR.MOTIVE.weight               actors.ACTOR.motives.MOTIVE.weight
              ACTOR.accepts.ISSUE.0 (or .1)     the accepts bound of ACTOR as signatory or
                                                ratifier (agreement.signatories...)
              ACTOR.tolerance.ISSUE             its tolerance
              ACTOR.leader.FIELD                agreement.signatories.ACTOR.leader.FIELD
              ISSUE.status_quo                  issues.ISSUE.status_quo
    VALUE = a number (50), a range LOW:MODE:HIGH (40:50:60) or a date (2020-12-31),
            in the scenario file's units (saliences on its salience_scale).

Every problem is a :class:`~detente.errors.DetenteError` with one line naming the text.
No click, no IO: the command line and the Python API share this module.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.scenario import Scenario
    from detente.scenario_edits import Value

__all__ = ["expand_path", "parse_assignment", "parse_value"]

_TOP = ("actors", "issues", "agreement", "dynamics", "dates", "as_of", "horizon")


def _roles(scenario: Scenario, actor: str) -> list[str]:
    agreement = scenario.agreement
    if agreement is None:
        return []
    out = []
    for s in agreement.signatories:
        if s.actor == actor:
            out.append(f"agreement.signatories.{s.actor}")
        out += [
            f"agreement.signatories.{s.actor}.ratifiers.{r.actor}"
            for r in s.ratifiers
            if r.actor == actor
        ]
    return out


def expand_path(scenario: Scenario, text: str) -> str:
    """Expand a short form to a full parameter path (full paths pass through).

    Short forms (``ACTOR`` and ``ISSUE`` are ids)::

        ACTOR.capability                  -> actors.ACTOR.capability
        ACTOR.ISSUE.position|salience     -> actors.ACTOR.stances.ISSUE.position|salience
        ACTOR.MOTIVE.weight               -> actors.ACTOR.motives.MOTIVE.weight
        ACTOR.accepts.ISSUE.0|1           -> agreement.signatories...ACTOR.accepts.ISSUE.0|1
        ACTOR.tolerance.ISSUE             -> agreement.signatories...ACTOR.tolerance.ISSUE
        ACTOR.leader.FIELD                -> agreement.signatories.ACTOR.leader.FIELD
        ACTOR.packages.PACKAGE...         -> agreement.signatories.ACTOR.packages.PACKAGE...
        ISSUE.status_quo                  -> issues.ISSUE.status_quo
        dynamics.SIGNATORY.FIELD          -> dynamics.signatories.SIGNATORY.FIELD
        dynamics.RATIFIER.FIELD           -> dynamics.signatories.S.ratifiers.RATIFIER.FIELD
        dynamics.SHOCK.FIELD              -> dynamics.shocks.SHOCK.FIELD

    The dynamics forms are those ``detente flip`` and ``sensitivity`` print.
    """
    parts = text.split(".")
    head, rest = parts[0], parts[1:]
    if head == "dynamics" and len(rest) >= 2:
        return _expand_dynamics(scenario, text, rest)
    if head in _TOP:
        return text
    actors = {a.id: a for a in scenario.actors}
    issues = {i.id for i in scenario.issues}
    if head in actors and rest:
        actor = actors[head]
        if rest == ["capability"]:
            return f"actors.{head}.capability"
        if len(rest) == 2 and rest[0] in issues and rest[1] in ("position", "salience"):
            return f"actors.{head}.stances.{rest[0]}.{rest[1]}"
        if len(rest) == 2 and rest[1] == "weight" and rest[0] in {m.id for m in actor.motives}:
            return f"actors.{head}.motives.{rest[0]}.weight"
        if rest[0] in ("accepts", "tolerance", "leader", "packages"):
            roles = _roles(scenario, head)
            if rest[0] in ("leader", "packages"):  # a signatory's own fields
                roles = [r for r in roles if ".ratifiers." not in r]
            if len(roles) == 1:
                return ".".join([roles[0], *rest])
            if roles:
                raise DetenteError(
                    f"{text!r}: {head} has several roles in the agreement; write the full path "
                    f"({' or '.join(r + '.' + '.'.join(rest) for r in roles)})"
                )
            raise DetenteError(f"{text!r}: {head} is neither a signatory nor a ratifier")
    if head in issues and rest == ["status_quo"]:
        return f"issues.{head}.status_quo"
    if head in actors or head in issues:
        raise DetenteError(
            f"{text!r}: expected ACTOR.capability, ACTOR.ISSUE.position, ACTOR.ISSUE.salience, "
            "ACTOR.MOTIVE.weight, ACTOR.accepts.ISSUE.0|1, ACTOR.tolerance.ISSUE, "
            "ACTOR.leader.FIELD, ACTOR.packages.PACKAGE..., ISSUE.status_quo, "
            "dynamics.ID.FIELD or a full path"
        )
    raise DetenteError(
        f"{text!r}: {head!r} is no actor ({', '.join(actors)}), issue "
        f"({', '.join(sorted(issues))}) or top-level block ({', '.join(_TOP)})"
    )


def _expand_dynamics(scenario: Scenario, text: str, rest: list[str]) -> str:
    """``dynamics.ID.FIELD`` (the short form flip and sensitivity print) to its full path;
    full paths and the block's own fields pass through."""
    dynamics = scenario.dynamics
    key = rest[0]
    if dynamics is None or key in type(dynamics).model_fields:
        return text
    found = [f"dynamics.signatories.{s.actor}" for s in dynamics.signatories if s.actor == key]
    found += [
        f"dynamics.signatories.{s.actor}.ratifiers.{r.actor}"
        for s in dynamics.signatories
        for r in s.ratifiers
        if r.actor == key
    ]
    found += [f"dynamics.shocks.{shock.id}" for shock in dynamics.shocks if shock.id == key]
    if len(found) == 1:
        return ".".join([found[0], *rest[1:]])
    if len(found) > 1:
        raise DetenteError(
            f"{text!r}: {key!r} names several dynamics entries; write the full path "
            f"({' or '.join(f + '.' + '.'.join(rest[1:]) for f in found)})"
        )
    return text


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def parse_value(text: str) -> Value:
    """``50`` (a number), ``40:50:60`` (a range low:mode:high) or ``2020-01-31`` (a date)."""
    text = text.strip()
    if re.fullmatch(_NUMBER, text):
        return float(text)
    if re.fullmatch(rf"{_NUMBER}:{_NUMBER}:{_NUMBER}", text):
        low, mode, high = (float(p) for p in text.split(":"))
        from pydantic import ValidationError

        from detente.quantity import Range

        try:
            return Range(low=low, mode=mode, high=high)
        except ValidationError:
            raise DetenteError(
                f"range {text!r}: expected LOW:MODE:HIGH with low <= mode <= high"
            ) from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise DetenteError(f"{text!r} is not a valid date") from None
    raise DetenteError(
        f"value {text!r}: expected a number (50), a range LOW:MODE:HIGH (40:50:60) or a date "
        "(YYYY-MM-DD)"
    )


def parse_assignment(scenario: Scenario, text: str) -> tuple[str, Value]:
    """Parse ``PATH=VALUE`` (short or full path) into a full path and a value."""
    path, sep, value = text.partition("=")
    if not sep or not path.strip() or not value.strip():
        raise DetenteError(
            f"--set {text!r}: expected PATH=VALUE, e.g. russia.capability=0.5 or "
            "russian_public.accepts.territory.0=50"
        )
    full = expand_path(scenario, path.strip())
    from detente.scenario_edits import get_parameter

    parsed = parse_value(value)
    get_parameter(scenario, full)  # a bad path fails here, naming what exists
    return full, parsed
