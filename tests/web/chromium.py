"""Debian's Chromium for the end-to-end tests, in one place: where it is, where the
screenshots go, and what a machine without it does (CI fails, since
``scripts/install-system-deps`` installs it; elsewhere the browser tests skip)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

__all__ = ["ARTIFACTS", "CHROMIUM", "launched_chromium", "playwright_or_skip"]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).with_name("artifacts")


def playwright_or_skip() -> ModuleType:
    """Playwright's sync API once Chromium is known to be there; call it at a browser test
    module's top, so the whole module skips (or, under CI, fails) without it."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but {CHROMIUM} is missing: scripts/install-system-deps installs it",
                pytrace=False,
            )
        pytest.skip(
            f"no Chromium at {CHROMIUM} (apt-get install chromium); CI runs these",
            allow_module_level=True,
        )
    return pytest.importorskip("playwright.sync_api", reason="playwright is a dev dependency")


def launched_chromium() -> Iterator[Any]:
    """A headless Chromium for one module's tests (the body of its ``browser`` fixture)."""
    sync_api = playwright_or_skip()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()
