"""Browser fixtures: Playwright for Python driving Debian's Chromium (no `playwright install`).

Without /usr/bin/chromium the browser tests skip with the reason, unless PEIYU_REQUIRE_BROWSER=1
(CI sets it), in which case they fail: a CI run must not pass by skipping the only real-browser check."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("PEIYU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(os.environ.get("PEIYU_SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "peiyu-browser")


def _unavailable(reason: str) -> None:
    if os.environ.get("PEIYU_REQUIRE_BROWSER") == "1":
        pytest.fail(f"PEIYU_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def screenshots():
    """Where a test leaves screenshots for a person to look at (not committed, not compared)."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    return SCREENSHOT_DIR


@pytest.fixture
def page(monkeypatch):
    """A fresh Chromium page. Playwright's sync API keeps an asyncio loop marked as running on this
    thread, which makes Django refuse ORM calls from the test body; the live server runs in its own
    thread, so allowing it here is safe. The loop is stopped before the database is flushed."""
    if not (CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK)) and not shutil.which(str(CHROMIUM)):
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        pg = context.new_page()
        # irreversible actions ask first (data-confirm, site.js): the journeys answer yes; a test that
        # wants to see the question or say no replaces this handler (test_phone_layout.py)
        pg.on("dialog", lambda dialog: dialog.accept())
        yield pg
        context.close()
        browser.close()
    finally:
        # ORM calls made while Playwright's loop was marked running opened connections in that
        # context; close them here, or PostgreSQL refuses to drop the test database at the end.
        from django.db import connections

        connections.close_all()
        pw.stop()
