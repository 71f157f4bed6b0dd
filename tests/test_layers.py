"""The package's shape: layers, module sizes, public seams, exercises that only check.

These read the source (no import of TensorFlow), so they run in a second and name the
file and line of whatever breaks a rule of DESIGN.md's layout.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tunelab"
MODULES = sorted(PACKAGE.rglob("*.py"))
# Each layer imports only from the layers to its left (DESIGN.md, "Rule of the layers").
LAYERS = ("validation", "datasets", "training", "search", "tables", "plots", "widgets", "exercises")


def _layer(path: Path) -> str | None:
    first = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    return first if first in LAYERS else None


def _tunelab_imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names if n.startswith("tunelab")]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("tunelab")]
    return found


def _parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(), filename=str(path))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_passes_500_lines(path):
    assert len(path.read_text().splitlines()) <= 500


def test_the_panel_layout_class_stays_small():
    tree = _parse(PACKAGE / "widgets" / "panel.py")
    (panel,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Panel"]
    assert panel.end_lineno - panel.lineno < 250


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_layer_imports_only_from_layers_to_its_left(path):
    layer = _layer(path)
    if layer is None:
        return
    allowed = LAYERS[: LAYERS.index(layer) + 1]
    wrong = []
    for line, name in _tunelab_imports(_parse(path)):
        parts = name.split(".")
        target = parts[1] if len(parts) > 1 else None
        if target in LAYERS and target not in allowed:
            wrong.append(f"line {line}: {name}")
    assert not wrong, f"{layer} must not import from later layers: {wrong}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_reaches_into_another_objects_private_names(path):
    """Public seams only: no ``other._name`` and no ``from elsewhere import _name``."""
    wrong = []
    for node in ast.walk(_parse(path)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            if node.attr.startswith("__") and node.attr.endswith("__"):
                continue
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                continue
            if isinstance(owner, ast.Call) and getattr(owner.func, "id", "") == "super":
                continue
            wrong.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tunelab"):
            wrong += [
                f"line {node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
    assert not wrong, wrong


def test_nothing_is_stuck_on_matplotlib_objects():
    wrong = []
    for path in MODULES:
        text = path.read_text()
        if "_tunelab" in text:
            wrong.append(f"{path.name}: a `_tunelab…` attribute")
        for node in ast.walk(_parse(path)):
            targets = node.targets if isinstance(node, ast.Assign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Attribute):
                    if target.value.attr in ("figure", "canvas", "ax", "axes"):
                        wrong.append(f"{path.name} line {node.lineno}: sets .{target.attr}")
    assert not wrong, wrong


def test_nothing_in_the_package_reaches_into_tests():
    for path in MODULES:
        tree = _parse(path)
        for line, name in _tunelab_imports(tree):
            assert "tests" not in name.split("."), f"{path.name} line {line}: {name}"
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docstrings:
                    assert "tests" not in node.value.split("/"), f"{path.name} {node.lineno}"


def test_exercises_hold_only_feedback_and_checks():
    import tunelab.exercises as exercises

    modules = [exercises] + [
        importlib.import_module(f"tunelab.exercises.{m.name}")
        for m in pkgutil.iter_modules(exercises.__path__)
        if not m.name.startswith("_")  # private helpers of the checks, not for lessons
    ]
    wrong = []
    for module in modules:
        names = set(getattr(module, "__all__", ()))
        names |= {
            name
            for name, value in vars(module).items()
            if (inspect.isfunction(value) or inspect.isclass(value))
            and value.__module__ == module.__name__
        }
        wrong += [
            f"{module.__name__}.{name}"
            for name in names
            if not name.startswith("_") and not name.startswith("check_") and name != "Feedback"
        ]
    assert not wrong, f"exercises must hold only Feedback and check_*: {sorted(wrong)}"
