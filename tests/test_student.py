"""The student edition (`make student-edition`): the lessons without their solutions.

It must drop the cells tagged `solution` and nothing else, and a lesson must still run in
a fresh kernel up to its first exercise, where the check says it is not answered yet.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXERCISE_MARK = "# your answer"


def _source(cell: dict) -> str:
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _is_solution(cell: dict) -> bool:
    return "solution" in cell["metadata"].get("tags", [])


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    run = subprocess.run(
        ["make", "--no-print-directory", "student-edition", f"STUDENT_DIR={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return out / "notebooks"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_the_student_edition_drops_the_solutions_and_nothing_else(edition, notebook):
    teacher = json.loads(notebook.read_text())["cells"]
    student = json.loads((edition / notebook.name).read_text())["cells"]
    assert not any(_is_solution(cell) for cell in student)
    kept = [cell for cell in teacher if not _is_solution(cell)]
    assert [_source(c) for c in student] == [_source(c) for c in kept]
    assert [c["metadata"] for c in student] == [c["metadata"] for c in kept]
    solutions = [_source(c) for c in teacher if _is_solution(c)]
    text = (edition / notebook.name).read_text()
    for solution in solutions:
        # The answer line of each solution (its second line, after the comment) is gone.
        answer = solution.split("\n")[1]
        assert json.dumps(answer)[1:-1] not in text, answer


def test_the_student_edition_runs_up_to_the_first_exercise(edition):
    import nbformat
    from nbclient import NotebookClient

    path = edition / "01_gradient_descent.ipynb"
    nb = nbformat.read(path, as_version=4)
    first = next(
        i for i, c in enumerate(nb.cells) if c.cell_type == "code" and EXERCISE_MARK in c.source
    )
    nb.cells = nb.cells[: first + 1]
    NotebookClient(
        nb, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(edition)}}
    ).execute()
    shown = "".join(
        out.get("data", {}).get("text/plain", "") for out in nb.cells[first].get("outputs", [])
    )
    assert "Not answered yet" in shown, shown
