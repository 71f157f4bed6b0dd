"""A real JupyterHub on 127.0.0.1: three students log in, and each runs a lesson.

`make hub` runs this (CI too, through .ci/run). The Hub is JupyterHub itself with
configurable-http-proxy in front (from npm), the dummy authenticator and local-process
spawners (jupyterhub_config.py beside this file). Each student logs in through the login
form, starts a server, opens JupyterLab through the proxy, opens the lesson as JupyterLab
does (a session on the notebook's path) and runs its code cells over the kernel's
websocket. Every cell must run (the lesson's check cells are assertions), cells marked
`# NBVAL_CHECK_OUTPUT` must print what the committed notebook shows, and the three kernels
must be three processes that share nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
import websocket

ROOT = Path(__file__).resolve().parents[2]
CONFIG = Path(__file__).with_name("jupyterhub_config.py")
ARTIFACTS_DIR = ROOT / "test-artifacts" / "hub"
LOCAL_PROXY = ROOT / ".venv" / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
STUDENTS = ("ada", "grace", "alan")
PASSWORD = "class-of-thirty"
# The install check and the datasets, then a lesson that trains: panels, sweeps, checks.
LESSONS = ("tunelab/notebooks/00_start_here.ipynb", "tunelab/notebooks/06_dropout.ipynb")
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
CELL_TIMEOUT = 300


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proxy_command() -> str:
    found = LOCAL_PROXY if LOCAL_PROXY.exists() else shutil.which("configurable-http-proxy")
    if found is None:
        reason = "configurable-http-proxy is missing: `make hub` installs it from npm"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so the hub test may not be skipped)")
        pytest.skip(reason)
    return str(found)


@dataclass
class Hub:
    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


@pytest.fixture(scope="module")
def lessons(tmp_path_factory) -> Path:
    """The lessons as handed out: the committed notebooks, copied."""
    copy = tmp_path_factory.mktemp("handout") / "notebooks"
    shutil.copytree(ROOT / "notebooks", copy, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return copy


@pytest.fixture(scope="module")
def hub(tmp_path_factory, lessons) -> Hub:
    state = tmp_path_factory.mktemp("hub")
    port = _free_port()
    env = {
        **os.environ,
        "TUNELAB_HUB_DIR": str(state),
        "TUNELAB_HUB_PORT": str(port),
        "TUNELAB_HUB_API_PORT": str(_free_port()),
        "TUNELAB_HUB_PROXY_API_PORT": str(_free_port()),
        "TUNELAB_HUB_PROXY": _proxy_command(),
        "TUNELAB_HUB_PASSWORD": PASSWORD,
        "TUNELAB_HUB_STUDENTS": " ".join(STUDENTS),
        "TUNELAB_HUB_LESSONS": str(lessons),
    }
    log = state / "jupyterhub.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(CONFIG)],
            cwd=state,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    hub = Hub(f"http://127.0.0.1:{port}", process, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"JupyterHub exited ({process.returncode}):\n{hub.log_tail()}")
            try:
                if requests.get(f"{hub.url}/hub/api/", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"JupyterHub did not answer within 90 s:\n{hub.log_tail()}")
            time.sleep(0.5)
        yield hub
    finally:
        # SIGTERM: JupyterHub stops the students' servers and its proxy, then exits.
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        # The Hub's log (logins, spawns, proxy routes) for CI to keep as an artifact.
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        shutil.copy(log, ARTIFACTS_DIR / "jupyterhub.log")


def _cookie(session: requests.Session, name: str, path: str) -> str:
    for cookie in session.cookies:
        if cookie.name == name and cookie.path.rstrip("/") == path.rstrip("/"):
            return cookie.value
    raise AssertionError(f"no {name} cookie for {path}: {list(session.cookies)}")


@dataclass
class Student:
    """One student's browser, reduced to its HTTP requests and one kernel websocket."""

    hub: Hub
    name: str
    http: requests.Session = field(default_factory=requests.Session)
    session_id: str = ""
    channel: websocket.WebSocket | None = None

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def log_in(self) -> None:
        form = self.http.get(f"{self.hub.url}/hub/login", timeout=30)
        form.raise_for_status()
        answer = self.http.post(
            f"{self.hub.url}/hub/login",
            data={
                "username": self.name,
                "password": PASSWORD,
                "_xsrf": _cookie(self.http, "_xsrf", "/hub/"),
            },
            allow_redirects=False,
            timeout=30,
        )
        assert answer.status_code == 302, f"login of {self.name}: {answer.status_code}"
        me = self.http.get(f"{self.hub.url}/hub/api/user", timeout=30)
        assert me.ok and me.json()["name"] == self.name, me.text

    def start_server(self) -> None:
        xsrf = _cookie(self.http, "_xsrf", "/hub/")
        started = self.http.post(
            f"{self.hub.url}/hub/api/users/{self.name}/server",
            headers={"X-XSRFToken": xsrf},
            timeout=30,
        )
        assert started.status_code in (201, 202), started.text
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            me = self.http.get(f"{self.hub.url}/hub/api/user", timeout=30).json()
            if me["servers"].get("", {}).get("ready"):
                return
            time.sleep(1)
        raise AssertionError(f"{self.name}'s server did not start:\n{self.hub.log_tail()}")

    def open_lesson(self, path: str) -> dict:
        """Open JupyterLab through the proxy (the Hub's OAuth hands over the login), then
        the lesson: its file from the student's server and a kernel session on its path."""
        lab = self.http.get(f"{self.server}/lab/tree/{path}", timeout=60)
        assert lab.ok and "JupyterLab" in lab.text, f"{lab.status_code} {lab.url}"
        headers = {"X-XSRFToken": _cookie(self.http, "_xsrf", f"/user/{self.name}/")}
        content = self.http.get(f"{self.server}/api/contents/{path}", timeout=60)
        assert content.ok, content.text
        session = self.http.post(
            f"{self.server}/api/sessions",
            json={
                "path": path,
                "name": Path(path).name,
                "type": "notebook",
                "kernel": {"name": "python3"},
            },
            headers=headers,
            timeout=120,
        )
        assert session.status_code == 201, session.text
        self.close()
        self.session_id, kernel_id = session.json()["id"], session.json()["kernel"]["id"]
        # The cookies a browser sends to this path: not the Hub's own (path /hub/).
        mine = f"/user/{self.name}/"
        cookies = "; ".join(
            f"{c.name}={c.value}" for c in self.http.cookies if mine.startswith(c.path)
        )
        self.channel = websocket.create_connection(
            f"ws://{self.server.removeprefix('http://')}/api/kernels/{kernel_id}/channels"
            f"?session_id={uuid.uuid4().hex}&_xsrf={headers['X-XSRFToken']}",
            cookie=cookies,
            origin=self.hub.url,
            timeout=CELL_TIMEOUT,
        )
        return content.json()["content"]

    def execute(self, code: str) -> tuple[str, list[dict]]:
        """Run code in the kernel; returns (stdout text, error and result messages)."""
        msg_id = uuid.uuid4().hex
        self.channel.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "username": self.name,
                        "session": uuid.uuid4().hex,
                        "version": "5.3",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                    "channel": "shell",
                    "buffers": [],
                }
            )
        )
        stdout, messages = [], []
        deadline = time.monotonic() + CELL_TIMEOUT
        while time.monotonic() < deadline:
            frame = self.channel.recv()
            if isinstance(frame, bytes):  # widget and figure messages with binary buffers
                continue
            msg = json.loads(frame)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream" and msg["content"]["name"] == "stdout":
                stdout.append(msg["content"]["text"])
            elif kind in ("error", "execute_result"):
                messages.append(msg)
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                return "".join(stdout), messages
        raise AssertionError(f"{self.name}: a cell ran longer than {CELL_TIMEOUT} s:\n{code}")

    def run_lesson(self, path: str) -> list[str]:
        """Every code cell in order; returns what went wrong (empty when the lesson passes)."""
        problems = []
        for cell in self.open_lesson(path)["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            stdout, messages = self.execute(source)
            errors = [m["content"] for m in messages if m["msg_type"] == "error"]
            if errors:
                error = errors[0]
                problems.append(f"{source[:80]!r} raised {error['ename']}: {error['evalue']}")
                break
            if CHECK_MARK in source:
                stored = "".join(
                    "".join(o["text"]) if isinstance(o["text"], list) else o["text"]
                    for o in cell["outputs"]
                    if o["output_type"] == "stream" and o["name"] == "stdout"
                )
                if stdout != stored:
                    problems.append(f"{source[:80]!r} printed {stdout!r}, expected {stored!r}")
        return problems

    def close(self) -> None:
        """Close the open lesson: its websocket and, as closing the tab does, its kernel."""
        if self.channel is not None:
            self.channel.close()
            headers = {"X-XSRFToken": _cookie(self.http, "_xsrf", f"/user/{self.name}/")}
            self.http.delete(
                f"{self.server}/api/sessions/{self.session_id}", headers=headers, timeout=60
            )
            self.channel = None


def _class_runs_the_lessons(hub: Hub) -> tuple[list[Student], dict[str, list[str]]]:
    students = [Student(hub, name) for name in STUDENTS]

    def attend(student: Student) -> list[str]:
        student.log_in()
        student.start_server()
        return [problem for path in LESSONS for problem in student.run_lesson(path)]

    with ThreadPoolExecutor(len(students)) as pool:
        problems = dict(zip(STUDENTS, pool.map(attend, students), strict=True))
    return students, problems


def test_three_students_run_the_lessons_each_in_a_kernel_of_their_own(hub):
    students, problems = _class_runs_the_lessons(hub)
    try:
        assert problems == {name: [] for name in STUDENTS}, problems
        probe = "import os; print(os.getpid(), os.environ['JUPYTERHUB_USER'], os.getcwd())"
        for student in students:
            student.execute(f"mine = {student.name!r}")
        seen = {}
        for student in students:
            stdout, _ = student.execute(probe + "; print(mine)")
            pid, user, cwd, mine = stdout.split()
            seen[student.name] = (pid, user, Path(cwd).name, mine)
        assert {name: v[1:] for name, v in seen.items()} == {
            name: (name, "notebooks", name) for name in STUDENTS
        }, "each kernel runs for its student, in that student's copy, with its own variables"
        assert len({v[0] for v in seen.values()}) == len(STUDENTS), "three kernel processes"
        homes = {s.name: s.execute("print(os.path.realpath(os.getcwd()))")[0] for s in students}
        assert len(set(homes.values())) == len(STUDENTS), homes
    finally:
        for student in students:
            student.close()
