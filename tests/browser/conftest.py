"""Fixtures of the browser tests: one JupyterLab server and one Chromium per session.

The server and browser helpers live in `harness.py` beside this file (the speed bench drives
the same server and browser); this file only adapts them to pytest. The server serves a
temporary copy of ``notebooks/``, so running the lessons never touches the committed
files. Each test gets a fresh browser context and page; afterwards its kernels are shut
down so the next lesson starts with the memory free.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import harness as browser_bench
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = REPO_ROOT / "notebooks"
ARTIFACTS_DIR = REPO_ROOT / "test-artifacts" / "browser"
VIEWPORT = {"width": 1280, "height": 900}


def _unavailable(reason: str) -> None:
    """Without a browser: fail on CI (the browser tests must run there), skip elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so the browser tests may not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    executable = browser_bench.find_chromium()
    if executable is None:
        _unavailable(browser_bench.INSTALL_HINT)
    return executable


@pytest.fixture(scope="session")
def playwright_instance(chromium_executable):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            "The Python package `playwright` is missing: pip install -e '.[dev]' "
            "(its browser download is not needed; the system Chromium is used)."
        )
    playwright = sync_playwright().start()
    yield playwright
    playwright.stop()


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_executable):
    browser = browser_bench.launch_browser(playwright_instance, chromium_executable)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory, chromium_executable):
    root = tmp_path_factory.mktemp("lab") / "notebooks"
    shutil.copytree(NOTEBOOKS_DIR, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    server = browser_bench.LabServer(root)
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR


@pytest.fixture
def lab_page(browser, lab_server):
    """A fresh page; on teardown the page is closed and every kernel is shut down.

    Requests that leave 127.0.0.1 are refused and recorded in ``page.external_requests``:
    a lesson must work in a classroom without network (no CDN, no fonts, no feeds).
    """
    context = browser.new_context(viewport=VIEWPORT)
    external: list[str] = []

    def local_only(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            external.append(route.request.url)
            route.abort()

    context.route("**/*", local_only)
    page = context.new_page()
    page.external_requests = external
    page.set_default_timeout(30_000)
    page.console_errors = []
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and page.console_errors.append(f"HTTP {response.status} for {response.url[:160]}")
        ),
    )
    yield page
    context.close()
    lab_server.shutdown_kernels()
