"""The project's own promises: dependency lists in step, clean notebooks, one package."""

from __future__ import annotations

import json
import platform
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_packages(path: Path = ROOT / "pyproject.toml") -> set[str]:
    project = tomllib.loads(path.read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project.get("optional-dependencies", {}).values():
        names |= {_name(r) for r in extra}
    return names


def environment_packages(path: Path = ROOT / "environment.yml") -> set[str]:
    """Package names under `dependencies:` (python, pip and the `pip:` block left out)."""
    names, in_deps = set(), False
    for line in path.read_text().splitlines():
        stripped = line.split("#", 1)[0].rstrip()
        if not stripped:
            continue
        if not line.startswith(" "):
            in_deps = stripped.startswith("dependencies:")
            continue
        item = stripped.strip()
        if in_deps and item.startswith("- ") and line.startswith("  - "):
            name = _name(item[2:])
            if name not in {"python", "pip", "pip:"}:
                names.add(name)
    return names


# PyPI names whose conda-forge package is named otherwise. conda-forge's `tensorflow` is
# the CPU build wherever no CUDA driver is present, so it stands for `tensorflow-cpu` too.
CONDA_NAMES = {"tensorflow-cpu": "tensorflow"}


def environment_mismatch(pyproject: Path, environment: Path) -> set[str]:
    conda_names = {CONDA_NAMES.get(name, name) for name in pyproject_packages(pyproject)}
    return conda_names ^ environment_packages(environment)


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert environment_mismatch(ROOT / "pyproject.toml", ROOT / "environment.yml") == set()
    assert "tensorflow" in environment_packages()


def test_the_environment_check_catches_a_missing_package(tmp_path):
    changed = tmp_path / "environment.yml"
    text = (ROOT / "environment.yml").read_text()
    changed.write_text(text.replace("  - ipympl>=0.9.4\n", ""))
    assert environment_mismatch(ROOT / "pyproject.toml", changed) == {"ipympl"}


PLATFORMS = {
    "linux-x86_64": {"sys_platform": "linux", "platform_machine": "x86_64"},
    "linux-aarch64": {"sys_platform": "linux", "platform_machine": "aarch64"},
    "macos-arm64": {"sys_platform": "darwin", "platform_machine": "arm64"},
    "windows-amd64": {"sys_platform": "win32", "platform_machine": "AMD64"},
}


@pytest.mark.parametrize("target", PLATFORMS)
def test_each_platform_gets_one_tensorflow_and_linux_x86_64_the_cpu_build(target):
    from packaging.requirements import Requirement

    environment = PLATFORMS[target]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    chosen = [
        req.name
        for req in map(Requirement, project["dependencies"])
        if req.name.startswith("tensorflow")
        and (req.marker is None or req.marker.evaluate(environment))
    ]
    expected = "tensorflow-cpu" if target == "linux-x86_64" else "tensorflow"
    assert chosen == [expected]


def test_this_environment_holds_one_tensorflow_build():
    # Both builds unpack into the same `tensorflow/` folder; a venv made before the switch
    # to the CPU build must have lost the GPU one (the Makefile removes it).
    from importlib import metadata

    installed = []
    for distribution in ("tensorflow", "tensorflow-cpu"):
        try:
            installed.append((distribution, metadata.version(distribution)))
        except metadata.PackageNotFoundError:
            pass
    assert len(installed) == 1, installed
    if sys.platform == "linux" and platform.machine() == "x86_64":
        assert installed[0][0] == "tensorflow-cpu", installed


def test_there_are_lessons_and_the_readme_lists_each():
    assert NOTEBOOKS, "no notebooks found"
    readme = (ROOT / "README.md").read_text()
    for notebook in NOTEBOOKS:
        assert notebook.name in readme, f"{notebook.name} is not listed in README.md"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_stored_clean(notebook):
    nb = json.loads(notebook.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if CHECK_MARK not in source:
            assert cell.get("outputs") == [], f"stored output in: {source[:60]!r}"
            assert cell.get("execution_count") is None
    text = notebook.read_text()
    assert not re.search(r"(/home/|/Users/|/root/|/work/|[A-Z]:\\\\)", text), "absolute path"


def test_only_the_tunelab_package_is_installed(tmp_path):
    code = (
        "import importlib.util, sys\n"
        "for name in ('datasets', 'widgets', 'notebooks', 'tests'):\n"
        "    spec = importlib.util.find_spec(name)\n"
        f"    assert spec is None or {str(ROOT)!r} not in str(spec.origin), name\n"
        "import tunelab\n"
        f"assert tunelab.__file__.startswith({str(ROOT / 'tunelab')!r})\n"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()


def test_importing_tunelab_prints_nothing_to_stderr(tmp_path):
    code = "import tunelab, tunelab.training; tunelab.training.backend.tf.constant(1.0) + 1"
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True)
    assert run.returncode == 0, run.stderr.decode()
    assert run.stderr.decode().strip() == ""


TENSORFLOW_IMPORT = re.compile(r"^\s*(import|from)\s+(tensorflow|keras|keras_tuner)\b", re.M)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_import_tunelab_before_tensorflow(notebook):
    # tunelab silences TensorFlow's C++ start-up messages only if it loads TensorFlow.
    for cell in json.loads(notebook.read_text())["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        if re.search(r"^\s*import tunelab\b", source, re.M):
            tunelab_at = re.search(r"^\s*import tunelab\b", source, re.M).start()
            early = TENSORFLOW_IMPORT.search(source[:tunelab_at])
            assert early is None, f"{early.group(0)!r} comes before `import tunelab`"
            return
        assert not TENSORFLOW_IMPORT.search(source), "TensorFlow imported before tunelab"
    pytest.fail("the notebook never imports tunelab")


# Words and punctuation only: no digit, operator or bracket of an answer.
SOLUTION_FIRST_LINE = re.compile(r"# Solution\b[A-Za-z ,.:;'()—–-]*")


def solution_cells(notebook: Path) -> list[dict]:
    cells = json.loads(notebook.read_text())["cells"]
    return [c for c in cells if "solution" in c["metadata"].get("tags", [])]


def solution_gives_away(cell: dict) -> str | None:
    """What a collapsed solution shows beside its exercise, if more than that it is one.

    JupyterLab 4 draws the first line of a collapsed cell, so that line must be a comment
    that names the cell and nothing of the answer.
    """
    first = "".join(cell["source"]).split("\n", 1)[0]
    if not SOLUTION_FIRST_LINE.fullmatch(first):
        return first
    if not cell["metadata"].get("jupyter", {}).get("source_hidden"):
        return "(the cell is not collapsed)"
    return None


LESSONS_WITH_EXERCISES = [nb for nb in NOTEBOOKS if "## Exercises" in nb.read_text()]


@pytest.mark.parametrize("notebook", LESSONS_WITH_EXERCISES, ids=lambda p: p.name)
def test_solutions_show_only_that_they_are_solutions(notebook):
    cells = solution_cells(notebook)
    assert cells, "a lesson with exercises and no tagged solution"
    shown = [solution_gives_away(cell) for cell in cells]
    assert shown == [None] * len(cells), f"collapsed solutions show: {shown}"


def test_the_solution_check_catches_an_answer_on_the_first_line():
    cell = {
        "metadata": {"tags": ["solution"], "jupyter": {"source_hidden": True}},
        "source": ["answer = math.ceil(50 / 8) * 40\n", "ex.check_total_steps(answer)"],
    }
    assert solution_gives_away(cell) == "answer = math.ceil(50 / 8) * 40"
    cell["source"].insert(0, "# Solution: math.ceil(50 / 8) * 40\n")
    assert solution_gives_away(cell) is not None
    cell["source"][0] = "# Solution (collapsed): expand it once you have tried the exercise\n"
    assert solution_gives_away(cell) is None
