"""A typed number that is also the start of a title resolves the way a member means it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library.errors import LibraryError
from bot.library.parse import parse_story
from bot.library.service import Library

GUILD = 5


def story(title: str, rating: str = "G") -> bytes:
    body = f"{title} begins here. Buffy walked home through the quiet streets. " * 20
    return f"Title: {title}\nAuthor: Ann\nRating: {rating}\n\n{body}\n".encode()


@pytest.fixture
async def library(tmp_path: Path):
    lib = await Library.open(tmp_path / "lib.db")
    try:
        for n, (title, rating) in enumerate(
            [("Final Parting", "G"), ("002 Nights in Sunnydale", "G"), ("Dark Hours", "NC-17")],
            start=1,
        ):
            parsed = parse_story(story(title, rating), f"{n}.txt")
            await lib.add_parsed(GUILD, parsed, actor_id=None, source_name=f"{n}.txt")
        yield lib
    finally:
        await lib.close()


async def test_an_id_as_autocomplete_sends_it_is_that_story(library: Library) -> None:
    assert (await library.resolve(GUILD, "2")).title == "002 Nights in Sunnydale"
    assert (await library.resolve(GUILD, "1")).title == "Final Parting"
    assert (await library.resolve(GUILD, "#1")).title == "Final Parting"


async def test_typed_digits_that_start_a_title_mean_the_title(library: Library) -> None:
    # "002" is story #2's title start here; were it not, it must not silently open #2
    assert (await library.resolve(GUILD, "002")).title == "002 Nights in Sunnydale"


async def test_typed_digits_that_start_no_title_ask(library: Library) -> None:
    with pytest.raises(LibraryError) as asked:
        await library.resolve(GUILD, "001")
    assert str(asked.value) == (
        "No title starts with “001”. Did you mean story #1, “Final Parting”?"
        " Pick it from the list as you type."
    )


async def test_an_adult_title_is_not_named_where_it_may_not_be(library: Library) -> None:
    with pytest.raises(LibraryError) as asked:
        await library.resolve(GUILD, "003", suggest_adult=False)
    assert "Dark Hours" not in str(asked.value)
    with pytest.raises(LibraryError, match="Did you mean story #3, “Dark Hours”"):
        await library.resolve(GUILD, "003", suggest_adult=True)
