"""Where the tests find the project's shared data: ``../shared`` beside the repository.

CI lays ``shared/`` beside its fresh clone; ``DETENTE_SHARED`` points elsewhere (for
example from a git worktree). Tests that need a file skip, naming its path, when absent.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DETENTE_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
SEED_ARTICLE = SHARED / "seed" / "russia-japan-peace-treaty-2018.txt"
