"""Shared test fixtures. The repository root is importable (benchmarks/) and "today" is frozen."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

# A frozen "today" for every date check in the tests (congress-legislators' NOW override).
os.environ.setdefault("PLEDGES_TODAY", "2026-12-01")
