"""Example scenarios shipped with detente.

``russia_japan_2018`` is the default: the Russia-Japan peace treaty negotiation as
described by Cui Heng, "WWII peace treaty between Russia, Japan unlikely in near
future", Global Times, 17 September 2018. Every number in it is traced to a sentence
of that article, or marked as an analyst's judgment with a range.
"""

from __future__ import annotations

from importlib import resources

from detente.errors import DetenteError
from detente.io.scenario_file import parse_scenario
from detente.scenario import Scenario

__all__ = ["DEFAULT", "embedded_names", "embedded_text", "load_embedded"]

DEFAULT = "russia_japan_2018"


def embedded_names() -> list[str]:
    """Names of the scenarios shipped with detente, sorted."""
    folder = resources.files(__name__)
    return sorted(
        p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml")
    )


def embedded_text(name: str = DEFAULT) -> str:
    """The YAML text of an embedded scenario.

    Raises
    ------
    DetenteError
        No embedded scenario is named ``name``; the message lists the names.
    """
    if name not in embedded_names():
        raise DetenteError(
            f"no embedded scenario named {name!r}; available: {', '.join(embedded_names())}"
        )
    return resources.files(__name__).joinpath(f"{name}.yaml").read_text(encoding="utf-8")


def load_embedded(name: str = DEFAULT) -> Scenario:
    """Load and validate an embedded scenario (the default when ``name`` is omitted).

    The default, ``russia_japan_2018``, is traced to Cui Heng, Global Times, 17
    September 2018 (this module's text); :func:`embedded_names` lists the others.

    Raises
    ------
    DetenteError
        No embedded scenario is named ``name``; the message lists the names.
    """
    return parse_scenario(embedded_text(name), f"<embedded:{name}>")
