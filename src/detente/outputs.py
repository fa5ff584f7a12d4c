"""Output files: refuse, before any work, a file that could not be written.

Shared by the command line and the Python API (:mod:`detente.api`): nothing is computed
before the output path is known to be writable. Standard library only.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from detente.errors import DetenteError

__all__ = ["FIGURE_SUFFIXES", "check_output", "unwritable_folder"]

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")
"""The figure formats ``--plot`` writes (matplotlib's PNG, SVG and PDF backends)."""


def check_output(path: str, *, what: str, suffixes: Sequence[str] | None = None) -> None:
    """Refuse, before any work, an output file that could not be written.

    The error names ``path`` as typed: a suffix not among ``suffixes``, ``path`` being a
    folder, its folder missing (never made silently), or no file being possible there
    (:func:`unwritable_folder`).

    Raises
    ------
    DetenteError
        With one line naming ``path`` and what is wrong.
    """
    target = Path(path)
    if target.is_dir():
        raise DetenteError(f"{path}: is a folder; expected a file name for the {what}")
    if suffixes is not None and target.suffix.lower() not in suffixes:
        choices = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else ""
        raise DetenteError(
            f"{path}: expected a {choices or suffixes[0]} file name for the {what} "
            f"(not {target.suffix or 'a name without suffix'})"
        )
    if target.exists() and not target.is_file():
        raise DetenteError(f"{path}: is not a regular file; expected a file for the {what}")
    problem = unwritable_folder(target)
    if problem is not None:
        raise DetenteError(f"{path}: {problem}")


def unwritable_folder(target: Path, *, make_folders: bool = False) -> str | None:
    """Why no file ``target`` can be made (``None`` if it can), without writing anything
    that stays: its folder must exist (with ``make_folders``, as for the run store whose
    missing folders are made, the nearest existing folder above it) and let a file be
    created in it, tried with a temporary file that is removed at once."""
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return f"{folder} is not a folder"
    if not make_folders and folder != target.parent:
        from detente.io.scenario_file import missing_folder

        return missing_folder(target)
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=f".{target.name}."):
            pass
    except OSError as exc:
        return f"cannot write in {folder} ({exc.strerror})"
    return None
