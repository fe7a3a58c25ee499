"""The `storybot` command line against real files and real SQLite databases."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "data" / "samples").glob("*.txt"))
JSON_KEYS = {
    "title",
    "authors",
    "rating",
    "pairings",
    "characters",
    "fandoms",
    "tags",
    "warnings",
    "spoilers",
    "summary",
    "notes",
    "disclaimer",
    "epigraph",
    "chapters",
    "total_chapters",
    "status",
    "words",
    "body",
}
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def story_text(title: str, author: str, chapters: int = 2) -> str:
    parts = [f"Title: {title}", f"Author: {author}", "Rating: PG", "Summary: A test story.", ""]
    for c in range(1, chapters + 1):
        parts += [
            f"Chapter {c}",
            "",
            f"Buffy walked through the cemetery in chapter {c} of {title}. " * 5,
            "",
            "Spike watched her from the shadows and said nothing at all. " * 4,
            "",
        ]
    return "\n".join(parts)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cli" / "library.db"


def test_parse_json_has_the_contract_keys(capsys) -> None:
    assert main(["parse", "--json", *map(str, SAMPLES)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(SAMPLES) == 5
    for line, sample in zip(lines, SAMPLES, strict=True):
        data = json.loads(line)
        assert set(data) >= JSON_KEYS
        assert data["file"] == str(sample)  # each object names the file it came from
        assert set(data["rating"]) == {"declared", "level", "inferred"}
        for pairing in data["pairings"]:
            assert set(pairing) == {"name", "characters", "inferred"}
        for chapter in data["chapters"]:
            assert set(chapter) == {"number", "label", "title", "words"}
        assert data["words"] == sum(c["words"] for c in data["chapters"]) > 0
        assert data["body"]


def test_parse_human_summary(capsys, tmp_path: Path) -> None:
    path = tmp_path / "walk.txt"
    path.write_text(story_text("Walking in Dreams", "Sweetprincipale", chapters=3))
    assert main(["parse", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(str(path))
    assert "Walking in Dreams" in out and "Sweetprincipale" in out
    assert re.search(r"3 chapters", out)


def test_parse_rejected_file_is_one_line_and_exit_2(capsys, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    image = tmp_path / "cover.txt"
    image.write_bytes(PNG)
    good = tmp_path / "good.txt"
    good.write_text(story_text("Good One", "Jojo"))
    code = main(["parse", "--json", str(empty), str(good), str(image), str(tmp_path / "nope.txt")])
    captured = capsys.readouterr()
    assert code == 2
    errors = captured.err.strip().splitlines()
    assert len(errors) == 3
    assert errors[0].startswith(f"{empty}: ") and errors[1].startswith(f"{image}: ")
    assert errors[2].startswith(f"{tmp_path / 'nope.txt'}: cannot read")
    assert [json.loads(x)["title"] for x in captured.out.splitlines()] == ["Good One"]


def test_parse_size_limit(capsys, tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(story_text("Long", "Jojo", chapters=20))
    assert main(["parse", "--max-bytes", "500", str(path)]) == 2
    assert capsys.readouterr().err.startswith(f"{path}: ")


def test_parse_reports_a_big_file_at_its_real_size(capsys, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (12_200_000 // 5))  # 12.2 MB = 11.6 MiB
    just_over = tmp_path / "just_over.txt"
    just_over.write_bytes(b"a" * (10 * 1024 * 1024 + 1))
    assert main(["parse", str(big), str(just_over)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"{big}: rejected: The file is 11.6 MiB, over the 10.0 MiB limit.",
        f"{just_over}: rejected: The file is 10,485,761 bytes, over the 10,485,760-byte limit.",
    ]
    # import too, from disk and from a zip, with one parser process and with two
    archive = tmp_path / "big.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(big, "inside/big.txt")
    db = tmp_path / "library.db"
    for jobs in ("1", "2"):
        args = ["import", str(big), str(archive), "--guild", "1", "--db", str(db), "--jobs", jobs]
        assert main(args) == 2
        assert capsys.readouterr().err.splitlines() == [
            f"{big}: rejected: The file is 11.6 MiB, over the 10.0 MiB limit.",
            f"{archive}:inside/big.txt: rejected: The file is 11.6 MiB, over the 10.0 MiB limit.",
        ]


def test_import_list_stats_remove(capsys, tmp_path: Path, db: Path) -> None:
    folder = tmp_path / "incoming"
    (folder / "nested").mkdir(parents=True)
    (folder / "one.txt").write_text(story_text("First Story", "Ann"))
    (folder / "nested" / "two.txt").write_text(story_text("Second Story", "Bob"))
    (folder / "broken.txt").write_bytes(PNG)
    (folder / "cover.jpg").write_bytes(PNG)  # not a story file: not even tried
    archive = tmp_path / "more.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("three.txt", story_text("Third Story", "Cat"))
        z.writestr("stuff/four.txt", story_text("Fourth Story", "Dan", chapters=4))
    single = SAMPLES[4]

    db.parent.mkdir()
    code = main(
        ["import", str(folder), str(archive), str(single), "--guild", "42", "--db", str(db)]
    )
    captured = capsys.readouterr()
    out = captured.out
    assert code == 2  # one file was rejected: the others are imported, the status says so
    assert re.search(r"added\s+5\n", out) and re.search(r"rejected\s+1 \(see stderr\)\n", out)
    [line] = captured.err.splitlines()
    assert line.startswith(f"{folder / 'broken.txt'}: rejected: ") and "PNG" in line
    assert db.exists()

    # Re-import: nothing new; the same files in another guild are new stories there.
    assert (
        main(["--db", str(db), "import", str(folder / "one.txt"), str(archive), "--guild", "42"])
        == 0
    )
    assert re.search(r"unchanged\s+3\n", capsys.readouterr().out)
    assert main(["import", str(archive), "--guild", "43", "--db", str(db)]) == 0
    assert re.search(r"added\s+2\n", capsys.readouterr().out)

    # A story that gained chapters is updated in place.
    (folder / "one.txt").write_text(story_text("First Story", "Ann", chapters=3))
    assert main(["import", str(folder / "one.txt"), "--guild", "42", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"updated\s+1\n", out) and "First Story" in out

    assert main(["list", "--guild", "42", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    listed = dict((t, int(i)) for i, t in re.findall(r"^#(\d+)\s+(.+?) — ", out, flags=re.M))
    mine = [t for t in listed if t.endswith(" Story")]
    assert mine == ["First Story", "Fourth Story", "Second Story", "Third Story"]  # by title
    assert len(listed) == 5 and "of 5 stories in guild 42" in out
    assert re.search(r"First Story — Ann · .* · 3 ch · ", out)

    assert main(["stats", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"stories\s+7\n", out) and re.search(r"guilds\s+2\n", out)
    assert main(["stats", "--guild", "43", "--db", str(db)]) == 0
    assert re.search(r"stories\s+2\n", capsys.readouterr().out)

    story_id = listed["First Story"]
    assert main(["remove", str(story_id), "--guild", "42", "--db", str(db)]) == 0
    assert capsys.readouterr().out.strip() == f"Removed #{story_id} “First Story”."
    assert main(["remove", str(story_id), "--guild", "42", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"storybot: there is no story #{story_id} in guild 42"
    with sqlite3.connect(db) as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM audit_log ORDER BY id")]
    assert actions.count("added") == 7 and actions[-2:] == ["updated", "removed"]


def test_import_everything_rejected_exits_2(capsys, tmp_path: Path) -> None:
    db = tmp_path / "library.db"
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    assert (
        main(["import", str(bad), str(tmp_path / "missing"), "--guild", "1", "--db", str(db)]) == 2
    )
    captured = capsys.readouterr()
    assert re.search(r"rejected\s+2 \(see stderr\)\n", captured.out)
    assert captured.err.splitlines() == [
        f"{tmp_path / 'missing'}: rejected: no such file or folder",
        f"{bad}: rejected: The file is empty.",
    ]


def test_import_json_summary(capsys, tmp_path: Path) -> None:
    db = tmp_path / "library.db"
    good = tmp_path / "good.txt"
    good.write_text(story_text("Good One", "Jojo"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(PNG)
    assert main(["import", str(good), str(bad), "--guild", "7", "--db", str(db), "--json"]) == 2
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["guild"] == 7 and summary["database"] == str(db)
    assert [(s["file"], s["title"]) for s in summary["added"]] == [(str(good), "Good One")]
    assert summary["updated"] == summary["unchanged"] == []
    [rejected] = summary["rejected"]
    assert rejected["file"] == str(bad) and "PNG" in rejected["reason"]
    assert captured.err.splitlines() == [f"{bad}: rejected: {rejected['reason']}"]
    assert main(["import", str(good), "--guild", "7", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["unchanged"][0]["id"] == summary["added"][0]["id"]


def test_a_missing_library_is_an_error_not_created(capsys, tmp_path: Path) -> None:
    nowhere = tmp_path / "no" / "such" / "folder" / "library.db"
    good = tmp_path / "good.txt"
    good.write_text(story_text("Good One", "Jojo"))
    assert main(["import", str(good), "--guild", "1", "--db", str(nowhere)]) == 2
    assert capsys.readouterr().err == (
        f"storybot: there is no folder {nowhere.parent} for the library {nowhere}"
        " (create the folder, or pick another file with --db)\n"
    )
    for command in (["stats"], ["list", "--guild", "1"], ["remove", "1", "--guild", "1"]):
        assert main([*command, "--db", str(nowhere)]) == 2
        assert capsys.readouterr().err == (
            f"storybot: there is no library at {nowhere}"
            " (import stories first with `storybot import`, or pick one with --db)\n"
        )
    assert not (tmp_path / "no").exists()


def test_import_empty_folder_is_an_error(capsys, tmp_path: Path, db: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["import", str(tmp_path / "empty"), "--guild", "1", "--db", str(db)]) == 2
    assert capsys.readouterr().err.strip() == "storybot: nothing to import: no story files found"


def test_database_from_environment(capsys, tmp_path: Path, monkeypatch) -> None:
    env_db = tmp_path / "from_env.db"
    monkeypatch.setenv("STORYBOT_DATABASE", str(env_db))
    good = tmp_path / "good.txt"
    good.write_text(story_text("Good One", "Jojo"))
    assert main(["import", str(good), "--guild", "3"]) == 0
    assert main(["stats"]) == 0
    assert env_db.exists() and re.search(r"stories\s+1\n", capsys.readouterr().out)


def test_bad_arguments_exit_2(capsys, db: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["list", "--guild", "abc", "--db", str(db)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "a guild id is a number" in err
    with pytest.raises(SystemExit) as exc:
        main(["import", "x.txt"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err == (
        "storybot import: the following arguments are required: --guild"
        " (see storybot import --help)\n"
    )


def test_unusable_database_is_one_line(capsys, tmp_path: Path) -> None:
    not_db = tmp_path / "notes.db"
    not_db.write_text("this is not a database, just some text that is long enough " * 20)
    assert main(["list", "--guild", "1", "--db", str(not_db)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a usable library" in err and "restore it" in err


def test_console_entry_point_runs_as_a_program(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "parse", "--json", str(SAMPLES[0])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert set(json.loads(done.stdout)) >= JSON_KEYS
