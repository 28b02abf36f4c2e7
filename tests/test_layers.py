"""The rooms of `indexer` import only the rooms below them, and `webui` never imports Whoosh:
checked on the source of every module (its `ast`), imports inside functions included."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ROOMS = ["text", "ingest", "store", "query"]  # from the lowest: each may import those before it


def imported_modules(path: Path) -> set[str]:
    """Every module a source file imports, by its full name."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def room_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "indexer" and parts[1] in ROOMS else None


@pytest.mark.parametrize("room", ROOMS)
def test_a_room_imports_only_the_rooms_below_it(room: str) -> None:
    allowed = set(ROOMS[: ROOMS.index(room) + 1])
    files = sorted((ROOT / "indexer" / room).glob("*.py"))
    assert files
    for path in files:
        for module in imported_modules(path):
            assert module != "indexer", f"{path.name} imports from `indexer` itself"
            used = room_of(module)
            if module.startswith("indexer."):
                assert used is not None, f"indexer/{room}/{path.name} imports {module}, outside the rooms"
                assert used in allowed, f"indexer/{room}/{path.name} imports {module}, a room above it"


def test_every_module_of_the_engine_is_in_a_room() -> None:
    loose = {path.name for path in (ROOT / "indexer").glob("*.py")}
    assert loose == {"__init__.py", "__main__.py", "cli.py"}


def test_the_web_ui_never_imports_whoosh() -> None:
    for path in sorted((ROOT / "webui").rglob("*.py")):
        whoosh = {module for module in imported_modules(path) if module.split(".")[0] == "whoosh"}
        assert not whoosh, f"{path.name} imports {sorted(whoosh)}"


def test_the_checker_sees_imports_inside_functions(tmp_path: Path) -> None:
    source = tmp_path / "late.py"
    source.write_text("def f():\n    from indexer.query.search import search\n    import whoosh.index\n")
    assert {"indexer.query.search", "whoosh.index"} <= imported_modules(source)


@pytest.mark.parametrize("room", ROOMS)
def test_no_name_in_a_room_hides_one_of_its_modules(room: str) -> None:
    # `from indexer.query import search` must give the module, as `import indexer.query.search`
    # and monkeypatch's dotted paths do: a function of that name in `__init__` would shadow it.
    package = importlib.import_module(f"indexer.{room}")
    for module in pkgutil.iter_modules(package.__path__):
        assert getattr(package, module.name) is importlib.import_module(f"indexer.{room}.{module.name}"), (
            module.name
        )
