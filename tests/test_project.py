"""The project's own promises: dependency lists in step, clean notebooks, one package."""

from __future__ import annotations

import json
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


def environment_mismatch(pyproject: Path, environment: Path) -> set[str]:
    return pyproject_packages(pyproject) ^ environment_packages(environment)


def test_environment_yml_lists_the_same_packages_as_pyproject():
    assert environment_mismatch(ROOT / "pyproject.toml", ROOT / "environment.yml") == set()
    assert "tensorflow" in environment_packages()


def test_the_environment_check_catches_a_missing_package(tmp_path):
    changed = tmp_path / "environment.yml"
    text = (ROOT / "environment.yml").read_text()
    changed.write_text(text.replace("  - ipympl>=0.9.4\n", ""))
    assert environment_mismatch(ROOT / "pyproject.toml", changed) == {"ipympl"}


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
