"""`/settings extra-safe`: adult stories hidden entirely — titles included — from members
in every channel, age-restricted ones too, end to end through the loopback Discord.

The sweep drives every member-facing command, autocomplete and button against a library
whose adult stories have distinctive titles, authors, tags and text, and asserts none of
those words reach any message, embed, autocomplete choice or component, that lookups
answer "not available here" privately, and that no rating is written. Turning the mode
off brings the usual channel rules back."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pytest

from bot.emulator.harness import App
from bot.emulator.people import Member, Reply
from bot.library.audience import NOT_AVAILABLE
from bot.library.model import ParsedStory, RatingLevel
from bot.ui.paginator import OUT_OF_DATE
from tests.cogs.storygen import add, make_story
from tests.cogs.test_announcements import adult_file, announcements
from tests.cogs.test_library import LIBRARIAN_REFUSAL, PNG, add_bytes, story_file, zip_of

# Words only the adult stories carry: none may reach a member while extra-safe is on.
SECRET = ("Velvet", "Obsidian", "Zircon", "Nightshade", "Scarlet Kink", "Umbral")
PAIRING = ("Buffy Summers", "Spike")


def adult_story(title: str, level: RatingLevel, **fields: Any) -> ParsedStory:
    story = make_story(title, level=level, author="Nightshade Quill", pairing=PAIRING)
    return replace(story, tags=["Scarlet Kink"], summary=f"{title}: an Umbral summary.", **fields)


def plain_story(title: str, level: RatingLevel = RatingLevel.GENERAL, **fields: Any) -> ParsedStory:
    story = make_story(title, level=level, author="Plain Author", pairing=PAIRING)
    return replace(story, tags=["Fluff"], summary=f"{title}: a gentle summary.", **fields)


def seen(reply: Reply | list[dict[str, Any]]) -> str:
    """Everything a member can see of an answer: content, embeds, buttons, menus,
    follow-ups — or an autocomplete's choices."""
    if isinstance(reply, list):
        return "\n".join(f"{c['name']} {c['value']}" for c in reply)
    pieces = [reply.text, *reply.labels]
    for option in reply.options:
        pieces += [option.get("label", ""), option.get("description") or ""]
    for select in reply.selects:
        pieces.append(select.get("placeholder") or "")
    pieces += [seen(f) for f in reply.followups]
    return "\n".join(pieces)


def assert_hidden(
    reply: Reply | list[dict[str, Any]], what: str, typed: tuple[str, ...] = ()
) -> None:
    """None of the adult stories' words (besides what the member typed, echoed back)
    and no hint that something was left out."""
    shown = seen(reply).lower()
    for echoed in typed:
        shown = shown.replace(f"“{echoed.lower()}”", "“…”").replace(f"by {echoed.lower()}.", "")
    for word in SECRET:
        assert word.lower() not in shown, f"{what} shows {word!r}: {shown[:600]}"
    for hint in ("adult stor", "adult part", "age-restricted"):
        assert hint not in shown, f"{what} hints at hidden stories ({hint!r}): {shown[:600]}"


def assert_not_available(reply: Reply, what: str) -> None:
    assert reply.ephemeral, f"{what}: {reply!r}"
    texts = [reply.content, *(f.content for f in reply.followups)]
    assert NOT_AVAILABLE in texts, f"{what}: {reply!r}"
    assert not reply.embeds and not reply.components, f"{what}: {reply!r}"
    assert_hidden(reply, what)


def ratings_table(app: App) -> list[tuple]:
    with sqlite3.connect(app.config.database) as db:
        return db.execute(
            "SELECT story_id, user_id, stars, review FROM reader_ratings ORDER BY 1, 2"
        ).fetchall()


async def extra_safe(app: App, enabled: bool) -> Reply:
    reply = await app.moderator.slash("settings extra-safe", enabled=enabled, channel=app.general)
    assert reply.ephemeral
    return reply


@pytest.fixture
async def shelf(app: App) -> dict[str, int]:
    """A library with adult stories of every adult rating (one in a series with a
    General part), general and teen stories, ratings, reviews, a reading list and a
    reading place — all made before extra-safe is turned on."""
    ids = {
        "velvet": await add(
            app,
            adult_story(
                "Velvet Crimson Nocturne",
                RatingLevel.EXPLICIT,
                series="Dusk Cycle",
                series_part=2,
            ),
        ),
        "obsidian": await add(app, adult_story("Obsidian Whisper Affair", RatingLevel.MATURE)),
        "zircon": await add(app, adult_story("Zircon Unmarked Tale", RatingLevel.NOT_RATED)),
        "harbour": await add(
            app, plain_story("Quiet Harbour Morning", series="Dusk Cycle", series_part=1)
        ),
        "lantern": await add(app, plain_story("Paper Lantern Days", RatingLevel.TEEN)),
    }
    for n in range(12):  # enough for a second page of /browse
        ids[f"filler{n}"] = await add(app, plain_story(f"Aaa Filler {n:02}"))
    library, g = app.bot.library, app.guild.id
    for reader in (app.reader, app.reader2):
        await library.rate(g, ids["velvet"], reader.id, 5, review="Umbral and Velvet, wow")
        await library.rate(g, ids["obsidian"], reader.id, 5)
        await library.rate(g, ids["zircon"], reader.id, 4)
    await library.rate(g, ids["harbour"], app.reader2.id, 4, review="Calm and kind")
    await library.rate(g, ids["lantern"], app.reader2.id, 3)
    await library.mark_later(g, app.reader.id, ids["obsidian"])
    await library.mark_later(g, app.reader.id, ids["lantern"])
    await library.save_position(g, app.reader.id, ids["zircon"], 1, 1)
    return ids


async def test_turning_it_on_is_for_moderators_shown_and_logged_in_plain_words(app: App) -> None:
    refused = await app.reader.slash("settings extra-safe", enabled=True, channel=app.general)
    assert refused.ephemeral and refused.content == LIBRARIAN_REFUSAL
    assert (await app.bot.library.settings(app.guild.id)).extra_safe is False

    shown = await app.moderator.slash("settings show", channel=app.general)
    assert _field(shown, "Extra-safe mode") == "off"
    on = await extra_safe(app, True)
    assert on.content.startswith("Extra-safe mode is on:")
    assert _field(on, "Extra-safe mode").startswith("on — adult stories")
    # answers about adult titles and announcements say that extra-safe still hides them
    listing = await app.moderator.slash("settings adult-listing", enabled=True, channel=app.general)
    assert "Extra-safe mode is on, so adult stories stay hidden" in listing.content
    assert _field(listing, "Adult titles").startswith("on (no effect while extra-safe")
    news = await app.moderator.slash(
        "settings announcements", options={"channel": app.adult}, channel=app.general
    )
    assert "(and are not announced)" in news.content
    off = await extra_safe(app, False)
    assert off.content.startswith("Extra-safe mode is off")
    assert _field(off, "Adult titles").startswith("on\n")
    assert _field(off, "Extra-safe mode") == "off"

    log = await app.moderator.slash("library log", channel=app.general)
    text = log.embed["description"]
    assert "turned on extra-safe mode (adult stories hidden from members)" in text
    assert "turned off extra-safe mode" in text and "extra_safe" not in text


def _field(reply: Reply, name: str) -> str:
    for item in reply.embed.get("fields", []):
        if item["name"].startswith(name):
            return item["value"]
    raise AssertionError(f"no field {name!r} in {reply.embed}")


# ---- the sweep ------------------------------------------------------------------------

STORY_OPTIONS = [
    ("story", {}),
    ("read", {}),
    ("excerpt", {}),
    ("rate", {"stars": 5}),
    ("similar", {}),
    ("later add", {}),
    ("later remove", {}),
]
FACETS = [
    ("search", "author", "Night"),
    ("browse", "pairing", "Buffy"),
    ("browse", "character", "Sp"),
    ("browse", "author", "Night"),
    ("browse", "tag", "Scar"),
    ("browse", "exclude", ""),
    ("browse", "series", ""),
    ("recommend", "pairing", "Spuffy"),
    ("top", "pairing", "B/S"),
]


async def test_extra_safe_hides_adult_stories_from_every_member_view(
    app: App, shelf: dict[str, int]
) -> None:
    velvet, harbour = shelf["velvet"], shelf["harbour"]
    # made before the mode was on, in the age-restricted channel: an adult card, an
    # excerpt with Continue, a reading session, a list whose second page is adult
    old_card = await app.reader.slash("story", story=str(velvet), channel=app.adult)
    assert "Velvet Crimson Nocturne" in old_card.text and "Read" in old_card.labels
    old_excerpt = await app.reader.slash("excerpt", story=str(velvet), channel=app.adult)
    session = await app.reader.slash("read", story=str(shelf["obsidian"]), channel=app.adult)
    old_list = await app.reader.slash("browse", channel=app.adult)
    assert "Next" in old_list.labels
    old_menu = await app.reader.slash("search", query="velvet", channel=app.adult)
    assert "Velvet Crimson Nocturne" in seen(old_menu)

    await extra_safe(app, True)
    before = ratings_table(app)

    for channel in (app.general, app.adult, app.adult_thread):
        where = f"#{channel.name}"
        await _sweep_commands(app, app.reader, channel, shelf, where)
        await _sweep_autocomplete(app, app.reader, channel, where)
    # a moderator reading as a member is a member
    await _sweep_commands(app, app.moderator, app.adult, shelf, "moderator in #adult")

    # the series card of the visible part neither names nor counts the adult part
    card = await app.reader.slash("story", story=str(harbour), channel=app.adult)
    assert "Dusk Cycle" in card.text and "Read" in card.labels
    assert_hidden(card, "the General part's card")
    for label in ("More like this", "Reviews"):
        assert_hidden(await card.click(label), f"{label} on the General part's card")

    # old cards, old excerpts, open sessions, old lists and forged ids: not available
    for label in ("★5", "Read", "Excerpt", "More like this", "Read later", "Reviews"):
        assert_not_available(await old_card.click(label), f"old card {label}")
    assert_not_available(await old_excerpt.click("Continue"), "old excerpt Continue")
    turned = await session.click("Next")
    assert_not_available(turned, "an open reading session")
    picked = await old_menu.select(str(velvet))
    assert_not_available(picked, "an old search menu")
    page = await old_list.click("Next")
    assert page.ephemeral and page.content == OUT_OF_DATE, page
    for custom_id in (
        f"storybot:rate:{velvet}:4",
        f"storybot:read:{velvet}",
        f"storybot:excerpt:{velvet}",
        f"storybot:next:{velvet}:1:1",
        f"storybot:similar:{velvet}",
        f"storybot:later:{velvet}",
        f"storybot:reviews:{velvet}",
    ):
        card = await app.reader.slash("story", story=str(harbour), channel=app.general)
        card.buttons[-1]["custom_id"] = custom_id  # the message as Discord would hold it
        assert_not_available(await card.click(custom_id), f"forged {custom_id}")

    assert ratings_table(app) == before  # no rating written, none erased
    later = await app.bot.library.later(app.guild.id, app.reader.id)
    assert {s.id for s in later} == {shelf["obsidian"], shelf["lantern"]}  # nothing written

    # off again: the usual rules are back
    await extra_safe(app, False)
    found = await app.reader.slash("search", query="velvet crimson", channel=app.adult)
    assert "Velvet Crimson Nocturne" in found.text
    outside = await app.reader.slash("search", query="velvet crimson", channel=app.general)
    assert "age-restricted channels" in outside.content  # the hint is back
    card = await app.reader.slash("story", story=str(velvet), channel=app.general)
    assert card.embed["title"] == "Velvet Crimson Nocturne" and "Read" not in card.labels
    rated = await old_card.click("★3")
    assert "Velvet Crimson Nocturne" in rated.content
    assert ratings_table(app) != before


async def _sweep_commands(
    app: App, who: Member, channel: Any, shelf: dict[str, int], where: str
) -> None:
    velvet, obsidian, zircon = shelf["velvet"], shelf["obsidian"], shelf["zircon"]
    for title, story_id in (
        ("Velvet Crimson Nocturne", velvet),
        ("Obsidian Whisper Affair", obsidian),
        ("Zircon Unmarked Tale", zircon),
    ):
        for command, options in STORY_OPTIONS:
            for value in (str(story_id), f"#{story_id}", title, title.lower()):
                reply = await who.slash(command, story=value, channel=channel, **options)
                assert_not_available(reply, f"/{command} {value!r} in {where}")
        # a typo or part of the title: no suggestion of a hidden story
        for command, options in STORY_OPTIONS:
            typo = title[:-3] + "xx"
            reply = await who.slash(command, story=typo, channel=channel, **options)
            assert reply.ephemeral
            assert_hidden(reply, f"/{command} typo of {title} in {where}", (typo,))

    listings: list[tuple[str, dict[str, Any]]] = [
        ("search", {"query": "velvet"}),
        ("search", {"query": "velvet crimson nocturne"}),
        ("search", {"query": "obsidian whisper"}),
        ("search", {"query": "zircon"}),
        ("search", {"query": "umbral"}),
        ("search", {"query": "scarlet kink"}),
        ("search", {"query": "spuffy explicit"}),
        ("search", {"query": "spuffy"}),
        ("search", {"query": "velvet", "author": "Nightshade Quill"}),
        ("search", {"query": "nocturne", "author": "Night"}),
        ("browse", {}),
        ("browse", {"sort": "top"}),
        ("browse", {"sort": "newest"}),
        ("browse", {"sort": "longest"}),
        ("browse", {"pairing": "Spuffy"}),
        ("browse", {"author": "Nightshade Quill"}),
        ("browse", {"tag": "Scarlet Kink"}),
        ("browse", {"character": "Spike", "sort": "top"}),
        ("browse", {"series": "Dusk Cycle"}),
        *[("browse", {"rating": level.value}) for level in RatingLevel],
        ("top", {}),
        ("top", {"pairing": "Spuffy"}),
        ("recommend", {}),
        ("recommend", {"pairing": "Spuffy"}),
        ("similar", {"story": "Quiet Harbour Morning"}),
        ("later list", {}),
        ("ratings", {}),
        ("ratings", {"member": app.reader2}),
        ("continue", {}),
        ("help", {}),
    ]
    for command, options in listings:
        reply = await who.slash(command, channel=channel, **options)
        typed = tuple(v for v in options.values() if isinstance(v, str))
        assert_hidden(reply, f"/{command} {options} in {where}", typed)
        if command == "browse" and not options:
            # page two of the whole library, and every card its menu opens
            if "Next" in reply.labels:
                assert_hidden(await reply.click("Next"), f"/browse page 2 in {where}")
            for option in reply.options:
                opened = await reply.select(option["value"], by=who)
                assert_hidden(opened, f"/browse menu {option['label']} in {where}")
    still = await who.slash("continue", channel=channel)
    if who is app.reader:  # the place saved in the Not Rated story is not reachable
        assert_not_available(still, f"/continue in {where}")


async def _sweep_autocomplete(app: App, who: Member, channel: Any, where: str) -> None:
    for command, _ in STORY_OPTIONS:
        for typed in ("", "v", "velvet", "Obsidian Whisper", "zirc", "night", "a"):
            choices = await who.autocomplete(command, "story", typed, channel=channel)
            assert_hidden(choices, f"autocomplete /{command} {typed!r} in {where}")
    for command, option, typed in FACETS:
        choices = await who.autocomplete(command, option, typed, channel=channel)
        assert_hidden(choices, f"autocomplete /{command} {option} {typed!r} in {where}")
    series = await who.autocomplete("browse", "series", "", channel=channel)
    assert [c["name"] for c in series] == ["Dusk Cycle"]  # it has a General part


# ---- moderators ------------------------------------------------------------------------


async def test_moderators_still_manage_adult_stories_privately(
    app: App, shelf: dict[str, int]
) -> None:
    await extra_safe(app, True)
    velvet = shelf["velvet"]
    offered = await app.moderator.autocomplete("library edit", "story", "velvet")
    assert offered and offered[0]["name"].startswith("Velvet Crimson Nocturne")
    edited = await app.moderator.slash(
        "library edit", story=str(velvet), summary="New words", channel=app.general
    )
    assert edited.ephemeral and "Velvet Crimson Nocturne" in edited.text
    log = await app.moderator.slash("library log", channel=app.general)
    assert log.ephemeral
    removed = await app.moderator.slash("library remove", story=str(velvet), channel=app.general)
    assert removed.ephemeral
    done = await removed.click("Remove")
    assert done.ephemeral
    trash = await app.moderator.slash("library trash", channel=app.general)
    assert trash.ephemeral and "Velvet Crimson Nocturne" in trash.text
    back = await app.moderator.slash("library restore", story=str(velvet), channel=app.general)
    assert back.ephemeral and "Velvet Crimson Nocturne" in back.text
    # the moderator answers were all private: nothing public names the story
    for channel in (app.general, app.adult):
        for message in channel.visible_messages():
            text = message.content + str(message.embeds) + str(message.components)
            assert "Velvet" not in text, message


async def test_announcements_never_name_or_count_an_adult_story(app: App) -> None:
    await app.moderator.slash(
        "settings announcements", options={"channel": app.adult}, channel=app.general
    )
    await extra_safe(app, True)
    added = await add_bytes(app, "v.txt", adult_file("Velvet Announce", 7))
    assert "Velvet Announce" in added.text and added.ephemeral  # the moderator's own view
    assert announcements(app.adult) == []
    await add_bytes(app, "s.txt", story_file(8, 1, title="Sunny Announce"))
    (shown,) = announcements(app.adult)
    assert "Sunny Announce" in shown["description"]
    assert "Velvet" not in str(shown) and "adult" not in str(shown)

    await extra_safe(app, False)
    await add_bytes(app, "w.txt", adult_file("Velvet Again", 9))
    assert "Velvet Again" in str(announcements(app.adult)[-1])


async def test_moderators_page_through_import_rejections_in_an_extra_safe_server(
    app: App,
) -> None:
    """Pages of plain lines (not stories) turn as before: the out-of-date check looks at
    stories only."""
    await extra_safe(app, True)
    files = {f"broken-{n:02d}.txt": PNG for n in range(40)}
    reply = await app.moderator.slash(
        "library import", file=app.emu.attachment("bad.zip", zip_of(files)), channel=app.general
    )
    await reply.wait_for(lambda r: bool(r.followups), timeout=30)
    last = await reply.followups[0].click("Last")
    assert "broken-39.txt" in last.embed["description"]
