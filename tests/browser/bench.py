"""The browser bench: what a learner sees, timed in JupyterLab in headless Chromium.

Every figure is read from the pixels of the panel's ipympl canvas, polled once per
animation frame in the page (so times are rounded up to the next frame, about 16 ms):

- ``key_to_repaint_{uncached,cached}_ms``: a key press on the dropout slider of
  ``DropoutPanel(precompute=False)`` to new pixels (a first visit trains, a revisit reads
  the cache);
- ``drag_fps`` and ``drag_last_frame_after_release_ms``: the dropout slider of a
  precomputed ``DropoutPanel()`` dragged with the mouse back and forth for 3 s; the canvas
  changes on screen per second while the button is down, the time from release to the
  last change, and whether that last frame is the picture of the final value;
- ``playground_first_visit_<field>_{median,max}_ms``: in ``Playground()``, every value of
  every dropdown chosen once (from its ``change`` event to new pixels), the others at
  their starting values, after the panel's first picture and with a read pause (2 s)
  after every move so background work (warm-up compiles, precomputing) can run;
- ``playground_60_moves_compilations``: ``tunelab.training.compile_count()`` read in the
  kernel at the playground's first picture and again after a read pause and 60 scripted
  moves over its sliders (arrow keys) and dropdowns (a 1 s pause after each); beside it
  the XLA modules the kernel compiled meanwhile, counted in an XLA dump folder
  (``--xla_dump_to``), which any version of the code gives.

``code_root`` runs the same bench against another checkout (a ``git worktree`` of older
code): its folder goes first on the kernels' ``PYTHONPATH`` and the kernel reports which
``tunelab`` it imported. What the older code lacks is printed as ``"n/a"``.

Example:
    $ python tests/browser/harness.py --quick
    $ python tests/browser/harness.py --before /work/before   # the same rows for both
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness as hb

TARGETS = {
    "key_to_repaint_uncached_ms": "<= 120",
    "key_to_repaint_cached_ms": "<= 70",
    "drag_fps": ">= 10",
    "drag_last_frame_after_release_ms": "<= 200",
    "playground_first_visit_max_ms": "<= 400",
    "playground_60_moves_compilations": "<= 4",
}
FIRST_VISIT_TARGET = "<= 400"

# A FNV-1a hash of every pixel of a canvas, as 32-bit words (fast enough per frame).
HASH_JS = """
const hashOf = (canvas) => {
  const w = canvas.width, h = canvas.height;
  if (!w || !h) return 0;
  const d = new Uint32Array(canvas.getContext('2d').getImageData(0, 0, w, h).data.buffer);
  let hash = 2166136261 >>> 0;
  for (let i = 0; i < d.length; i++) hash = Math.imul(hash ^ d[i], 16777619) >>> 0;
  return hash;
};
"""

# One-shot: from the next `eventName` (keydown on a slider, change on a dropdown) until
# the canvas' pixels change, polled each frame. A move whose status line settled (not
# "busy") 3 s ago without new pixels, or turned to an error, ends without a repaint.
# Resolves `window.__move` to {repaint: ms | null, status: ms | null, error: text | null}.
ARM_MOVE_JS = (
    "([canvas, eventName, timeoutMs]) => {"
    + HASH_JS
    + """
  const before = hashOf(canvas);
  const statusEl = () => document.querySelector('.jp-Notebook .tunelab-status');
  const beforeStatus = statusEl() ? statusEl().textContent : '';
  window.__move = new Promise((resolve) => {
    document.addEventListener(eventName, () => {
      const start = performance.now();
      const out = {repaint: null, status: null, error: null};
      const tick = () => {
        const now = performance.now();
        const el = statusEl();
        if (out.repaint === null && hashOf(canvas) !== before) out.repaint = now - start;
        if (out.status === null && el && el.textContent !== beforeStatus
            && !el.classList.contains('busy')) out.status = now - start;
        if (el && el.classList.contains('error')) out.error = el.textContent;
        if (out.repaint !== null || out.error !== null || now - start > timeoutMs
            || (out.status !== null && now - start - out.status > 3000))
          return resolve(out);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    }, {capture: true, once: true});
  });
}
"""
)

# Continuous: the time of every change of the canvas' pixels and of every pointer
# down/up, on the page's clock, until `window.__watch.stop` is set.
WATCH_JS = (
    "([canvas]) => {"
    + HASH_JS
    + """
  const w = {changes: [], downs: [], ups: [], frames: 0, stop: false, last: hashOf(canvas)};
  window.__watch = w;
  document.addEventListener('pointerdown', () => w.downs.push(performance.now()), true);
  document.addEventListener('pointerup', () => w.ups.push(performance.now()), true);
  const tick = () => {
    if (w.stop) return;
    w.frames++;
    const h = hashOf(canvas);
    if (h !== w.last) { w.last = h; w.changes.push(performance.now()); }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  return performance.now();
}
"""
)

# Runs code in the notebook's kernel (as a cell would, without one) and returns its
# printed output and error, or rejects after `timeoutMs`.
KERNEL_EXEC_JS = """
async ([code, timeoutMs]) => {
  const widget = window.jupyterapp.shell.currentWidget;
  const kernel = widget.sessionContext.session.kernel;
  const future = kernel.requestExecute({code, silent: false, store_history: false});
  let out = '', err = '';
  future.onIOPub = (msg) => {
    const t = msg.header.msg_type;
    if (t === 'stream') out += msg.content.text;
    else if (t === 'error') err += msg.content.ename + ': ' + msg.content.evalue;
  };
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no reply within ' + timeoutMs + ' ms')), timeoutMs);
  });
  try { await Promise.race([future.done, late]); } finally { clearTimeout(timer); }
  return {out, err};
}
"""

# The panel's controls before its figure, in display order: sliders and dropdowns,
# each marked with `data-bench-control` so a locator can find it again.
CONTROLS_JS = """
() => {
  const root = document.querySelector('.jp-Notebook .tunelab-status')
    .closest('.widget-html').closest('.widget-vbox, .widget-box');
  const figure = root.querySelector('.jupyter-matplotlib');
  const before = (el) => !(figure.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  const found = [];
  for (const el of root.querySelectorAll('.widget-slider .noUi-handle, .widget-dropdown select')) {
    if (!before(el)) continue;
    const box = el.closest('.widget-slider, .widget-dropdown');
    const label = (box.querySelector('.widget-label') || {}).textContent || '';
    const i = found.length;
    el.setAttribute('data-bench-control', String(i));
    if (el.tagName === 'SELECT') {
      found.push({index: i, kind: 'dropdown', label, options: [...el.options].map((o) => o.text),
                  position: el.selectedIndex, last: el.options.length - 1});
    } else {
      found.push({index: i, kind: 'slider', label, options: [],
                  position: Number(el.getAttribute('aria-valuenow')),
                  last: Number(el.getAttribute('aria-valuemax'))});
    }
  }
  return found;
}
"""


# The text of every output of the notebook (a traceback shows here).
OUTPUTS_JS = """
() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
  .map((o) => o.textContent).join('\\n')
"""


class BenchTimeout(RuntimeError):
    """The whole bench ran past its time limit."""


@dataclass
class Bench:
    """One browser bench run against one checkout of the code.

    Args:
        code_root: a checkout whose ``tunelab`` the kernels import (None: this one).
        label: the name its rows carry (``code``).
        quick: fewer moves, for a short run while developing.
        read_pause_s: the pause between playground moves, while the learner reads, so
            background work (warm-up compiles, precomputing) can run.
        move_timeout_s: the longest a move may take to show new pixels.
        emit: prints one row (name, value, unit, extra fields).
    """

    code_root: Path | None
    label: str
    emit: Callable[..., None]
    quick: bool = False
    read_pause_s: float = 2.0
    move_timeout_s: float = 30.0

    # ------------------------------------------------------------------ plumbing

    @contextlib.contextmanager
    def notebook(self, playwright: Any, cells: list[str], name: str) -> Iterator[Any]:
        """A server on a folder holding one bench notebook, opened and run in a new page."""
        with tempfile.TemporaryDirectory(prefix="tunelab-bench-") as folder:
            write_notebook(Path(folder) / name, cells)
            paths = [str(self.code_root)] if self.code_root else []
            with hb.LabServer(folder, python_path=paths) as server:
                browser = hb.launch_browser(playwright)
                try:
                    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
                    page.set_default_timeout(60_000)
                    hb.open_notebook(page, server, name)
                    hb.run_all_cells(page)
                    left = hb.wait_run_finished(page, 180_000)
                    if left:
                        raise RuntimeError(
                            f"The bench notebook {name} stopped at code cell {left[0]} "
                            f"(an error).\n{server.log_tail()}"
                        )
                    canvas = page.locator(hb.IPYMPL_CANVAS).first
                    try:
                        canvas.wait_for(state="visible", timeout=120_000)
                    except Exception as exc:
                        raise RuntimeError(
                            f"The bench notebook {name} ran but shows no figure: "
                            f"{type(exc).__name__}. Its outputs read:\n"
                            + page.evaluate(OUTPUTS_JS)[-3000:]
                        ) from None
                    page.wait_for_function(
                        "(c) => c.width > 0 && c.height > 0", arg=canvas.element_handle()
                    )
                    hb.wait_kernel_idle(page, 120_000)
                    page.folder = Path(folder)
                    yield page
                finally:
                    browser.close()

    def kernel(self, page: Any, code: str, timeout_s: float = 60.0) -> str:
        """Run ``code`` in the page's kernel; its printed output (raises on an error)."""
        reply = page.evaluate(KERNEL_EXEC_JS, [code, timeout_s * 1000])
        if reply["err"]:
            raise RuntimeError(f"Kernel code failed: {reply['err']}\n{code}")
        return reply["out"].strip()

    def check_code(self, page: Any) -> None:
        where = self.kernel(page, "import tunelab; print(tunelab.__file__)")
        expected = (self.code_root or hb.REPO_ROOT).resolve()
        if not Path(where).resolve().is_relative_to(expected):
            raise RuntimeError(f"The kernel imported {where}, not the tunelab of {expected}.")
        self.emit("kernel_tunelab", 0, "", path=where)

    def press(self, page: Any, control: Any, key: str) -> dict:
        """Press ``key`` on a focused slider; times to new pixels (None: none in time)."""
        canvas = page.locator(hb.IPYMPL_CANVAS).first
        page.evaluate(ARM_MOVE_JS, [canvas.element_handle(), "keydown", self.move_timeout_s * 1000])
        control.focus()
        page.keyboard.press(key)
        return page.evaluate("() => window.__move")

    def choose(self, page: Any, select: Any, index: int) -> dict:
        """Choose option ``index`` of a dropdown; times from its change event to new pixels.

        A ``<select>`` in headless Chromium does not change on arrow keys (a learner opens
        it and clicks an option), so the option is chosen as Playwright's
        ``select_option`` does, and the clock starts at the page's ``change`` event.
        """
        canvas = page.locator(hb.IPYMPL_CANVAS).first
        page.evaluate(ARM_MOVE_JS, [canvas.element_handle(), "change", self.move_timeout_s * 1000])
        select.select_option(index=index)
        return page.evaluate("() => window.__move")

    def settle(self, page: Any, pause_s: float) -> None:
        hb.wait_kernel_idle(page, self.move_timeout_s * 1000)
        time.sleep(pause_s)

    def row(
        self, name: str, samples: list[float], unit: str = "ms", how=statistics.median, **extra
    ):
        value = round(how(samples), 1) if samples else "n/a"
        target = extra.pop("target", TARGETS.get(name))
        self.emit(name, value, unit, **({"target": target} if target else {}), **extra)

    # ------------------------------------------------------------------ the figures

    def key_to_repaint(self, playwright: Any) -> None:
        """Key presses on the dropout slider of a panel that does not precompute."""
        moves = 10 if self.quick else 20  # 9 positions: 8 first visits, then revisits
        cells = [SETUP, "panel = tl.widgets.DropoutPanel(precompute=False)\npanel"]
        with self.notebook(playwright, cells, "bench_key_to_repaint.ipynb") as page:
            self.check_code(page)
            controls = page.evaluate(CONTROLS_JS)
            handle = page.locator('[data-bench-control="0"]')
            handle.scroll_into_view_if_needed()
            time.sleep(1.0)  # the first picture settles
            position, last = controls[0]["position"], controls[0]["last"]
            visited, direction = {position}, 1 if position < last else -1
            samples: dict[str, list[float]] = {"uncached": [], "cached": []}
            timeouts = 0
            for _ in range(moves):
                if not 0 <= position + direction <= last:
                    direction = -direction
                position += direction
                kind = "cached" if position in visited else "uncached"
                visited.add(position)
                times = self.press(page, handle, "ArrowRight" if direction > 0 else "ArrowLeft")
                if times["repaint"] is None:
                    timeouts += 1
                else:
                    samples[kind].append(times["repaint"])
                self.settle(page, 0.3)
        for kind, values in samples.items():
            self.row(f"key_to_repaint_{kind}_ms", values, moves=len(values))
        self.emit("key_to_repaint_timeouts", timeouts, "count", target="0")

    def drag(self, playwright: Any, seconds: float = 3.0, trips: float = 3.5) -> None:
        """A 3 s mouse drag back and forth over a precomputed slider, then release."""
        cells = [SETUP, "panel = tl.widgets.DropoutPanel()\npanel"]
        with self.notebook(playwright, cells, "bench_drag.ipynb") as page:
            controls = page.evaluate(CONTROLS_JS)
            handle = page.locator('[data-bench-control="0"]')
            handle.scroll_into_view_if_needed()
            self.settle(page, self.read_pause_s)  # the sweep and any warm-up finish
            track = handle.locator("xpath=ancestor::*[contains(@class,'noUi-target')][1]")
            box, hbox = track.bounding_box(), handle.bounding_box()
            y = hbox["y"] + hbox["height"] / 2
            left, right = box["x"] + 1, box["x"] + box["width"] - 1
            start_x = hbox["x"] + hbox["width"] / 2
            canvas = page.locator(hb.IPYMPL_CANVAS).first
            page.evaluate(WATCH_JS, [canvas.element_handle()])
            page.mouse.move(start_x, y)
            page.mouse.down()
            begin = time.monotonic()
            while (t := time.monotonic() - begin) < seconds:
                phase = (t * trips / seconds) % 1.0  # a triangle wave: left → right → left
                frac = 2 * phase if phase < 0.5 else 2 - 2 * phase
                page.mouse.move(left + frac * (right - left), y)
                time.sleep(max(0.0, 1 / 60 - (time.monotonic() - begin - t)))
            page.mouse.move(right, y)  # trips end on a half: the drag ends at the right end
            page.mouse.up()
            # The last frame: wait until the canvas has been still for 2 s (at most 30 s).
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                quiet = page.evaluate(
                    "() => performance.now() - Math.max(window.__watch.ups.at(-1) || 0,"
                    " window.__watch.changes.at(-1) || 0)"
                )
                if quiet > 2000:
                    break
                time.sleep(0.25)
            watch = page.evaluate("() => { window.__watch.stop = true; return window.__watch; }")
            shown = self.kernel(page, "print(panel.widgets['dropout'].index)")
            final_index = int(float(handle.get_attribute("aria-valuenow")))
            # Does the last frame show the final value? Step away and back by key (both
            # cached) and compare the picture of the final value drawn afresh.
            final_picture = hb.canvas_state(canvas)["hash"]
            for key in ("ArrowLeft", "ArrowRight"):
                self.press(page, handle, key)
                self.settle(page, 1.0)
            redrawn = hb.canvas_state(canvas)["hash"]
        down, up = watch["downs"][0], watch["ups"][-1]
        during = [c for c in watch["changes"] if down <= c <= up]
        after = [c for c in watch["changes"] if c > up]
        positions = int(2 * trips) * controls[0]["last"]
        self.row("drag_fps", [1000 * len(during) / (up - down)], "frames/s", seconds=seconds,
                 positions_crossed=positions)  # fmt: skip
        self.row("drag_last_frame_after_release_ms", [after[-1] - up if after else 0.0],
                 frames_after_release=len(after))  # fmt: skip
        self.emit(
            "drag_last_frame_shows_final_value", final_picture == redrawn, "bool",
            slider=final_index, kernel=int(shown), target="true",
        )  # fmt: skip

    def playground_first_visits(self, playwright: Any) -> None:
        """Every value of every playground dropdown, visited once, the others at start."""
        cells = [SETUP, "pg = tl.widgets.Playground()\npg"]
        per_dropdown = 2 if self.quick else None
        with self.notebook(playwright, cells, "bench_playground.ipynb") as page:
            self.settle(page, self.read_pause_s)
            controls = [c for c in page.evaluate(CONTROLS_JS) if c["kind"] == "dropdown"]
            all_times: list[float] = []
            timeouts = 0
            for control in controls:
                select = page.locator(f'[data-bench-control="{control["index"]}"]')
                select.scroll_into_view_if_needed()
                start = control["position"]
                order = [i for i in range(len(control["options"])) if i != start]
                times, errors, by_value = [], [], {}
                for index in order[:per_dropdown]:
                    got = self.choose(page, select, index)
                    option = control["options"][index]
                    if got["error"]:
                        errors.append(f"{option}: {got['error'][:160]}")
                        by_value[option] = "error"
                    elif got["repaint"] is None:
                        timeouts += 1
                        by_value[option] = "no new pixels"
                    else:
                        times.append(got["repaint"])
                        by_value[option] = round(got["repaint"])
                    self.settle(page, self.read_pause_s)
                    # Back to the starting value (cached), so each value is visited from it.
                    select.select_option(index=start)
                    self.settle(page, self.read_pause_s)
                field = slug(control["label"])
                all_times += times
                extra = {"label": control["label"], "values": len(times), "ms": by_value}
                if errors:
                    extra["errors"] = errors
                for how, name in ((statistics.median, "median"), (max, "max")):
                    self.row(f"playground_first_visit_{field}_{name}_ms", times, how=how,
                             target=FIRST_VISIT_TARGET, **extra)  # fmt: skip
        self.row("playground_first_visit_median_ms", all_times, target=FIRST_VISIT_TARGET,
                 read_pause_s=self.read_pause_s)  # fmt: skip
        self.row("playground_first_visit_max_ms", all_times, how=max,
                 read_pause_s=self.read_pause_s, values=len(all_times))  # fmt: skip
        self.emit("playground_first_visit_timeouts", timeouts, "count", target="0")

    def playground_compilations(self, playwright: Any, seed: int = 13) -> None:
        """Compilations in a scripted session of moves, counted from the first picture."""
        moves = 20 if self.quick else 60
        pause = 1.0
        dump = Path(tempfile.mkdtemp(prefix="tunelab-xla-"))
        setup = f"import os\nos.environ['XLA_FLAGS'] = '--xla_dump_to={dump}'\n" + SETUP
        count_code = (
            "import tunelab.training as _t\n"
            "print(_t.compile_count() if hasattr(_t, 'compile_count') else 'n/a')"
        )
        try:
            with self.notebook(playwright, [setup, "pg = tl.widgets.Playground()\npg"],
                               "bench_compilations.ipynb") as page:  # fmt: skip
                first = self.kernel(page, count_code), xla_modules(dump)
                self.settle(page, self.read_pause_s)
                read = self.kernel(page, count_code), xla_modules(dump)
                controls = page.evaluate(CONTROLS_JS)
                rng = random.Random(seed)
                positions = {c["index"]: c["position"] for c in controls}
                times: list[float] = []
                timeouts = 0
                log = []  # per move: control, new position, ms to new pixels, XLA modules
                for _ in range(moves):
                    control = rng.choice(controls)
                    step = rng.choice((-1, 1))
                    position = positions[control["index"]]
                    if not 0 <= position + step <= control["last"]:
                        step = -step
                    positions[control["index"]] = position + step
                    element = page.locator(f'[data-bench-control="{control["index"]}"]')
                    element.scroll_into_view_if_needed()
                    if control["kind"] == "dropdown":
                        got = self.choose(page, element, position + step)
                    else:
                        got = self.press(page, element, "ArrowRight" if step > 0 else "ArrowLeft")
                    if got["repaint"] is not None:
                        times.append(got["repaint"])
                    elif got["error"] is None:
                        timeouts += 1
                    self.settle(page, pause)
                    ms = None if got["repaint"] is None else round(got["repaint"])
                    log.append([slug(control["label"]), position + step, ms, xla_modules(dump)])
                # Let background compiles that the moves started finish (at most 60 s).
                deadline, seen = time.monotonic() + 60, -1
                while time.monotonic() < deadline and xla_modules(dump) != seen:
                    seen = xla_modules(dump)
                    time.sleep(3)
                end = self.kernel(page, count_code), xla_modules(dump)
        finally:
            shutil.rmtree(dump, ignore_errors=True)

        def added(since: tuple, until: tuple, i: int) -> int | str:
            return "n/a" if since[i] == "n/a" else int(until[i]) - int(since[i])

        common = {"moves": moves, "seed": seed, "pause_s": pause, "read_pause_s": self.read_pause_s}
        self.emit(
            f"playground_{moves}_moves_compilations", added(first, end, 0), "count",
            target=TARGETS["playground_60_moves_compilations"], how="compile_count()",
            during_first_read_pause=added(first, read, 0), **common,
        )  # fmt: skip
        self.emit(
            f"playground_{moves}_moves_xla_modules", added(first, end, 1), "count",
            how="XLA modules dumped by --xla_dump_to",
            during_first_read_pause=added(first, read, 1), **common,
        )  # fmt: skip
        self.row("playground_session_key_to_repaint_median_ms", times, moves=len(times))
        self.row("playground_session_key_to_repaint_max_ms", times, how=max)
        self.emit("playground_session_no_repaint", timeouts, "count", log=log)


SETUP = "%matplotlib widget\nimport tunelab as tl"
SECTIONS = ("key_to_repaint", "drag", "playground_first_visits", "playground_compilations")


def slug(label: str) -> str:
    """``"Input features"`` → ``"input_features"``."""
    out = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in label.lower())
    return "_".join(filter(None, out.split("_")))


def xla_modules(folder: Path) -> int:
    """How many XLA modules a ``--xla_dump_to`` folder holds (one per compilation)."""
    try:
        return len({p.name.split(".")[0] for p in folder.glob("module_*.before_optimizations*")})
    except OSError:
        return 0


def write_notebook(path: Path, cells: list[str]) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{i}",
                "metadata": {},
                "outputs": [],
                "source": text,
            }
            for i, text in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))


def describe_code(root: Path | None) -> str:
    """``main@2ef7cc0`` for this checkout, ``before@11c045c`` style for another one."""
    where = root or hb.REPO_ROOT
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "log", "-1", "--format=%h"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        commit = "?"
    dirty = ""
    if root is None:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            status = subprocess.run(
                ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
                capture_output=True, text=True, timeout=10, check=True,
            ).stdout  # fmt: skip
            dirty = "+changes" if status.strip() else ""
    return f"{'current' if root is None else Path(root).name}@{commit}{dirty}"


def printer(code: str) -> Callable[..., None]:
    def emit(name: str, value: Any, unit: str, **extra: Any) -> None:
        if isinstance(value, float):
            value = round(value, 3)
        row = {"name": name, "value": value, "unit": unit, **extra, "code": code}
        print(json.dumps(row, ensure_ascii=False), flush=True)

    return emit


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise `BenchTimeout` in the main thread after ``seconds`` (Unix; else no limit)."""
    if not hasattr(signal, "SIGALRM") or seconds <= 0:
        yield
        return

    def expired(signum, frame):
        raise BenchTimeout(f"The browser bench ran past its limit of {seconds:.0f} s.")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run(
    roots: list[Path | None],
    *,
    sections: tuple[str, ...] = SECTIONS,
    quick: bool = False,
    read_pause_s: float = 2.0,
    timeout_s: float = 3000.0,
) -> int:
    """Run ``sections`` for each checkout in ``roots`` (None: this one); rows on stdout.

    Returns 1 if a section failed or the time ran out (its row says why), else 0.
    """
    from playwright.sync_api import sync_playwright

    failed = 0
    with time_limit(timeout_s), sync_playwright() as playwright:
        for root in roots:
            emit = printer(describe_code(root))
            load = os.getloadavg()
            emit("machine_load", round(load[0], 2), "load-1min", load_5min=round(load[1], 2),
                 cores=os.cpu_count())  # fmt: skip
            bench = Bench(root, describe_code(root), emit, quick=quick, read_pause_s=read_pause_s)
            for section in sections:
                started = time.monotonic()
                try:
                    getattr(bench, section)(playwright)
                except BenchTimeout as exc:
                    emit(f"{section}_failed", "n/a", "", error=str(exc))
                    return 1
                except Exception as exc:  # one failed section does not stop the others
                    failed = 1
                    last = traceback.format_exception_only(exc)[-1].strip()
                    emit(f"{section}_failed", "n/a", "", error=f"{last[:2000]}")
                emit(f"{section}_seconds", round(time.monotonic() - started, 1), "s")
    return failed
