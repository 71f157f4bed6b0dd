"""`python -m tunelab.bench --classroom`: how many students one machine holds.

N real Jupyter kernels (N = 1, 2, 4, 8 by default) stand for N students on one JupyterHub
server. All N run a lesson notebook top to bottom at once (a class pressing "Run all"),
then each gets a scripted stream of moves on a dropout panel at a student's pace: a move
every 1–2 s, some of them drags (a few neighbouring positions 60 ms apart). Moves travel
the way JupyterLab sends them, as widget-state updates over the kernel's comm channel, and
this script plays the ipympl front end: it answers each redraw request and waits for the
image. Nothing here reaches into tunelab; the kernels only run the lesson and
``tl.widgets.DropoutPanel()``, and the slider is found by its label.

One JSON line per N: lesson wall time and CPU seconds per kernel, RSS per kernel after the
lesson and after the moves, move latency p50/p95 (last slider update sent → last image
frame received; the panel's first move, which trains every position at once, apart) and
CPU milliseconds per move (all moves, first included).

Example:
    $ python -m tunelab.bench --classroom                      # N = 1, 2, 4, 8
    $ python -m tunelab.bench --classroom --students 1,2 --moves 10
"""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

LESSON = "06_dropout.ipynb"
PANEL_CODE = "classroom_panel = tl.widgets.DropoutPanel()\nclassroom_panel"
SLIDER_LABEL = "Dropout rate p"
DRAG_STEP_S = 0.06
QUIET_S = 0.3
CELL_TIMEOUT_S = 600
MOVE_TIMEOUT_S = 120


def _proc_fields(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    fields = _proc_fields(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class Student:
    """One kernel and the front end this script plays for it."""

    name: str
    cwd: Path
    km: object = None
    kc: object = None
    pid: int = 0
    slider: str = ""
    positions: int = 0
    canvas: str = ""
    figures: dict = field(default_factory=dict)

    def start(self) -> None:
        from jupyter_client import KernelManager

        self.km = KernelManager(kernel_name="python3")
        self.km.start_kernel(cwd=str(self.cwd))
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=120)
        self.pid = int(self.run("import os; print(os.getpid())")[0].strip())

    def stop(self) -> None:
        if self.kc is not None:
            self.kc.stop_channels()
        if self.km is not None:
            self.km.shutdown_kernel(now=True)

    def run(self, code: str) -> tuple[str, list[dict]]:
        """Execute code; returns its stdout and every iopub message it caused."""
        msg_id = self.kc.execute(code, allow_stdin=False)
        stdout, messages = [], []
        deadline = time.monotonic() + CELL_TIMEOUT_S
        while time.monotonic() < deadline:
            msg = self.kc.get_iopub_msg(timeout=CELL_TIMEOUT_S)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            messages.append(msg)
            kind, content = msg["msg_type"], msg["content"]
            if kind == "error":
                raise RuntimeError(f"{self.name}: {content['ename']}: {content['evalue']}")
            if kind == "stream" and content["name"] == "stdout":
                stdout.append(content["text"])
            if kind == "status" and content["execution_state"] == "idle":
                return "".join(stdout), messages
        raise TimeoutError(f"{self.name}: a cell ran longer than {CELL_TIMEOUT_S} s")

    def run_notebook(self, path: Path) -> None:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                self.run("".join(cell["source"]))

    def open_panel(self) -> None:
        """Show the panel and find its slider and canvas, as a front end would."""
        _, messages = self.run(PANEL_CODE)
        for msg in messages:
            if msg["msg_type"] != "comm_open":
                continue
            state = msg["content"]["data"].get("state", {})
            if state.get("description") == SLIDER_LABEL and "_options_labels" in state:
                self.slider, self.positions = (
                    msg["content"]["comm_id"],
                    len(state["_options_labels"]),
                )
            if state.get("_model_name") == "MPLCanvasModel":
                self.canvas = msg["content"]["comm_id"]
        if not (self.slider and self.canvas):
            raise RuntimeError(f"no {SLIDER_LABEL!r} slider or figure in: {PANEL_CODE!r}")
        # What ipympl's front end says once the canvas is on the page.
        self._send(self.canvas, {"method": "custom", "content": {"type": "initialized"}})
        self.wait_for_frame(time.perf_counter())

    def _send(self, comm_id: str, data: dict) -> None:
        msg = self.kc.session.msg("comm_msg", {"comm_id": comm_id, "data": data})
        self.kc.shell_channel.send(msg)

    def move(self, index: int) -> None:
        self._send(self.slider, {"method": "update", "state": {"index": index}, "buffer_paths": []})

    def wait_for_frame(self, since: float) -> float | None:
        """Answer redraw requests until the canvas is quiet; ms from ``since`` to the
        last image frame (None if no frame came)."""
        last_frame, last_seen = None, time.perf_counter()
        deadline = time.monotonic() + MOVE_TIMEOUT_S
        while time.monotonic() < deadline:
            try:
                msg = self.kc.get_iopub_msg(timeout=0.05)
            except queue.Empty:
                if last_frame is not None and time.perf_counter() - last_seen > QUIET_S:
                    return 1000 * (last_frame - since)
                continue
            content = msg["content"]
            if msg["msg_type"] != "comm_msg" or content.get("comm_id") != self.canvas:
                continue
            last_seen = time.perf_counter()
            payload = content["data"].get("content", {}).get("data")
            kind = json.loads(payload).get("type") if payload else None
            if kind == "draw":  # draw_idle: the front end asks for the new image
                self._send(self.canvas, {"method": "custom", "content": {"type": "draw"}})
            elif kind == "binary":
                last_frame = last_seen
        raise TimeoutError(f"{self.name}: no image within {MOVE_TIMEOUT_S} s of a move")


def schedule(seed: int, moves: int, positions: int) -> list[tuple[float, list[int]]]:
    """(seconds from start, slider positions) per gesture: clicks and short drags."""
    rng = random.Random(seed)
    at, index, gestures = rng.uniform(0, 1), 0, []
    for _ in range(moves):
        path = []
        if rng.random() < 0.3:  # a drag: 3–4 neighbouring positions in a row
            step = 1 if index < positions // 2 else -1
            path = [index + step * k for k in range(1, rng.randint(3, 4) + 1)]
            path = [p for p in path if 0 <= p < positions]
        if len(path) < 2:
            path = [rng.choice([p for p in range(positions) if p != index])]
        index = path[-1]
        gestures.append((at, path))
        at += rng.uniform(1.0, 2.0)
    return gestures


def stream(student: Student, gestures: list[tuple[float, list[int]]], start: float) -> list:
    """Play the gestures on time; returns (kind, latency ms) per gesture."""
    latencies = []
    for i, (at, path) in enumerate(gestures):
        time.sleep(max(0.0, start + at - time.perf_counter()))
        for k, index in enumerate(path):
            if k:
                time.sleep(DRAG_STEP_S)
            student.move(index)
            sent = time.perf_counter()
        # The panel's first move trains every slider position at once (one sweep).
        kind = "first" if i == 0 else ("drag" if len(path) > 1 else "click")
        latencies.append((kind, student.wait_for_frame(sent)))
    return latencies


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_class(n: int, notebooks: Path, lesson: str, moves: int, emit) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"tunelab-class{n}-"))
    students = []
    try:
        for i in range(n):
            home = workdir / f"student{i}"
            shutil.copytree(notebooks, home)
            students.append(Student(f"student{i}", home))
        load = os.getloadavg()[0]
        with ThreadPoolExecutor(n) as pool:
            list(pool.map(Student.start, students))
            cpu0 = [cpu_seconds(s.pid) for s in students]
            t0 = time.perf_counter()

            def lesson_run(s: Student) -> float:
                s.run_notebook(s.cwd / lesson)
                return time.perf_counter() - t0

            lesson_s = list(pool.map(lesson_run, students))
            lesson_cpu = [cpu_seconds(s.pid) - c for s, c in zip(students, cpu0, strict=True)]
            rss_lesson = [rss_mb(s.pid) for s in students]
            list(pool.map(Student.open_panel, students))
            cpu1 = [cpu_seconds(s.pid) for s in students]
            start = time.perf_counter() + 0.5
            plans = [schedule(i, moves, s.positions) for i, s in enumerate(students)]
            per_student = list(pool.map(stream, students, plans, [start] * n))
            move_cpu = [cpu_seconds(s.pid) - c for s, c in zip(students, cpu1, strict=True)]
            rss_moves = [rss_mb(s.pid) for s in students]
        moves_ms = [(kind, ms) for run in per_student for kind, ms in run]
        latencies = [ms for kind, ms in moves_ms if kind != "first"]
        first = [ms for kind, ms in moves_ms if kind == "first"]
        drags = [ms for kind, ms in moves_ms if kind == "drag"]
        row = {
            "students": n,
            "cores": os.cpu_count(),
            "load_before": round(load, 2),
            "lesson": lesson,
            "lesson_wall_s_max": round(max(lesson_s), 1),
            "lesson_cpu_s_mean": round(statistics.mean(lesson_cpu), 1),
            "rss_after_lesson_mb_mean": round(statistics.mean(rss_lesson)),
            "rss_after_lesson_mb_max": round(max(rss_lesson)),
            "rss_after_moves_mb_max": round(max(rss_moves)),
            "moves": len(moves_ms),
            "first_move_ms_max": round(max(first), 1),
            "move_p50_ms": round(_percentile(latencies, 0.5), 1),
            "move_p95_ms": round(_percentile(latencies, 0.95), 1),
            "drag_p95_ms": round(_percentile(drags, 0.95), 1) if drags else None,
            "move_max_ms": round(max(latencies), 1),
            "cpu_ms_per_move": round(1000 * sum(move_cpu) / len(moves_ms), 1),
        }
        emit("classroom", row["move_p95_ms"], "ms", **row)
        return row
    finally:
        for s in students:
            try:
                s.stop()
            except Exception:  # a kernel that already died needs no shutdown
                pass
        shutil.rmtree(workdir, ignore_errors=True)


def bench_classroom(sizes: list[int], notebooks: Path, lesson: str, moves: int, emit) -> list:
    if not (notebooks / lesson).is_file():
        raise FileNotFoundError(f"{notebooks / lesson} not found: run from the repository root")
    lock = threading.Lock()

    def locked_emit(*args, **kwargs):
        with lock:
            return emit(*args, **kwargs)

    return [bench_class(n, notebooks, lesson, moves, locked_emit) for n in sizes]
