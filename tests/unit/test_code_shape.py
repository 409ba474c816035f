"""The shape a newcomer can live in: no function in handlers/, services/ or models/ longer than a
screen (80 lines, decorators and docstring included). Ruff checks their complexity
(`C901`, `PLR0912`, `PLR0915`, thresholds in pyproject.toml); this checks what ruff does not."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("handlers", "services", "models")
LIMIT = 80


def long_functions() -> list[str]:
    found = []
    for layer in LAYERS:
        for path in sorted((ROOT / layer).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                    length = (node.end_lineno or node.lineno) - start + 1
                    if length > LIMIT:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_function_is_longer_than_a_screen() -> None:
    assert not long_functions(), "split these by meaning:\n" + "\n".join(long_functions())


def test_handlers_are_module_level_functions() -> None:
    """A handler registered in `setup()` can be imported and read on its own: no `setup()` holds
    nested functions (closures were how every feature's handlers used to hide)."""
    nested = []
    for path in sorted((ROOT / "handlers").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name == "setup":
                inner = [
                    n.name for n in ast.walk(node) if n is not node and isinstance(n, ast.AsyncFunctionDef)
                ]
                if inner:
                    nested.append(f"{path.relative_to(ROOT)}: {', '.join(inner)}")
    assert not nested, "\n".join(nested)
