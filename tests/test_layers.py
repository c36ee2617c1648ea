"""The rooms' layer order, read from the code's own imports.

A room may import the rooms below it and never one above it or beside it, so there is no
import cycle between rooms; and no project import hides inside a function body, where it
would dodge this check (only an AppConfig.ready() may import its own room's modules, which is
how Django connects signal receivers and checks). README, "Architecture", draws the same order.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Top to bottom. Rooms on one line are independent of each other.
LAYERS: list[set[str]] = [
    {"config.urls", "demo"},  # wire everything together: URLs, demo data, `make run`
    {"workspace"},  # the staff home and menu: each role's work from every room
    # files a stored submission into its room; the figures; early-intervention flags; retention
    {"routing", "reports", "intervention", "retention"},
    {"cases", "commendations"},  # BPS case work; the Chief's office
    {"notices"},  # every email and paper letter
    {"intake"},  # the public side: submissions, evidence, status pages
    {"audit"},  # the append-only trail everyone writes to
    {"staff", "directory"},  # sign-in, roles, queues; the roster
    {"ops"},  # client address, health, the dev mailbox
    {"config"},  # settings and the Celery app
]
RANK = {room: rank for rank, rooms in enumerate(LAYERS) for room in rooms}
PACKAGES = {room.split(".")[0] for room in RANK}


def room_of(module: str) -> str | None:
    """The room a dotted module name belongs to, or None when it is not the project's."""
    if module == "config.urls" or module.startswith("config.urls."):
        return "config.urls"
    top = module.split(".")[0]
    return top if top in PACKAGES else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    files = []
    for package in sorted(PACKAGES):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                files.append(path)
    return files


def imports_of(path: Path) -> list[tuple[str, int, bool, bool]]:
    """(module imported, line, inside a function body, inside AppConfig.ready)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    )
    found = []

    def visit(node, in_function: bool, in_ready: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                ready = in_ready or getattr(child, "name", "") == "ready"
                visit(child, True, ready)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append((alias.name, child.lineno, in_function, in_ready))
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    target = ".".join(base + ([child.module] if child.module else []))
                else:
                    target = child.module or ""
                found.append((target, child.lineno, in_function, in_ready))
            visit(child, in_function, in_ready)

    visit(tree, False, False)
    return found


def all_imports():
    for path in source_files():
        source = room_of(module_name(path))
        for target, line, in_function, in_ready in imports_of(path):
            yield (
                path.relative_to(ROOT),
                line,
                source,
                room_of(target),
                target,
                in_function,
                in_ready,
            )


def test_every_room_of_the_project_has_a_place_in_the_layers():
    packages = {p.parent.name for p in ROOT.glob("*/apps.py")}
    assert packages <= PACKAGES, f"give these rooms a layer in LAYERS: {packages - PACKAGES}"


def test_no_room_imports_a_room_above_it_or_beside_it():
    wrong = [
        f"{path}:{line} {source} imports {target} ({room})"
        for path, line, source, room, target, _fn, _ready in all_imports()
        if room is not None and room != source and RANK[room] <= RANK[source]
    ]
    assert wrong == []


def test_no_project_import_hides_in_a_function_body():
    hidden = [
        f"{path}:{line} imports {target} inside a function"
        for path, line, source, room, target, in_function, in_ready in all_imports()
        if in_function and room is not None and not (in_ready and room == source)
    ]
    assert hidden == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from cases.models import Case\n", "cases.models"),
        ("from . import views\n", "intake"),
        ("from .models import Submission\n", "intake.models"),
    ],
)
def test_imports_are_read_as_python_reads_them(tmp_path, source, expected, monkeypatch):
    room = tmp_path / "intake"
    room.mkdir()
    module = room / "services.py"
    module.write_text(source)
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert imports_of(module)[0][0] == expected


def test_a_function_body_import_is_seen(tmp_path, monkeypatch):
    room = tmp_path / "intake"
    room.mkdir()
    module = room / "services.py"
    module.write_text("def f():\n    from cases.models import Case\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert imports_of(module) == [("cases.models", 2, True, False)]
