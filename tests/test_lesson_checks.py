"""Checks out of the reader's way: what a learner sees of a lesson's self-checking.

A check cell is tagged ``check``, collapsed (``source_hidden``) and opens with the claim
it checks (a comment, or a ``tl.claim("…")`` call), because JupyterLab shows a collapsed
cell's first line. No cell a learner sees does nothing but assert.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
MAX_VISIBLE_ASSERTS = 25


def _code_cells(path: Path):
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] == "code":
            yield index, cell, "".join(cell["source"])


def _hidden(cell) -> bool:
    return bool(cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"))


def _python(source: str) -> ast.Module:
    # IPython magics and shell lines are not Python.
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    return ast.parse("\n".join(lines))


def _only_checks(source: str) -> bool:
    statements = _python(source).body
    return bool(statements) and all(
        isinstance(s, ast.Assert)
        or (
            isinstance(s, ast.Expr)
            and isinstance(s.value, ast.Call)
            and getattr(s.value.func, "attr", getattr(s.value.func, "id", "")) == "claim"
        )
        for s in statements
    )


def _asserts(source: str) -> int:
    return sum(isinstance(node, ast.Assert) for node in ast.walk(_python(source)))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_check_cells_are_collapsed_tagged_and_say_what_they_check(path):
    for index, cell, source in _code_cells(path):
        tags = cell.get("metadata", {}).get("tags", [])
        if "check" not in tags:
            continue
        assert _hidden(cell), f"{path.name} cell {index}: a check cell must be collapsed"
        first = source.lstrip().splitlines()[0] if source.strip() else ""
        assert first.startswith(("# ", "tl.claim(")), (
            f"{path.name} cell {index}: a check cell opens with the claim it checks, "
            f"as a comment or tl.claim(…). First line: {first!r}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_visible_cell_only_asserts(path):
    for index, cell, source in _code_cells(path):
        if not _hidden(cell) and source.strip():
            assert not _only_checks(source), f"{path.name} cell {index} only checks: collapse it"


def test_learners_see_few_asserts():
    visible = {
        path.name: sum(_asserts(s) for _, cell, s in _code_cells(path) if not _hidden(cell))
        for path in NOTEBOOKS
    }
    assert sum(visible.values()) <= MAX_VISIBLE_ASSERTS, visible


def test_claim_prints_a_tick_or_raises_with_its_text(capsys):
    import tunelab as tl

    tl.claim("two is more than one", 2 > 1)
    assert capsys.readouterr().out == "✓ two is more than one\n"
    with pytest.raises(AssertionError, match="one is more than two .*1, 2"):
        tl.claim("one is more than two", 1 > 2, (1, 2))
    with pytest.raises(TypeError, match="text"):
        tl.claim("", True)
