"""The ``reference_class:`` block of a scenario: which kind of dispute this is.

A scenario may say which reference class its outside view comes from (see
``docs/calibration.md``)::

    reference_class:
      kind: territorial-claim        # or crisis, armed-conflict
      interstate: true
      since: 1945                    # the year the dispute began
      salience: 12                   # ICOW salience, 0-12 (territorial claims)
      recent_mid: false              # a militarised dispute over it in the last 10 years
      note: Japan's claim to the southern Kurils, open since the Soviet occupation

Every field but ``kind`` is optional; what is left out is inferred
(:mod:`detente.outside_view.infer`) or set to the class's median. This module imports
nothing of detente's so that :mod:`detente.scenario` can use it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["KINDS", "ReferenceClassSpec"]

KINDS = ("territorial-claim", "crisis", "armed-conflict")


class ReferenceClassSpec(BaseModel):
    """What a scenario says about its reference class (all but ``kind`` optional).

    Attributes
    ----------
    kind:
        ``territorial-claim`` (ICOW), ``crisis`` (ICB) or ``armed-conflict`` (UCDP).
    interstate:
        Between states (``True``) or within one; armed conflicts only.
    territorial:
        Over territory (``True``) or government; intrastate armed conflicts only.
    since:
        The year the dispute (claim, conflict episode, crisis) began.
    salience:
        ICOW issue salience on its 0-12 scale (territorial claims).
    recent_mid:
        A militarised interstate dispute over the claim in the last ten years.
    note:
        Free text for the reader.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    kind: Literal["territorial-claim", "crisis", "armed-conflict"]
    interstate: bool | None = None
    territorial: bool | None = None
    since: int | None = Field(default=None, ge=1816, le=2100)
    salience: float | None = Field(default=None, ge=0, le=12)
    recent_mid: bool | None = None
    note: str = ""
