"""`/library add|edit|remove|log|stats` end to end: the real bot against the loopback Discord."""

from __future__ import annotations

import asyncio
import io
import random
import sys
import zipfile
from pathlib import Path

import pytest

from bot.config import SAMPLES_DIR
from bot.emulator import permissions as perms
from bot.emulator.harness import App
from bot.emulator.people import CommandRefused, Member, Reply
from bot.library.safety import has_live_mention
from bot.permissions import not_moderator_message
from bot.ui.library_cards import sizes

FINAL_PARTING = SAMPLES_DIR / "004_3a1befc0c0f73a1a.txt"
UNTITLED = SAMPLES_DIR / "001_14faca31c7fee4ab.txt"
CHAPTER_ONE_OF_TWENTY = SAMPLES_DIR / "002_1b55e561e287f567.txt"
WALKING = SAMPLES_DIR / "003_8891b8927e7392ef.txt"  # explicit, rating not declared
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8

STORY_WITH_MENTIONS = """Title: Hello @everyone <@123456789012345678>
Author: <@&987654321098765432>
Rating: G
Pairing: Buffy/Spike

Buffy walked into the crypt and found Spike reading by candlelight. "You again," he
said, without looking up from the page. She sat down across from him anyway.

They talked until the candle burned down, about nothing much, and it was the best
night either of them had had in a long time.
"""


async def preview(app: App, path: Path, *, who: Member | None = None, **options: str) -> Reply:
    """`/library add`: the preview (or the refusal), nothing saved yet."""
    data = await asyncio.to_thread(path.read_bytes)
    return await preview_bytes(app, path.name, data, who=who, **options)


async def preview_bytes(
    app: App, name: str, data: bytes, *, who: Member | None = None, **options: str
) -> Reply:
    member = who or app.moderator
    return await member.slash(
        "library add", file=app.emu.attachment(name, data), channel=app.general, **options
    )


async def upload(app: App, path: Path, *, who: Member | None = None, **options: str) -> Reply:
    """`/library add` then Save: the saved card (or the refusal when there is no preview)."""
    data = await asyncio.to_thread(path.read_bytes)
    return await add_bytes(app, path.name, data, who=who, **options)


async def add_bytes(
    app: App, name: str, data: bytes, *, who: Member | None = None, **options: str
) -> Reply:
    shown = await preview_bytes(app, name, data, who=who, **options)
    if "Save" not in shown.labels:
        return shown
    return await shown.click("Save", by=who or app.moderator)


def field(reply: Reply, name: str) -> str:
    for item in reply.embed.get("fields", []):
        if item["name"] == name:
            return item["value"]
    raise AssertionError(f"no field {name!r} in {reply.embed}")


async def story_count(app: App) -> int:
    _, total = await app.bot.library.list_stories(app.guild.id)
    return total


async def only_story_id(app: App) -> int:
    stories, total = await app.bot.library.list_stories(app.guild.id)
    assert total == 1
    return stories[0].id


# ---------------------------------------------------------------- adding


async def test_moderator_uploads_a_story_and_sees_its_card(app: App) -> None:
    reply = await upload(app, FINAL_PARTING)

    assert reply.ephemeral
    assert reply.embed["title"] == "Added: Final Parting"
    assert field(reply, "Title") == "Final Parting"
    assert field(reply, "Author") == "Jojo"
    assert field(reply, "Rating") == "PG → 🟢 General"
    assert field(reply, "Pairings") == "Angel/Buffy Summers"
    assert field(reply, "Chapters").startswith("1 ")
    assert int(field(reply, "Words").replace(",", "")) > 1000
    assert FINAL_PARTING.name in reply.embed["description"]
    assert not reply.pinged
    assert await story_count(app) == 1
    hits = app.bot.library.search(app.guild.id, "final parting")
    assert hits and hits[0].title == "Final Parting"


async def test_the_same_file_again_is_unchanged(app: App) -> None:
    first = await upload(app, FINAL_PARTING)
    again = await upload(app, FINAL_PARTING)

    assert first.embed["title"].startswith("Added")
    assert again.embed["title"] == "Unchanged: Final Parting"
    assert "already in the library" in again.embed["description"]
    assert await story_count(app) == 1


async def test_a_longer_version_updates_the_story_in_place_keeping_edits(app: App) -> None:
    one = (
        "Title: Two Nights\nAuthor: Tester\nRating: G\n\nChapter 1\n\n"
        "Buffy sat on the porch steps and watched the street lamps come on one by one.\n\n"
        "Spike came up the walk with his hands in his pockets and said nothing clever.\n"
    )
    two = one + (
        "\nChapter 2\n\nThe next night it rained. She found him in the crypt with a book "
        "open on his knee.\n\nThey read together until the candle went out.\n"
    )
    first = await add_bytes(app, "two-nights.txt", one.encode())
    assert first.embed["title"] == "Added: Two Nights"
    assert field(first, "Chapters").startswith("1 ")
    await app.moderator.slash(
        "library edit", story="Two Nights", summary="Two quiet nights.", channel=app.general
    )

    second = await add_bytes(app, "two-nights.txt", two.encode())

    assert second.embed["title"] == "Updated: Two Nights"
    assert field(second, "Chapters").startswith("2 ")
    assert await story_count(app) == 1
    record = await app.bot.library.find(app.guild.id, await only_story_id(app))
    assert record is not None and record.summary == "Two quiet nights."
    log = await app.moderator.slash("library log", channel=app.general)
    assert (
        "updated **Two Nights** (#1) from a new upload (1 → 2 chapters)"
        in (log.embed["description"])
    )


async def test_a_png_named_txt_is_refused_and_nothing_is_stored(app: App) -> None:
    reply = await add_bytes(app, "cover.txt", PNG)

    assert reply.ephemeral
    assert reply.embeds == []
    assert reply.content.startswith("`cover.txt` was not added: ")
    assert len(reply.content) > len("`cover.txt` was not added: ") + 10
    assert await story_count(app) == 0
    assert await app.bot.library.audit_log(app.guild.id) == []


async def test_an_over_limit_file_is_refused_before_it_is_downloaded(app: App) -> None:
    limit = app.config.max_upload_bytes
    attachment = app.emu.attachment("huge.txt", b"x" * (limit + 1024 * 1024))
    app.emu.uploads.pop(attachment.id)  # a download would fail now: only the size may decide

    reply = await app.moderator.slash("library add", file=attachment, channel=app.general)

    assert reply.ephemeral
    assert reply.content == (
        "`huge.txt` was not added: it is 11.0 MB and the library takes files up to 10.0 MB."
    )
    assert reply.interaction.response_type == 4  # answered at once: no defer, no download

    small = app.emu.attachment("gone.txt", FINAL_PARTING.read_bytes())
    app.emu.uploads.pop(small.id)  # within the limit, but the CDN no longer has it
    failed = await app.moderator.slash("library add", file=small, channel=app.general)
    assert failed.ephemeral
    assert failed.content == (
        "`gone.txt` was not added: Discord did not hand over the file (404). "
        "Try uploading it again."
    )
    assert await story_count(app) == 0


def test_sizes_fall_back_to_bytes_when_megabytes_look_equal() -> None:
    assert sizes(11 * 1024 * 1024, 10 * 1024 * 1024) == ("11.0 MB", "10.0 MB")
    assert sizes(10 * 1024 * 1024 + 5, 10 * 1024 * 1024) == ("10,485,765 bytes", "10,485,760 bytes")


async def test_the_card_flags_what_was_inferred_and_what_is_missing(app: App) -> None:
    walking = await upload(app, WALKING)
    assert walking.embed["title"] == "Added: Walking in Dreams"
    assert field(walking, "Rating") == "🔴 inferred: Explicit (not declared in the file)"
    assert field(walking, "Pairings") == "Buffy Summers/Spike (inferred)"
    check = field(walking, "Check")
    assert "no rating declared — inferred as Explicit" in check
    assert "pairings inferred from the text" in check

    partial = await upload(app, CHAPTER_ONE_OF_TWENTY)
    assert field(partial, "Chapters") == "1 of 20 declared"
    assert "only 1 of 20 chapters present" in field(partial, "Check")
    assert "no title found" in partial.embed["title"]
    assert field(partial, "Author") == "Unknown author"
    assert "no author found" in field(partial, "Check")

    # moderators reach adult stories from any channel (titles only, to them alone)
    choices = await app.moderator.autocomplete(
        "library remove", "story", "walking", channel=app.general
    )
    assert [c["name"] for c in choices][:1] == ["Walking in Dreams — Sweetprincipale"]


async def test_a_file_without_a_title_says_so_and_edit_fills_it(app: App) -> None:
    added = await upload(app, UNTITLED)

    assert "no title found" in added.embed["title"]
    assert "set one with `/library edit`" in field(added, "Title")
    assert "no title found" in field(added, "Check")
    story_id = await only_story_id(app)

    choices = await app.moderator.autocomplete(
        "library edit", "story", "untitled buffy walked", channel=app.general
    )
    assert str(story_id) in [c["value"] for c in choices]
    edited = await app.moderator.slash(
        "library edit", story=str(story_id), title="Letters Never Sent", channel=app.general
    )

    assert edited.ephemeral
    assert edited.embed["title"] == "Edited: Letters Never Sent"
    assert "Changed: title." in edited.embed["description"]
    record = await app.bot.library.find(app.guild.id, story_id)
    assert record is not None and record.title == "Letters Never Sent" and record.title_declared
    assert app.bot.library.search(app.guild.id, "letters never sent")[0].story_id == story_id


async def test_a_moderator_fills_in_fields_while_adding(app: App) -> None:
    reply = await upload(
        app,
        UNTITLED,
        title="Letters Never Sent",
        author="Anonymous",
        rating="Teen",
        pairing="Spuffy",
    )

    assert reply.embed["title"] == "Added: Letters Never Sent"
    assert field(reply, "Author") == "Anonymous"
    assert field(reply, "Rating") == "🟡 Teen (set by a moderator)"
    assert field(reply, "Pairings") == "Buffy Summers/Spike"  # canonical, not "(inferred)"
    record = await app.bot.library.find(app.guild.id, await only_story_id(app))
    assert record is not None
    assert record.pairings == ["Buffy Summers/Spike"] and record.inferred_pairings == []

    friends = await upload(app, FINAL_PARTING, pairing="Buffy & Willow")
    assert friends.ephemeral
    assert "“Buffy & Willow” is not a pairing" in friends.content
    assert await story_count(app) == 1


async def test_mention_syntax_in_a_story_pings_nobody_and_does_not_render(app: App) -> None:
    reply = await add_bytes(app, "hello.txt", STORY_WITH_MENTIONS.encode())

    assert "Hello" in reply.embed["title"]
    assert not reply.pinged
    assert not has_live_mention(reply.text), reply.text


# ---------------------------------------------------------------- the add preview

TITLE_BOX = "Title"
AUTHORS_BOX = "Authors (comma-separated)"
RATING_BOX = "Rating (General, Teen, Mature, Explicit, NR)"
PAIRINGS_BOX = "Pairings (comma-separated, e.g. Buffy/Spike)"


def field_names(reply: Reply) -> list[str]:
    return [item["name"] for item in reply.embed.get("fields", [])]


async def test_add_shows_a_preview_and_stores_nothing_until_save(app: App) -> None:
    shown = await preview(app, UNTITLED)

    assert shown.ephemeral
    # no title and a machine file name: the opening words, not the file's hash
    assert shown.embed["title"] == "Preview: Untitled (“Buffy walked down the dark alleyway…”)"
    assert "Not saved yet" in shown.embed["description"]
    assert "expires <t:" in shown.embed["description"]
    assert shown.labels == ["Save", "Edit", "Characters & tags", "Cancel"]
    inferred = field(shown, "Inferred — check these")
    assert "the text reads as Teen, so it is Not Rated (treated as adult)" in inferred
    assert "pairings Buffy Summers/Spike from the text" in inferred
    missing = field(shown, "Missing")
    assert "• title" in missing and "• author" in missing
    assert field(shown, "Rating").endswith("Not Rated")  # the safe side: it was a guess
    assert await story_count(app) == 0

    saved = await shown.click("Save")
    assert saved.embed["title"].startswith("Added: ")
    assert await story_count(app) == 1
    story = await app.bot.library.find(app.guild.id, await only_story_id(app))
    assert story is not None and story.rating_level.value == "Not Rated"
    assert saved.buttons == []


async def test_edit_corrects_the_preview_then_save_stores_it(app: App) -> None:
    shown = await preview(app, UNTITLED)
    form = await shown.click("Edit")
    assert form.modal is not None and form.modal["title"] == "Edit before saving"

    edited = await form.submit_modal(
        {
            TITLE_BOX: "Letters Never Sent",
            AUTHORS_BOX: "Anonymous, Second Author",
            RATING_BOX: "teen",
            PAIRINGS_BOX: "Spike/Buffy",
        }
    )
    assert edited.embed["title"] == "Preview: Letters Never Sent"
    found = field(edited, "Found")
    assert "title: Letters Never Sent (set by you)" in found
    assert "rating: Teen (set by you)" in found
    assert "pairings: Buffy Summers/Spike (set by you)" in found
    assert "Missing" not in field_names(edited) or "title" not in field(edited, "Missing")
    assert await story_count(app) == 0

    details = await shown.click("Characters & tags")
    assert details.modal is not None
    await details.submit_modal(
        {
            "Characters (comma-separated)": "Dawn Summers",
            "Tags (comma-separated)": "Post-Series, Angst",
            "Warnings (comma-separated)": "Major Character Death",
        }
    )
    saved = await shown.click("Save")
    assert saved.embed["title"] == "Added: Letters Never Sent"
    assert field(saved, "Rating") == "🟡 Teen (set by a moderator)"
    story = await app.bot.library.find(app.guild.id, await only_story_id(app))
    assert story is not None
    assert story.authors == ["Anonymous", "Second Author"]
    assert story.pairings == ["Buffy Summers/Spike"] and not story.inferred_pairings
    assert "Dawn Summers" in story.characters
    assert set(story.tags) >= {"Post-Series", "Angst"}
    assert story.warnings == ["Major Character Death"]


async def test_an_unknown_pairing_name_is_shown_back_and_must_be_confirmed(app: App) -> None:
    shown = await preview(app, FINAL_PARTING)
    form = await shown.click("Edit")
    edited = await form.submit_modal({PAIRINGS_BOX: "Buffy/Nobody"})

    check = field(edited, "Unknown names — confirm or fix")
    assert check.startswith("Nobody: not in the fandom tables or this library.")
    save = next(b for b in edited.buttons if b["label"] == "Save")
    assert save.get("disabled") is True
    with pytest.raises(CommandRefused):
        await shown.click("Save")  # Discord does not let anyone press a disabled button
    assert await story_count(app) == 0

    confirmed = await shown.click("Names are right")
    assert "Unknown names — confirm or fix" not in field_names(confirmed)
    saved = await shown.click("Save")
    assert saved.embed["title"] == "Added: Final Parting"
    assert field(saved, "Pairings") == "Buffy Summers/Nobody"


async def test_a_known_name_needs_no_confirmation_and_a_fixed_one_clears_it(app: App) -> None:
    shown = await preview(app, FINAL_PARTING)
    form = await shown.click("Edit")
    await form.submit_modal({PAIRINGS_BOX: "Buffy/Nobody"})
    form = await shown.click("Edit")
    fixed = await form.submit_modal({PAIRINGS_BOX: "Buffy/Spike"})
    assert "Unknown names — confirm or fix" not in field_names(fixed)
    assert "Save" in fixed.labels and "Names are right" not in fixed.labels


async def test_a_bad_value_in_the_form_changes_nothing(app: App) -> None:
    shown = await preview(app, FINAL_PARTING)
    before = shown.embed
    form = await shown.click("Edit")

    refused = await form.submit_modal({RATING_BOX: "spicy", TITLE_BOX: "Another Title"})

    assert refused.ephemeral
    assert refused.content.startswith("Nothing was changed: “spicy” is not a rating")
    assert shown.embed == before
    not_a_pairing = await (await shown.click("Edit")).submit_modal({PAIRINGS_BOX: "Buffy"})
    assert "is not a pairing" in not_a_pairing.content
    assert shown.embed == before
    assert await story_count(app) == 0


async def test_cancel_stores_nothing(app: App) -> None:
    shown = await preview(app, FINAL_PARTING)
    cancelled = await shown.click("Cancel")
    assert cancelled.content == "Cancelled: **Final Parting** was not added; nothing was stored."
    assert cancelled.buttons == []
    assert await story_count(app) == 0


async def test_an_abandoned_preview_expires_and_says_so(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules["cogs.library"], "PREVIEW_TIMEOUT", 0.2)
    shown = await preview(app, FINAL_PARTING)

    await shown.wait_for(lambda r: "expired" in r.content, timeout=3)

    assert shown.content.startswith("This preview of **Final Parting** expired without Save")
    assert "nothing was stored" in shown.content
    assert shown.buttons == [] and shown.embeds == []
    assert await story_count(app) == 0


async def test_only_the_asking_moderator_still_a_moderator_can_use_the_preview(
    app: App,
) -> None:
    librarian = app.guild.create_member("librarian", roles=[app.librarian])
    refused_add = await preview(app, FINAL_PARTING, who=app.reader)
    assert refused_add.content == LIBRARIAN_REFUSAL
    assert refused_add.buttons == []

    shown = await preview(app, FINAL_PARTING, who=librarian)
    for label in ("Save", "Edit", "Characters & tags", "Cancel"):
        other = await shown.click(label, by=app.reader)
        assert other.ephemeral
        assert other.content == "Only the moderator who asked for this preview can answer it."
    librarian.remove_role(app.librarian)
    for label in ("Save", "Edit", "Cancel"):
        lost = await shown.click(label, by=librarian)
        assert lost.content == LIBRARIAN_REFUSAL
    assert await story_count(app) == 0
    assert shown.embed["title"] == "Preview: Final Parting"


async def test_add_to_library_on_a_message_with_a_file_opens_the_same_preview(
    app: App,
) -> None:
    data = await asyncio.to_thread(FINAL_PARTING.read_bytes)
    posted = app.reader.post(
        app.general, "found this one", files=[app.emu.attachment("final.txt", data)]
    )
    chat = app.reader2.post(app.general, "no file here")

    refused = await app.reader.message_command("Add to library", posted)
    assert refused.ephemeral and refused.content == LIBRARIAN_REFUSAL
    nothing = await app.moderator.message_command("Add to library", chat)
    assert nothing.content.startswith("That message has no file to add")

    shown = await app.moderator.message_command("Add to library", posted)
    assert shown.ephemeral
    assert shown.embed["title"] == "Preview: Final Parting"
    assert "File: `final.txt`" in shown.embed["description"]
    assert await story_count(app) == 0
    saved = await shown.click("Save")
    assert saved.embed["title"] == "Added: Final Parting"
    assert await story_count(app) == 1


# ---------------------------------------------------------------- identity by content

WORDS = [
    "lantern", "harbour", "crypt", "willow", "stake", "moon", "letter", "rain", "candle",
    "window", "bridge", "garden", "silver", "autumn", "whisper", "corridor", "library",
    "promise", "ember", "shadow", "river", "morning",
]  # fmt: skip


def story_file(seed: int, chapters: int, *, title: str = "Untitled", author: str = "Anon") -> bytes:
    """A plain-text story whose chapters are distinct prose (chapter n is the same for a
    given seed, so a longer file extends a shorter one)."""
    parts = [f"Title: {title}", f"Author: {author}", "Rating: General", ""]
    for number in range(1, chapters + 1):
        rng = random.Random(seed * 1000 + number)
        parts.append(f"Chapter {number}")
        parts.append("")
        for _ in range(4):
            words = [rng.choice(WORDS) for _ in range(60)]
            parts.append(" ".join(words).capitalize() + ".")
            parts.append("")
    return "\n".join(parts).encode()


async def test_same_title_and_author_with_a_different_text_asks_first(app: App) -> None:
    first = await add_bytes(app, "untitled.txt", story_file(1, 2))
    assert first.embed["title"] == "Added: Untitled"
    first_id = await only_story_id(app)
    await app.bot.library.rate(app.guild.id, first_id, app.reader.id, 5, review="Lovely")

    shown = await preview_bytes(app, "untitled (1).txt", story_file(2, 2))
    asked = await shown.click("Save")

    assert asked.content.startswith(
        f"**Untitled** (#{first_id}) has the same title and author but a different text."
    )
    assert asked.labels == [f"Update #{first_id} with this file", "Add as a new story", "Cancel"]
    assert await story_count(app) == 1
    refused = await shown.click("Add as a new story", by=app.reader)
    assert refused.content == "Only the moderator who asked for this preview can answer it."
    assert await story_count(app) == 1

    added = await shown.click("Add as a new story")
    assert added.embed["title"] == "Added: Untitled"
    assert await story_count(app) == 2
    kept = await app.bot.library.find(app.guild.id, first_id)
    assert kept is not None and kept.chapter_count == 2
    summary = await app.bot.library.rating_summary(app.guild.id, first_id)
    assert summary.count == 1  # the reader's rating stays with the story they read


async def test_update_chosen_for_a_namesake_replaces_its_text_in_place(app: App) -> None:
    await add_bytes(app, "untitled.txt", story_file(1, 1))
    first_id = await only_story_id(app)
    shown = await preview_bytes(app, "other.txt", story_file(2, 3))
    await shown.click("Save")

    updated = await shown.click(f"Update #{first_id} with this file")

    assert updated.embed["title"] == "Updated: Untitled"
    assert await only_story_id(app) == first_id
    story = await app.bot.library.find(app.guild.id, first_id)
    assert story is not None and story.chapter_count == 3


async def test_a_longer_version_with_the_same_chapters_updates_without_asking(app: App) -> None:
    await add_bytes(app, "untitled.txt", story_file(1, 2))
    longer = await add_bytes(app, "untitled-more.txt", story_file(1, 4))
    assert longer.embed["title"] == "Updated: Untitled"
    again = await add_bytes(app, "untitled-more.txt", story_file(1, 4))
    assert again.embed["title"] == "Unchanged: Untitled"
    assert await story_count(app) == 1


async def test_a_shorter_version_replaces_only_when_the_moderator_says_so(app: App) -> None:
    await add_bytes(app, "untitled.txt", story_file(1, 3))
    story_id = await only_story_id(app)

    shown = await preview_bytes(app, "old.txt", story_file(1, 1))
    asked = await shown.click("Save")
    assert "is longer or newer (3 chapters; this file has 1)" in asked.content
    kept = await shown.click(f"Keep #{story_id} as it is")
    assert kept.content.startswith("Kept the library's **Untitled** as it is")
    assert (await app.bot.library.find(app.guild.id, story_id)).chapter_count == 3

    shown = await preview_bytes(app, "old.txt", story_file(1, 1))
    await shown.click("Save")
    replaced = await shown.click(f"Replace #{story_id} with this version")
    assert replaced.embed["title"] == "Updated: Untitled"
    assert (await app.bot.library.find(app.guild.id, story_id)).chapter_count == 1
    assert await story_count(app) == 1


# ---------------------------------------------------------------- who may


LIBRARIAN_REFUSAL = not_moderator_message("Librarian")


async def test_a_reader_is_refused_by_the_bot_and_nothing_changes(app: App) -> None:
    # The commands carry no default_member_permissions: Discord offers them to everyone
    # and the bot's own check answers, naming who may use them.
    reply = await upload(app, FINAL_PARTING, who=app.reader)
    assert reply.ephemeral
    assert reply.content == LIBRARIAN_REFUSAL
    logged = await app.reader.slash("library log", channel=app.general)
    assert logged.content == LIBRARIAN_REFUSAL
    assert await story_count(app) == 0
    assert await app.bot.library.audit_log(app.guild.id, limit=5) == []


async def test_a_channel_overwrite_does_not_make_a_reader_a_moderator(app: App) -> None:
    # Manage Server granted in one channel is not Manage Server on the server.
    app.general.set_permissions(app.reader, allow=perms.MANAGE_GUILD)

    reply = await upload(app, FINAL_PARTING, who=app.reader)

    assert reply.ephemeral
    assert reply.content == LIBRARIAN_REFUSAL
    assert await story_count(app) == 0

    await upload(app, FINAL_PARTING)  # by the moderator
    offered = await app.reader.autocomplete("library edit", "story", "final", channel=app.general)
    assert offered == []  # no check runs for autocomplete: the option guards itself
    authors = await app.reader.autocomplete(
        "library edit", "author", "jo", channel=app.general, story="Final Parting"
    )
    assert authors == []
    mine = await app.moderator.autocomplete(
        "library edit", "author", "jo", channel=app.general, story="Final Parting"
    )
    assert [c["value"] for c in mine] == ["Jojo"]


async def test_the_configured_moderator_role_alone_is_enough(app: App) -> None:
    # No Manage Server, no overrides anywhere: the role alone lets a member in.
    librarian = app.guild.create_member("librarian", roles=[app.librarian])

    reply = await upload(app, FINAL_PARTING, who=librarian)
    assert reply.embed["title"] == "Added: Final Parting"
    edited = await librarian.slash(
        "library edit", story="Final Parting", status="complete", channel=app.general
    )
    assert edited.embed["title"] == "Edited: Final Parting"
    prompt = await librarian.slash("library remove", story="Final Parting", channel=app.general)
    done = await prompt.click("Remove", by=librarian)
    assert done.content.startswith("Moved **Final Parting** to the trash")
    for command in ("library log", "library stats", "settings show"):
        answered = await librarian.slash(command, channel=app.general)
        assert answered.content != LIBRARIAN_REFUSAL, command


async def test_integrations_overrides_hide_the_commands_from_readers_only(app: App) -> None:
    # What an admin does in Server Settings → Integrations to keep /library out of
    # readers' menus: allow the moderator role, then deny @everyone.
    overrides = app.guild.command_permissions
    overrides.allow(app.librarian, command="library")
    overrides.deny(app.guild.everyone, command="library")
    librarian = app.guild.create_member("librarian", roles=[app.librarian])

    with pytest.raises(CommandRefused, match="turned /library off for reader"):
        await upload(app, FINAL_PARTING, who=app.reader)
    added = await upload(app, FINAL_PARTING, who=librarian)
    assert added.embed["title"] == "Added: Final Parting"
    # Manage Server without the role: also denied by the override; owners never are
    manager = app.guild.create_member("manager", roles=[app.guild.role("Moderators")])
    with pytest.raises(CommandRefused):
        await manager.slash("library log", channel=app.general)
    assert (await app.owner.slash("library log", channel=app.general)).embed
    # a member override beats the roles; a channel override turns it off in one channel
    overrides.allow(app.reader, command="library")
    reader_log = await app.reader.slash("library log", channel=app.general)
    assert reader_log.content == LIBRARIAN_REFUSAL  # let in by Discord, refused by the bot
    overrides.deny(app.general, command="library")
    with pytest.raises(CommandRefused, match="turned off in #general"):
        await librarian.slash("library log", channel=app.general)
    overrides.reset(command="library")
    assert (await librarian.slash("library log", channel=app.general)).embed
    assert await story_count(app) == 1


async def test_app_level_overrides_apply_to_commands_without_their_own(app: App) -> None:
    overrides = app.guild.command_permissions
    overrides.deny(app.guild.everyone)  # the whole app, for everyone
    with pytest.raises(CommandRefused, match="turned /search off"):
        await app.reader.slash("search", query="x", channel=app.general)
    overrides.allow(app.guild.everyone, command="search")  # command level wins
    assert await app.reader.slash("search", query="x", channel=app.general)
    overrides.deny(overrides.all_channels)
    overrides.allow(app.adult)  # the app only in #after-dark (and its threads)
    overrides.reset(command="search")
    overrides.allow(app.guild.everyone)
    with pytest.raises(CommandRefused, match="turned off in #general"):
        await app.reader.slash("search", query="x", channel=app.general)
    assert await app.reader.slash("search", query="x", channel=app.adult_thread)


# ---------------------------------------------------------------- edit


async def test_edit_corrects_rating_pairing_status_and_summary(app: App) -> None:
    await upload(app, FINAL_PARTING)
    reply = await app.moderator.slash(
        "library edit",
        story="final parting",
        rating="Teen",
        pairing="Spike/Buffy, B/A",
        status="wip",
        summary="-",
        channel=app.general,
    )

    assert field(reply, "Rating").endswith("Teen")
    assert field(reply, "Pairings") == "Buffy Summers/Spike, Angel/Buffy Summers"
    assert field(reply, "Status") == "Work in progress"
    assert "no summary" in field(reply, "Check")
    assert "Changed: rating, pairings, status, summary." in reply.embed["description"]


async def test_edit_refuses_nothing_to_change_and_unknown_stories(app: App) -> None:
    await upload(app, FINAL_PARTING)
    nothing = await app.moderator.slash("library edit", story="Final Parting", channel=app.general)
    assert nothing.ephemeral
    assert nothing.content.startswith("Nothing to change")

    unknown = await app.moderator.slash(
        "library edit", story="Zebra Crossing", title="x", channel=app.general
    )
    assert unknown.ephemeral
    assert unknown.content.startswith("No story called “Zebra Crossing”")
    record = await app.bot.library.find(app.guild.id, await only_story_id(app))
    assert record is not None and record.title == "Final Parting"


# ---------------------------------------------------------------- remove


async def test_remove_asks_and_only_the_asking_moderator_can_confirm(app: App) -> None:
    await upload(app, FINAL_PARTING)
    prompt = await app.moderator.slash("library remove", story="Final Parting", channel=app.general)

    assert prompt.ephemeral
    assert "Remove **Final Parting** by Jojo" in prompt.content
    assert prompt.labels == ["Remove", "Cancel"]

    refused = await prompt.click("Remove", by=app.owner)
    assert refused.ephemeral
    assert refused.content == "Only the moderator who asked for this removal can answer it."
    assert await story_count(app) == 1

    done = await prompt.click("Remove", by=app.moderator)
    assert done.content.startswith("Moved **Final Parting** to the trash")
    assert prompt.buttons == []
    assert await story_count(app) == 0
    assert app.bot.library.search(app.guild.id, "final parting") == []


async def test_a_moderator_who_lost_the_role_cannot_confirm_an_earlier_prompt(app: App) -> None:
    librarian = app.guild.create_member("librarian", roles=[app.librarian])
    await upload(app, FINAL_PARTING)
    prompt = await librarian.slash("library remove", story="Final Parting", channel=app.general)
    librarian.remove_role(app.librarian)

    refused = await prompt.click("Remove", by=librarian)

    assert refused.ephemeral
    assert refused.content == LIBRARIAN_REFUSAL
    assert await story_count(app) == 1
    assert prompt.labels == ["Remove", "Cancel"]  # still open, for a moderator


async def test_cancel_keeps_the_story(app: App) -> None:
    await upload(app, FINAL_PARTING)
    prompt = await app.moderator.slash("library remove", story="Final Parting", channel=app.general)
    kept = await prompt.click("Cancel")
    assert kept.content == "Kept **Final Parting**; nothing was removed."
    assert await story_count(app) == 1


async def test_an_unanswered_removal_times_out_and_keeps_the_story(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    # load_extension put its own module object in sys.modules: patch the one the bot runs
    monkeypatch.setattr(sys.modules["cogs.library"], "CONFIRM_TIMEOUT", 0.2)
    await upload(app, FINAL_PARTING)
    prompt = await app.moderator.slash("library remove", story="Final Parting", channel=app.general)

    await prompt.wait_for(lambda r: "was not removed" in r.content, timeout=3)
    assert prompt.buttons == []
    assert await story_count(app) == 1


# ---------------------------------------------------------------- bulk import


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


async def test_import_a_zip_with_good_duplicate_updated_and_bad_files(app: App) -> None:
    await add_bytes(app, "stored.txt", story_file(5, 1, title="Stored"))
    data = zip_of(
        {
            "good.txt": story_file(1, 2, title="First Good"),
            "again.txt": story_file(1, 2, title="First Good"),  # the same story twice
            "longer.txt": story_file(5, 3, title="Stored"),  # extends the stored one
            "picture.txt": PNG,
            "notes/readme.md": story_file(2, 1, title="Second Good"),
        }
    )
    upload_ = app.emu.attachment("stories.zip", data)

    reply = await app.moderator.slash("library import", file=upload_, channel=app.general)
    await reply.wait_for(lambda r: bool(r.embeds), timeout=30)

    summary = reply.embed
    assert summary["title"] == "Imported stories.zip"
    assert summary["description"].startswith(
        "**2** added · **1** updated · **1** unchanged · **1** rejected"
    )
    rejected = next(f for f in summary["fields"] if f["name"] == "Rejected")["value"]
    assert "`picture.txt`:" in rejected
    assert any("Importing `stories.zip`" in (e.get("content") or "") for e in reply.edits)
    assert await story_count(app) == 3
    log = await app.moderator.slash("library log", channel=app.general)
    assert "updated **Stored**" in log.embed["description"]


async def test_while_an_import_runs_others_are_answered_and_a_second_is_refused(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules["cogs.library"], "IMPORT_EDIT_EVERY", 0.05)
    files = {f"story{n}.txt": story_file(100 + n, 2, title=f"Story {n}") for n in range(60)}
    data = zip_of(files)
    first = await app.moderator.slash(
        "library import", file=app.emu.attachment("big.zip", data), channel=app.general
    )
    assert first.content.startswith("Importing `big.zip`")

    second = await app.owner.slash(
        "library import", file=app.emu.attachment("more.zip", data), channel=app.general
    )
    assert second.ephemeral
    assert second.content.startswith("An import is already running in this server")
    other = await app.reader.slash("search", query="story", channel=app.general)
    assert other.answered

    await first.wait_for(lambda r: bool(r.embeds), timeout=60)
    assert first.embed["description"].startswith("**60** added")
    assert await story_count(app) == 60
    again = await app.moderator.slash(
        "library import", file=app.emu.attachment("big.zip", data), channel=app.general
    )
    await again.wait_for(lambda r: bool(r.embeds), timeout=60)
    assert again.embed["description"].startswith("**0** added · **0** updated · **60** unchanged")


async def test_a_long_list_of_rejections_is_paged(app: App) -> None:
    files = {f"broken-file-number-{n:02d}.txt": PNG for n in range(40)}
    files["fine.txt"] = story_file(3, 1, title="Fine")
    reply = await app.moderator.slash(
        "library import", file=app.emu.attachment("mixed.zip", zip_of(files)), channel=app.general
    )
    await reply.wait_for(lambda r: bool(r.followups), timeout=30)

    assert reply.embed["description"].startswith("**1** added")
    rejected = next(f for f in reply.embed["fields"] if f["name"] == "Rejected")["value"]
    assert rejected.endswith("more: see the pages below")
    pages = reply.followups[0]
    assert pages.ephemeral and pages.embed["title"] == "Rejected files"
    assert pages.embed["footer"]["text"] == "40 rejected · page 1 of 3"
    last = await pages.click("Last")
    assert "broken-file-number-39.txt" in last.embed["description"]


async def test_a_reader_cannot_import_and_a_non_zip_is_refused(app: App) -> None:
    data = zip_of({"good.txt": story_file(1, 1, title="Good")})
    refused = await app.reader.slash(
        "library import", file=app.emu.attachment("s.zip", data), channel=app.general
    )
    assert refused.content == LIBRARIAN_REFUSAL
    not_zip = await app.moderator.slash(
        "library import", file=app.emu.attachment("s.txt", b"hello"), channel=app.general
    )
    assert not_zip.content.startswith("`s.txt` is not a .zip")
    assert await story_count(app) == 0


# ---------------------------------------------------------------- the trash


async def test_remove_trash_restore_keeps_ratings_reviews_and_places(app: App) -> None:
    await upload(app, FINAL_PARTING)
    story_id = await only_story_id(app)
    library = app.bot.library
    await library.rate(app.guild.id, story_id, app.reader.id, 5, review="Loved it")
    await library.save_position(app.guild.id, app.reader.id, story_id, 1, 2)

    prompt = await app.moderator.slash("library remove", story="Final Parting", channel=app.general)
    assert "goes to the trash for 30 days" in prompt.content
    done = await prompt.click("Remove")
    assert "`/library restore` brings it back within 30 days" in done.content

    # gone for members everywhere: search, lists, the story itself, recommendations
    assert library.search(app.guild.id, "final parting") == []
    assert await story_count(app) == 0
    found = await app.reader.slash("search", query="final parting", channel=app.adult)
    assert "Final Parting" not in found.text
    assert await library.find(app.guild.id, story_id) is None

    listed = await app.moderator.slash("library trash", channel=app.general)
    assert listed.ephemeral
    assert (
        f"**Final Parting** (#{story_id}) — removed by <@{app.moderator.id}>"
        in (listed.embed["description"])
    )
    offered = await app.moderator.autocomplete(
        "library restore", "story", "final", channel=app.general
    )
    assert offered == [{"name": f"Final Parting (#{story_id})", "value": str(story_id)}]
    assert await app.reader.autocomplete("library restore", "story", "fin") == []

    back = await app.moderator.slash("library restore", story=str(story_id), channel=app.general)
    assert back.content.startswith("Restored **Final Parting** with its ratings")
    assert back.embed["title"] == "Restored: Final Parting"
    assert await only_story_id(app) == story_id
    assert library.search(app.guild.id, "final parting")
    summary = await library.rating_summary(app.guild.id, story_id)
    assert summary.count == 1
    assert (await library.user_rating(story_id, app.reader.id)).review == "Loved it"
    assert await library.position(app.guild.id, app.reader.id, story_id) == (1, 2)
    empty = await app.moderator.slash("library trash", channel=app.general)
    assert empty.content.startswith("The trash is empty")


async def test_emptying_the_trash_is_explicit_and_final(app: App) -> None:
    await upload(app, FINAL_PARTING)
    story_id = await only_story_id(app)
    prompt = await app.moderator.slash("library remove", story="Final Parting", channel=app.general)
    await prompt.click("Remove")

    listed = await app.moderator.slash("library trash", channel=app.general)
    assert listed.labels == ["Empty the trash…"]
    refused = await listed.click("Empty the trash…", by=app.reader)
    assert refused.content == "Only the moderator who asked for this trash list can answer it."
    asked = await listed.click("Empty the trash…")
    assert "cannot be undone" in asked.content
    assert asked.labels == ["Delete 1 for good", "Keep them"]
    kept = await listed.click("Keep them")
    assert kept.content == "The trash was not emptied."
    assert len(await app.bot.library.trash(app.guild.id)) == 1

    listed = await app.moderator.slash("library trash", channel=app.general)
    await listed.click("Empty the trash…")
    done = await listed.click("Delete 1 for good")
    assert done.content == "Emptied the trash: 1 stories deleted for good."
    assert await app.bot.library.trash(app.guild.id) == []
    gone = await app.moderator.slash("library restore", story=str(story_id), channel=app.general)
    assert gone.content.startswith("No story called")


async def test_a_reader_cannot_see_trash_restore_or_empty_it(app: App) -> None:
    await upload(app, FINAL_PARTING)
    story_id = await only_story_id(app)
    prompt = await app.moderator.slash("library remove", story="Final Parting", channel=app.general)
    await prompt.click("Remove")
    for command, options in (
        ("library trash", {}),
        ("library restore", {"story": str(story_id)}),
    ):
        reply = await app.reader.slash(command, channel=app.general, **options)
        assert reply.content == LIBRARIAN_REFUSAL and reply.embeds == []
    assert len(await app.bot.library.trash(app.guild.id)) == 1
    assert await story_count(app) == 0


# ---------------------------------------------------------------- log and stats


async def test_the_log_lists_who_added_edited_and_removed_what(app: App) -> None:
    empty = await app.moderator.slash("library log", channel=app.general)
    assert empty.ephemeral and "log is empty" in empty.content

    await upload(app, FINAL_PARTING)
    await app.moderator.slash(
        "library edit", story="Final Parting", status="complete", channel=app.general
    )
    prompt = await app.moderator.slash("library remove", story="Final Parting", channel=app.general)
    await prompt.click("Remove")

    log = await app.moderator.slash("library log", channel=app.general)
    lines = log.embed["description"].splitlines()
    who = f"<@{app.moderator.id}>"
    assert len(lines) == 3
    assert lines[0].endswith(f"{who} moved **Final Parting** (#1) to the trash")
    assert lines[1].endswith(f"{who} changed the status of **Final Parting** (#1)")
    assert lines[2].endswith(f"{who} added **Final Parting** (#1) from `{FINAL_PARTING.name}`")
    assert all(line.startswith("<t:") for line in lines)
    assert log.ephemeral and not log.pinged
    assert log.embed["footer"]["text"] == "3 changes, newest first · page 1 of 1"


async def test_the_log_pages_and_filters_by_moderator_and_story(app: App) -> None:
    librarian = app.guild.create_member("librarian", roles=[app.librarian])
    await upload(app, FINAL_PARTING)
    for status in ("wip", "complete") * 6:
        await app.moderator.slash(
            "library edit", story="Final Parting", status=status, channel=app.general
        )
    await upload(app, UNTITLED, who=librarian)

    log = await app.moderator.slash("library log", channel=app.general)
    assert log.embed["footer"]["text"] == "14 changes, newest first · page 1 of 2"
    assert len(log.embed["description"].splitlines()) == 10
    page2 = await log.click("Next")
    assert len(page2.embed["description"].splitlines()) == 4
    assert page2.embed["footer"]["text"].endswith("page 2 of 2")
    assert f"<@{app.moderator.id}> added **Final Parting**" in page2.embed["description"]

    by_librarian = await app.moderator.slash(
        "library log", moderator=librarian, channel=app.general
    )
    assert by_librarian.embed["title"] == "Library log — by Librarian"
    assert by_librarian.embed["description"].count("\n") == 0
    assert f"<@{librarian.id}> added" in by_librarian.embed["description"]

    about = await app.moderator.slash("library log", story="Final Parting", channel=app.general)
    assert about.embed["title"] == "Library log — Final Parting"
    assert about.embed["footer"]["text"].startswith("13 changes")
    nobody = await app.moderator.slash("library log", moderator=app.reader, channel=app.general)
    assert nobody.content == "The library log is empty: no changes by Reader."


async def test_stats_count_by_rating_status_and_pairing(app: App) -> None:
    await upload(app, FINAL_PARTING)
    await upload(app, UNTITLED, rating="General", pairing="Spuffy")

    reply = await app.moderator.slash("library stats", channel=app.general)

    assert reply.ephemeral
    assert reply.embed["description"].startswith("2 stories · 2 chapters · ")
    assert field(reply, "By rating") == "🟢 General: 2"
    assert "Unknown: 1" in field(reply, "By status")  # a one-shot with no evidence of status
    top = field(reply, "Top pairings").splitlines()
    assert sorted(top) == ["Angel/Buffy Summers: 1", "Buffy Summers/Spike: 1"]
