"""Browser fixtures shared by the scoreboard tests (finder, compare, charts, small screens, axe); conftest.py
imports them, so every test module of this folder can ask for them by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import CHROMIUM, browser, serve

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (make browser)"),
]


@pytest.fixture(scope="module")
def board_chromium():
    with browser() as instance:
        yield instance


@pytest.fixture(scope="module")
def board_real(real_site):
    with serve(real_site) as base:
        yield base


@pytest.fixture(scope="module")
def board_hostile(hostile_site):
    with serve(hostile_site) as base:
        yield base


def provider_with_most_charts(site: Path) -> str:
    """The provider whose page has the most embed files (so 'every chart has the same size' means something)."""
    folders = [p for p in (site / "charts" / "en").iterdir() if p.is_dir()]
    return max(folders, key=lambda p: (len(list(p.iterdir())), p.name)).name
