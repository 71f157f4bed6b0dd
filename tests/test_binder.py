"""Binder: what repo2docker will build from binder/, read from its own build plan.

`jupyter-repo2docker --no-build --debug` prints the Dockerfile it would build, without
Docker. The plan must install the package itself after the repository is copied into the
image (repo2docker's conda route famously installed `pip: -e .` before the files were
there, jupyterhub/repo2docker#1265), in the same environment as the notebook server (so
the widget and ipympl extensions reach JupyterLab), with a Python pyproject.toml accepts.
The README's badge must open the first lesson.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parent.parent
REPO2DOCKER = Path(sys.executable).with_name("jupyter-repo2docker")


def build_plan(repo: Path) -> str:
    if not REPO2DOCKER.exists():
        pytest.fail("jupyter-repo2docker is missing: pip install -e '.[dev]'")
    run = subprocess.run(
        [str(REPO2DOCKER), "--no-build", "--debug", str(repo)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout + run.stderr


def package_installed_after_copy(plan: str) -> bool:
    """Does a RUN install the repository (binder/requirements.txt) after the full COPY?"""
    lines = plan.splitlines()
    copy = [i for i, line in enumerate(lines) if re.match(r"COPY .*\bsrc/ \$\{REPO_DIR\}/", line)]
    install = [
        i for i, line in enumerate(lines) if "pip install" in line and "requirements.txt" in line
    ]
    return bool(copy and install) and min(install) > copy[0]


@pytest.fixture(scope="module")
def plan() -> str:
    return build_plan(ROOT)


def test_binder_installs_the_package_itself_after_copying_the_repository(plan):
    assert package_installed_after_copy(plan), plan
    lines = [
        line.split("#", 1)[0].strip()
        for line in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    ]
    assert "." in lines, "binder/requirements.txt must install the repository itself"


def test_binder_runs_lessons_in_the_servers_own_environment(plan):
    assert "ENV KERNEL_PYTHON_PREFIX=${NB_PYTHON_PREFIX}" in plan
    python = re.search(r"Building conda environment for python=(\d+\.\d+)", plan).group(1)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert python in SpecifierSet(requires), f"Binder's Python {python} vs {requires}"


def test_the_plan_check_catches_a_package_installed_before_its_files(tmp_path):
    # The same repository with the dependencies listed by name and no local reference:
    # repo2docker installs them before copying the repository, and tunelab is never installed.
    repo = tmp_path / "repo"
    shutil.copytree(
        ROOT, repo, ignore=shutil.ignore_patterns(".venv", ".git", "student", "test-artifacts")
    )
    (repo / "binder" / "requirements.txt").write_text("tensorflow-cpu\njupyterlab\n")
    assert not package_installed_after_copy(build_plan(repo))


def test_the_readme_badge_opens_the_first_lesson_in_jupyterlab():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\]\((https://mybinder\.org/v2/gh/[^)\s]+)\)", readme)
    assert badge, "README.md has no Binder badge"
    urlpath = parse_qs(urlsplit(badge.group(1)).query)["urlpath"][0]
    assert urlpath.startswith("lab/tree/"), urlpath
    assert (ROOT / urlpath.removeprefix("lab/tree/")).is_file(), urlpath
