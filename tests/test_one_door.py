"""`Library` is the one door into the library (issue 8 item 2). ruff's TID251 bans importing
`bot.library.store` outside `bot/library`; this guards the rest: no code in cogs/ or bot/
(outside bot/library) reaches the store through an object — `library._store`,
`library.discovery.store`, `getattr(library, "_store")` — or touches `Library`'s private
attributes (`library._cards`, `library._refresh(...)`)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "bot" / "library" / "service.py"
STORE_NAMES = frozenset({"store", "_store"})  # the store under any object's name


def library_private_names() -> frozenset[str]:
    """Every private name of `Library`: its methods and the attributes it assigns."""
    tree = ast.parse(SERVICE.read_text(encoding="utf-8"))
    library = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Library")
    names: set[str] = set()
    for node in ast.walk(library):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node in library.body:
            names.add(node.name)
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and isinstance(node.ctx, ast.Store)
        ):
            names.add(node.attr)
    return frozenset(n for n in names if n.startswith("_") and not n.startswith("__"))


def offences(source: str, private: frozenset[str]) -> list[str]:
    """What in `source` goes round the door: `line: expression`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Attribute):
            bare_self = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if node.attr in STORE_NAMES or (node.attr in private and not bare_self):
                name = node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in STORE_NAMES | private
        ):
            name = node.args[1].value
        if name is not None:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def outside_the_library() -> list[Path]:
    files = sorted((ROOT / "cogs").rglob("*.py")) + sorted((ROOT / "bot").rglob("*.py"))
    inside = ROOT / "bot" / "library"
    return [f for f in files if inside not in f.parents]


def test_the_private_names_are_found() -> None:
    private = library_private_names()
    assert {"_store", "_cards", "_refresh", "_forget"} <= private
    assert "card" not in private and "_store" in private


@pytest.mark.parametrize(
    "source",
    [
        "library._store.stories.get_story(1, 2)",
        "self.bot.library._store",
        "await interaction.client.library.discovery.store.db.read(f)",
        "library_of(interaction)._cards.forget(None)",
        "await self.library._refresh(1, [2])",
        "getattr(self.bot.library, '_store')",
        "from_bot = bot.library.store",
    ],
)
def test_the_guard_sees_a_way_round_the_door(source: str) -> None:
    assert offences(source, library_private_names())


@pytest.mark.parametrize(
    "source",
    [
        "await library.get(1, 2)",
        "self._index = 0",  # a class's own private attribute of the same name
        "state._view_store.dispatch_view(1, 'x', i)",  # discord.py's, not the library's
        "view.store_view(v)",
    ],
)
def test_the_guard_lets_the_door_be_used(source: str) -> None:
    assert not offences(source, library_private_names())


def test_cogs_and_bot_use_only_the_door() -> None:
    private = library_private_names()
    found = {
        str(path.relative_to(ROOT)): hits
        for path in outside_the_library()
        if (hits := offences(path.read_text(encoding="utf-8"), private))
    }
    assert not found, f"use Library's methods, not the store or Library's insides: {found}"
