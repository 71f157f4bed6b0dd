"""The playground as a standalone Voilà page (`make app`): it renders and its sliders work."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import harness as bb
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "app" / "playground.ipynb"
MOVE_TIMEOUT_S = 30.0  # a bound for a busy machine, not a speed test: that is the benchmark's job


@pytest.fixture(scope="module")
def voila_url(chromium_executable):
    port, token = bb.free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "voila", str(APP), "--no-browser", "--Voila.ip=127.0.0.1",
        f"--port={port}", f"--token={token}", "--theme=light",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(f"voila exited: {process.stdout.read()[-2000:]}")
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("voila did not start within 60 s")
    yield f"{base}/?token={token}"
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def test_the_voila_playground_renders_and_its_slider_moves_the_picture(
    browser, voila_url, artifacts_dir
):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    try:
        page.goto(voila_url, timeout=120_000)
        status = page.locator(".tunelab-status").first
        status.wait_for(timeout=120_000)
        page.wait_for_function(
            """(sel) => {
              const s = document.querySelector('.tunelab-status');
              const c = document.querySelector(sel);
              return s && s.textContent.trim() && !s.classList.contains('busy') && c && c.width;
            }""",
            arg=bb.IPYMPL_CANVAS,
            timeout=120_000,
        )
        body = page.locator("body").text_content()
        for failure in ("Error displaying widget", "Model not found", "Traceback"):
            assert failure not in body
        canvas = page.locator(bb.IPYMPL_CANVAS).first
        page.wait_for_function(
            "([c, js]) => !eval(js)(c).blank",
            arg=[canvas.element_handle(), bb.CANVAS_STATE_JS],
            timeout=60_000,
        )
        before_hash = bb.canvas_state(canvas)["hash"]
        before_status = status.text_content().strip()
        handle = page.locator(".widget-slider .noUi-handle").first
        handle.focus()
        page.keyboard.press("ArrowRight")
        deadline = time.monotonic() + MOVE_TIMEOUT_S
        changed = False
        while time.monotonic() < deadline and not changed:
            changed = (
                bb.canvas_state(canvas)["hash"] != before_hash
                and status.text_content().strip() != before_status
                and "busy" not in (status.get_attribute("class") or "")
            )
            time.sleep(0.05)
        page.screenshot(path=str(artifacts_dir / "voila_playground.png"))
        assert changed, f"canvas or status did not change within {MOVE_TIMEOUT_S} s"
    finally:
        context.close()
