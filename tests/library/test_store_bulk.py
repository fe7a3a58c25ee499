"""What a bulk import picks up from files, folders and zip archives, and the bounds on zips."""

from __future__ import annotations

import os
import zipfile
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot.library.errors import StoryRejected
from bot.library.store import Store
from bot.library.store.bulk import Entry, EntryReader, bulk_import, collect, make_pool


def make_tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("a")
    (root / "b.HTML").write_text("b")
    (root / "sub" / "c.md").write_text("c")
    (root / "sub" / "deeper" / "d.epub").write_bytes(b"d")
    (root / "sub" / "cover.jpg").write_bytes(b"\xff\xd8")
    (root / ".hidden.txt").write_text("h")
    (root / ".git").mkdir()
    (root / ".git" / "x.txt").write_text("x")


def test_folders_are_walked_for_story_files(tmp_path: Path) -> None:
    make_tree(tmp_path)
    entries, rejected = collect([tmp_path])
    names = [e.path.relative_to(tmp_path).as_posix() for e in entries]
    assert names == ["a.txt", "b.HTML", "sub/c.md", "sub/deeper/d.epub"]
    assert rejected == []


def test_named_files_are_always_tried_and_missing_ones_reported(tmp_path: Path) -> None:
    odd = tmp_path / "story.data"
    odd.write_text("text")
    entries, rejected = collect([odd, tmp_path / "missing.txt"])
    assert entries == [Entry(odd)]
    assert rejected == [(str(tmp_path / "missing.txt"), "no such file or folder")]


def test_zip_members(tmp_path: Path) -> None:
    archive = tmp_path / "stories.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("one.txt", "Title: One\n\nText.")
        z.writestr("folder/two.html", "<p>Two</p>")
        z.writestr("folder/", "")
        z.writestr("__MACOSX/folder/._two.html", "junk")
        z.writestr("notes.pdf", "%PDF")
        z.writestr("inner.zip", "PK")
    entries, rejected = collect([archive])
    assert [e.member for e in entries] == ["folder/two.html", "one.txt"]
    assert entries[0].name == f"{archive}:folder/two.html"
    assert entries[0].file_name == "two.html"
    assert rejected == [(f"{archive}:inner.zip", "archives inside archives are not opened")]
    reader = EntryReader(max_bytes=1000)
    assert reader.read(entries[1]) == b"Title: One\n\nText."
    reader.close()


def test_zip_expansion_is_bounded(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for i in range(3):
            z.writestr(f"big{i}.txt", b"\0" * 2_000_000)
    assert bomb.stat().st_size < 50_000
    entries, rejected = collect([bomb], max_archive_bytes=5_000_000)
    assert entries == []
    assert rejected == [(str(bomb), "archive expands to 6 MiB, over the limit of 5 MiB")]

    entries, rejected = collect([bomb], max_members=2)
    assert entries == [] and "over the limit of 2" in rejected[0][1]

    # A member that says it is over the limit is refused at its size, unread; reading
    # never takes more than the archive bound.
    entries, _ = collect([bomb])
    reader = EntryReader(max_bytes=1000, max_archive_bytes=2500)
    with pytest.raises(StoryRejected, match=r"The file is 1\.9 MiB, over the 1000 bytes limit"):
        reader.read(entries[0])
    reader.close()
    reader = EntryReader(max_bytes=2_000_000, max_archive_bytes=3_000_000)
    assert len(reader.read(entries[0])) == 2_000_000
    with pytest.raises(StoryRejected, match="archive expands past"):
        reader.read(entries[1])
    reader.close()


def test_unreadable_zip_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(b"this is not a zip")
    entries, rejected = collect([fake])
    assert entries == [] and rejected[0][0] == str(fake)
    assert rejected[0][1].startswith("not a readable zip archive")


def test_unreadable_file_is_a_rejection(tmp_path: Path) -> None:
    reader = EntryReader(max_bytes=10)
    with pytest.raises(StoryRejected, match="could not be read"):
        reader.read(Entry(tmp_path / "gone.txt"))


async def test_a_dead_parser_process_rejects_instead_of_crashing(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"s{i}.txt").write_text(f"Title: Story {i}\nAuthor: A\n\nSome text {i}.")
    entries, _ = collect([tmp_path])
    pool = make_pool(1)
    try:
        with pytest.raises(BrokenProcessPool):
            pool.submit(os._exit, 3).result(timeout=30)  # the worker dies: the pool is broken
        store = await Store.open(tmp_path / "lib.db")
        try:
            report = await bulk_import(store, 1, entries, executor=pool)
            assert report.imported == 0 and (await store.listings.stats()).counts["stories"] == 0
        finally:
            await store.close()
    finally:
        pool.shutdown()
    assert [name for name, _ in report.rejected] == [e.name for e in entries]
    assert all("parser process failed" in reason for _, reason in report.rejected)


def test_files_are_read_whole_up_to_the_limit_and_bigger_ones_refused_at_their_size(
    tmp_path: Path,
) -> None:
    small, exact, big = tmp_path / "small.txt", tmp_path / "exact.txt", tmp_path / "big.txt"
    small.write_bytes(b"x" * 10)
    exact.write_bytes(b"y" * 100)
    big.write_bytes(b"z" * 5000)
    reader = EntryReader(max_bytes=100)
    assert reader.read(Entry(small)) == b"x" * 10
    assert reader.read(Entry(exact)) == b"y" * 100
    with pytest.raises(StoryRejected) as refused:  # refused at its real size, unread
        reader.read(Entry(big))
    assert refused.value.reason == "The file is 4.9 KiB, over the 100 bytes limit."


async def test_parser_processes_read_the_files_themselves(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Title: Kept\nAuthor: A\n\nSome text here.")
    (folder / "b.txt").write_text("Title: Gone\nAuthor: A\n\nDeleted before the import.")
    (folder / "c.txt").write_text("Title: Big\nAuthor: A\n\n" + "word " * 400)
    entries, _ = collect([folder])
    (folder / "b.txt").unlink()
    pool = make_pool(1)
    try:
        async with await Store.open(tmp_path / "lib.db") as store:
            report = await bulk_import(store, 1, entries, executor=pool, max_bytes=1000)
    finally:
        pool.shutdown()
    assert [name for name, _ in report.added] == [str(folder / "a.txt")]
    reasons = dict(report.rejected)
    assert reasons[str(folder / "b.txt")].startswith("could not be read")
    assert "over the 1000 bytes limit" in reasons[str(folder / "c.txt")]
    assert report.bytes_read == (folder / "a.txt").stat().st_size + 1001


@pytest.mark.parametrize("jobs", [1, 2])
async def test_stop_ends_the_import_after_the_file_being_stored(tmp_path: Path, jobs: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(150):
        (folder / f"s{i:03d}.txt").write_text(f"Title: Story {i}\nAuthor: A\n\nSome text {i}.")
    entries, _ = collect([folder])
    seen: list[str] = []

    def on_result(entry: Entry, outcome: object, reason: str | None) -> None:
        seen.append(entry.name)

    async with await Store.open(tmp_path / "lib.db") as store:
        report = await bulk_import(
            store, 1, entries, jobs=jobs, on_result=on_result, stop=lambda: len(seen) >= 40
        )
        stored = (await store.listings.stats()).counts["stories"]
    # the batch being written when the stop came is finished; nothing after it is stored
    assert 40 <= len(report.added) == stored == len(seen) < 150
    names = [e.name for e in entries]
    assert [name for name, _ in report.added] == names[: len(seen)]
    assert report.not_processed == names[len(seen) :]
