"""Drive the lessons in a real browser: a JupyterLab server, headless Chromium, and a bench.

One implementation serves two callers: the browser tests beside this file import the
server and browser helpers, and the browser bench (`bench.py` beside this file, run as
``python tests/browser/harness.py``, which `make bench` does after ``python -m
tunelab.bench``) measures what a learner sees: key press to new canvas pixels, frames
on screen during a drag, first visits of the playground's dropdowns, and compilations
over a scripted playground session. It lives with the tests, outside the installed
package, because it needs the repository's offline guard and a Chromium.

Playwright is a development dependency; it is imported only when a browser is launched.
The browser is the system Chromium (Playwright's own browser download is not used); set
``TUNELAB_CHROMIUM`` to pick another executable.

Example:
    $ python tests/browser/harness.py --quick                  # a short run (~5 min)
    $ python tests/browser/harness.py --before ../before       # and the older code too
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
# Put on the kernels' PYTHONPATH when present: blocks network access (tests/offline).
OFFLINE_DIR = REPO_ROOT / "tests" / "offline"

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
)
INSTALL_HINT = (
    "No Chromium found for the browser tests. Install one with `apt-get install chromium` "
    "(Debian/Ubuntu) or point TUNELAB_CHROMIUM at a Chromium/Chrome executable."
)

# Selectors of JupyterLab 4, ipywidgets 8 and ipympl 0.10 that the helpers rely on.
NOTEBOOK_PANEL = ".jp-NotebookPanel"
IPYMPL_CANVAS = ".jupyter-matplotlib-canvas-div > canvas:first-child"  # the image (2nd: overlay)
STATUS = ".tunelab-status"
SLIDER_HANDLE = ".noUi-handle"

# ----------------------------------------------------------------------------------------
# Browser


def find_chromium() -> str | None:
    """The Chromium to drive: ``$TUNELAB_CHROMIUM``, else the first one on ``PATH``."""
    override = os.environ.get("TUNELAB_CHROMIUM")
    if override:
        return shutil.which(override) or (override if Path(override).is_file() else None)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch_browser(playwright: Any, executable: str | None = None) -> Any:
    """A headless system Chromium started by Playwright (``playwright.chromium``)."""
    executable = executable or find_chromium()
    if executable is None:
        raise RuntimeError(INSTALL_HINT)
    return playwright.chromium.launch(
        executable_path=executable, headless=True, args=list(CHROMIUM_ARGS)
    )


# ----------------------------------------------------------------------------------------
# JupyterLab server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2))


class LabServer:
    """A JupyterLab server on 127.0.0.1 with a random token, serving ``root_dir``.

    Settings that would make a run depend on the machine or the network are pinned in
    a private configuration: no news or update check (no pop-up over the notebook), no
    saved workspace, the user's own ``~/.jupyter`` ignored. Kernels inherit
    ``tests/offline`` on their ``PYTHONPATH``, so a lesson that tried to download
    anything fails instead of passing only when online.

    Args:
        root_dir: the folder the server serves (the notebooks).
        disabled_extensions: JupyterLab front-end plugins (or extension packages) to
            disable in this server. ipympl's plugin is ``"matplotlib-jupyter:main"``:
            disabling its package name ``"jupyter-matplotlib"`` does nothing in
            JupyterLab 4, because the plugin id does not start with it.
        startup_timeout: seconds to wait for ``/api/status``.
        python_path: folders put first on the kernels' ``PYTHONPATH`` (the bench points
            it at another checkout to measure older code with the same environment).
    """

    def __init__(
        self,
        root_dir: str | os.PathLike[str],
        *,
        disabled_extensions: Sequence[str] = (),
        startup_timeout: float = 90.0,
        python_path: Sequence[str | os.PathLike[str]] = (),
    ):
        self.root_dir = Path(root_dir).resolve()
        self.disabled_extensions = tuple(disabled_extensions)
        self.startup_timeout = startup_timeout
        self.python_path = tuple(str(Path(p).resolve()) for p in python_path)
        self.port = free_port()
        self.token = secrets.token_hex(16)
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._state = tempfile.TemporaryDirectory(prefix="tunelab-lab-")
        self.state_dir = Path(self._state.name)
        self.log_path = self.state_dir / "server.log"

    # -------------------------------------------------------------- lifecycle

    def prepare_environment(self) -> dict[str, str]:
        """Write the private configuration; the environment the server and kernels get."""
        config_dir = self.state_dir / "config"
        settings_dir = self.state_dir / "user-settings"
        (self.state_dir / "workspaces").mkdir(parents=True, exist_ok=True)
        _write_json(
            settings_dir
            / "@jupyterlab"
            / "apputils-extension"
            / "notification.jupyterlab-settings",
            {"fetchNews": "false", "checkForUpdates": False},
        )
        page_config: dict[str, Any] = {}
        if self.disabled_extensions:
            page_config["disabledExtensions"] = dict.fromkeys(self.disabled_extensions, True)
        _write_json(config_dir / "labconfig" / "page_config.json", page_config)
        env = dict(os.environ)
        env["JUPYTER_CONFIG_DIR"] = str(config_dir)
        env["JUPYTER_RUNTIME_DIR"] = str(self.state_dir / "runtime")
        env["PYTHONUNBUFFERED"] = "1"
        env.pop("JUPYTER_TOKEN", None)
        paths = [*self.python_path, *([str(OFFLINE_DIR)] if OFFLINE_DIR.is_dir() else [])]
        paths += filter(None, env.get("PYTHONPATH", "").split(os.pathsep))
        if paths:
            env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
        return env

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            "--ServerApp.disable_check_xsrf=False",
            "--allow-root",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            f"--LabApp.user_settings_dir={self.state_dir / 'user-settings'}",
            f"--LabApp.workspaces_dir={self.state_dir / 'workspaces'}",
            "--LabApp.expose_app_in_browser=True",
        ]

    def start(self) -> LabServer:
        env = self.prepare_environment()
        log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.root_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its kernels form one group we can stop together
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                message = (
                    f"JupyterLab exited with code {self.process.returncode} before answering."
                    f"\n{self.log_tail()}"
                )
                self.stop()
                raise RuntimeError(message)
            try:
                status = self.api("GET", "/api/status", timeout=2)
            except (OSError, urllib.error.URLError):
                status = None
            if isinstance(status, dict) and "started" in status:
                return self
            time.sleep(0.25)
        message = (
            f"JupyterLab did not answer /api/status within {self.startup_timeout:.0f} s."
            f"\n{self.log_tail()}"
        )
        self.stop()
        raise RuntimeError(message)

    def stop(self) -> None:
        """Shut the kernels down, then the server (terminate, wait, kill)."""
        process = self.process
        if process is not None and process.poll() is None:
            with contextlib.suppress(Exception):
                self.shutdown_kernels()
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if process is not None:
            # Kernels left behind by a server that did not stop them (same process group).
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
        log = getattr(self, "_log", None)
        if log is not None and not log.closed:
            log.close()
        with contextlib.suppress(OSError):
            self._state.cleanup()

    def __enter__(self) -> LabServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "server log (tail):\n" + "\n".join(text.splitlines()[-lines:])

    # -------------------------------------------------------------- REST API

    def api(self, method: str, path: str, *, timeout: float = 10) -> Any:
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Delete every session and stop every kernel this server runs."""
        for session in self.api("GET", "/api/sessions") or []:
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)
        for kernel in self.api("GET", "/api/kernels") or []:
            with contextlib.suppress(urllib.error.HTTPError):
                self.api("DELETE", f"/api/kernels/{kernel['id']}", timeout=30)

    def notebook_url(self, name: str) -> str:
        # `reset`: start from an empty workspace, not the tabs a previous page left open.
        return f"{self.base_url}/lab/tree/{name}?reset&token={self.token}"


# ----------------------------------------------------------------------------------------
# Page helpers (Playwright sync API)

# A hash of a canvas' pixels and whether it shows anything (not one flat colour).
CANVAS_STATE_JS = """
(canvas) => {
  const w = canvas.width, h = canvas.height;
  if (!w || !h) return {width: w, height: h, hash: 0, blank: true, colors: 0};
  const data = canvas.getContext('2d').getImageData(0, 0, w, h).data;
  let hash = 2166136261 >>> 0;
  const seen = new Set();
  for (let i = 0; i < data.length; i += 4) {
    const px = (data[i] << 24 | data[i + 1] << 16 | data[i + 2] << 8 | data[i + 3]) >>> 0;
    hash = Math.imul(hash ^ px, 16777619) >>> 0;
    if (seen.size < 64) seen.add(px);
  }
  const rect = canvas.getBoundingClientRect();
  return {width: w, height: h, cssWidth: rect.width, cssHeight: rect.height,
          hash: hash, colors: seen.size, blank: seen.size < 2};
}
"""

# Arms a one-shot timer: from the next keydown until the canvas' pixels differ from
# `before` and until the status line's text differs from `beforeStatus`, both polled
# once per animation frame. The result lands in `window.__repaint`:
# {repaint: ms or null, status: ms or null} (null: no change within `timeoutMs`).
ARM_REPAINT_TIMER_JS = """
([canvas, before, beforeStatus, timeoutMs]) => {
  const hashOf = () => {
    const w = canvas.width, h = canvas.height;
    if (!w || !h) return 0;
    const data = canvas.getContext('2d').getImageData(0, 0, w, h).data;
    let hash = 2166136261 >>> 0;
    for (let i = 0; i < data.length; i += 4) {
      const px = (data[i] << 24 | data[i + 1] << 16 | data[i + 2] << 8 | data[i + 3]) >>> 0;
      hash = Math.imul(hash ^ px, 16777619) >>> 0;
    }
    return hash;
  };
  const statusText = () => {
    const el = document.querySelector('.tunelab-status');
    return el ? el.textContent : '';
  };
  window.__repaint = new Promise((resolve) => {
    document.addEventListener('keydown', () => {
      const start = performance.now();
      const times = {repaint: null, status: null};
      const tick = () => {
        const now = performance.now();
        if (times.repaint === null && hashOf() !== before) times.repaint = now - start;
        if (times.status === null && statusText() !== beforeStatus) times.status = now - start;
        if ((times.repaint !== null && times.status !== null) || now - start > timeoutMs)
          return resolve(times);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, {capture: true, once: true});
  });
}
"""


def open_notebook(page: Any, server: LabServer, name: str, timeout_ms: float = 90_000) -> None:
    """Open a notebook and wait until its kernel is connected and idle."""
    page.goto(server.notebook_url(name), wait_until="domcontentloaded", timeout=timeout_ms)
    page.locator(f"{NOTEBOOK_PANEL} .jp-Notebook").first.wait_for(
        state="visible", timeout=timeout_ms
    )
    wait_kernel_idle(page, timeout_ms)


def wait_kernel_idle(page: Any, timeout_ms: float) -> None:
    """Wait until the current notebook's kernel is connected and idle."""
    page.wait_for_function(
        """() => {
          const app = window.jupyterapp;
          const widget = app && app.shell.currentWidget;
          const ctx = widget && widget.sessionContext;
          const kernel = ctx && ctx.session && ctx.session.kernel;
          return kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
        }""",
        timeout=timeout_ms,
    )


def run_all_cells(page: Any) -> None:
    """Run → Run All Cells, through the menu bar as a learner would."""
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


# Per code cell of the current notebook: its execution count and whether it is running,
# read from the notebook model (a collapsed input hides its prompt in the DOM).
CELL_STATES_JS = """
() => {
  const app = window.jupyterapp;
  const widget = app && app.shell.currentWidget;
  const model = widget && widget.content && widget.content.model;
  if (!model) return null;
  const states = [];
  for (let i = 0; i < model.cells.length; i++) {
    const cell = model.cells.get(i);
    if (cell.type !== 'code') continue;
    states.push({index: i, count: cell.executionCount,
                 running: cell.executionState === 'running'});
  }
  return states;
}
"""


def wait_run_finished(page: Any, timeout_ms: float) -> list[int]:
    """Wait until Run All has finished: it started, and no cell is running (``[*]``).

    Returns the indices of code cells left without an execution count: empty when every
    cell ran; otherwise a cell raised and JupyterLab skipped the ones after it.
    Raises Playwright's ``TimeoutError`` if cells are still running after ``timeout_ms``.
    """
    started = time.monotonic()
    page.wait_for_function(  # started: a cell is queued or running, or all have run
        f"""() => {{
          const states = ({CELL_STATES_JS})();
          return !!states && states.some((s) => s.running)
                 || !!states && states.length > 0 && states.every((s) => s.count !== null);
        }}""",
        timeout=min(timeout_ms, 30_000),
        polling=100,
    )
    left = max(timeout_ms - 1000 * (time.monotonic() - started), 1000)
    page.wait_for_function(
        f"""() => {{
          const states = ({CELL_STATES_JS})();
          if (!states || !states.length) return false;
          const prompts = document.querySelectorAll(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-InputArea-prompt');
          if ([...prompts].some((p) => p.textContent.includes('[*]'))) return false;
          return states.every((s) => !s.running);
        }}""",
        timeout=left,
        polling=250,
    )
    return [s["index"] for s in page.evaluate(CELL_STATES_JS) if s["count"] is None]


def cell_prompts(page: Any) -> list[str]:
    """``[n]``, ``[*]`` or ``[ ]`` for each code cell of the current notebook."""
    states = page.evaluate(CELL_STATES_JS) or []
    return [
        "[*]" if s["running"] else f"[{s['count'] if s['count'] is not None else ' '}]"
        for s in states
    ]


def canvas_state(canvas: Any) -> dict:
    """Size, pixel hash and blankness of one canvas (a Playwright locator/handle)."""
    return canvas.evaluate(CANVAS_STATE_JS)


@contextlib.contextmanager
def lab_page(root_dir: Path, *, viewport=(1280, 900)) -> Iterator[tuple[LabServer, Any]]:
    """A server on ``root_dir`` and a fresh Chromium page, both stopped afterwards."""
    from playwright.sync_api import sync_playwright

    with LabServer(root_dir) as server, sync_playwright() as playwright:
        browser = launch_browser(playwright)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            yield server, context.new_page()
        finally:
            browser.close()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the browser bench (`bench.py` beside this file); JSON lines like tunelab.bench."""
    import argparse

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench import SECTIONS, run

    parser = argparse.ArgumentParser(
        description="What a learner sees, timed in JupyterLab in headless Chromium."
    )
    parser.add_argument("--quick", action="store_true", help="fewer moves (a short run)")
    parser.add_argument(
        "--code-root", type=Path, help="measure the tunelab of this checkout instead"
    )
    parser.add_argument(
        "--before", type=Path, help="then measure this checkout too (e.g. a git worktree)"
    )
    parser.add_argument("--sections", help="comma-separated, from: " + ", ".join(SECTIONS))
    parser.add_argument(
        "--read-pause", type=float, default=2.0, help="seconds between playground moves"
    )
    parser.add_argument(
        "--timeout", type=float, default=3000.0, help="stop the whole run after this many s"
    )
    args = parser.parse_args(argv)
    sections = tuple(args.sections.split(",")) if args.sections else SECTIONS
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {', '.join(SECTIONS)}")
    roots = [args.code_root] + ([args.before] if args.before else [])
    for root in roots:
        if root is not None and not (root / "tunelab" / "__init__.py").is_file():
            parser.error(f"{root} holds no tunelab package (tunelab/__init__.py)")
    if find_chromium() is None:
        print(json.dumps({"name": "browser_bench_skipped", "value": "n/a", "reason": INSTALL_HINT}))
        return 0
    try:
        import playwright  # noqa: F401
    except ImportError:
        reason = "The Python package `playwright` is missing: pip install -e '.[dev]'."
        print(json.dumps({"name": "browser_bench_skipped", "value": "n/a", "reason": reason}))
        return 0
    return run(
        roots,
        sections=sections,
        quick=args.quick,
        read_pause_s=args.read_pause,
        timeout_s=args.timeout,
    )


if __name__ == "__main__":
    raise SystemExit(main())
