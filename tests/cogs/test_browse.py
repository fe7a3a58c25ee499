"""/browse: filters, sorting, the shared paginator (owner-only pages, jump box), cards."""

from __future__ import annotations

import pytest

from bot.library.model import RatingLevel, Status
from tests.cogs.storygen import add, make_story


@pytest.fixture
async def shelf(app):
    """25 General stories (titles Story 00..24), alternating pairings, growing lengths."""
    for i in range(25):
        pairing = ("Buffy Summers", "Spike") if i % 2 else ("Angel", "Buffy Summers")
        await add(
            app,
            make_story(
                f"Story {i:02d}",
                author=f"Author {i % 3}",
                paragraphs=1 + i,
                pairing=pairing,
                status=Status.WIP if i % 5 == 0 else Status.COMPLETE,
            ),
        )
    return app


async def test_pages_first_previous_next_last_and_jump(shelf):
    app = shelf
    reply = await app.reader.slash("browse", channel=app.general)
    assert reply.labels == ["First", "Previous", "Page 1 of 3", "Next", "Last"]
    assert "Story 00" in reply.text and "Story 10" not in reply.text
    assert reply.buttons[0]["disabled"] and reply.buttons[1]["disabled"]
    nxt = await reply.click("Next")
    assert "Page 2 of 3" in nxt.labels and "Story 10" in nxt.text
    last = await nxt.click("Last")
    assert "Page 3 of 3" in last.labels and "Story 24" in last.text
    assert last.buttons[3]["disabled"] and last.buttons[4]["disabled"]
    prev = await last.click("Previous")
    assert "Page 2 of 3" in prev.labels
    first = await prev.click("First")
    assert "Page 1 of 3" in first.labels
    box = await first.click("Page 1 of 3")
    assert box.modal is not None and box.modal["title"] == "Go to page"
    jumped = await box.submit_modal({"Page": "3"})
    assert "Story 24" in jumped.text
    assert "Page 3 of 3" in jumped.message.components[0]["components"][2]["label"]
    bad = await (await first.click("Page 3 of 3")).submit_modal({"Page": "9"})
    assert bad.ephemeral and "pick a number from 1 to 3" in bad.content


async def test_only_the_opener_turns_pages_but_anyone_opens_cards(shelf):
    app = shelf
    reply = await app.reader.slash("browse", channel=app.general)
    refused = await reply.click("Next", by=app.reader2)
    assert refused.ephemeral and "Only the member who opened this" in refused.content
    assert "Page 1 of 3" in reply.labels  # unchanged
    card = await reply.select("Story 03", by=app.reader2)
    assert card.ephemeral and card.embed["title"] == "Story 03"


async def test_filters_and_sorts(shelf):
    app = shelf
    spuffy = await app.reader.slash("browse", pairing="Buffy Summers/Spike", channel=app.general)
    assert "Story 01" in spuffy.text and "Story 00" not in spuffy.text
    assert "12 stories" in spuffy.text
    wip = await app.reader.slash("browse", status="wip", channel=app.general)
    assert "5 stories" in wip.text
    by_author = await app.reader.slash("browse", author="Author 1", channel=app.general)
    assert "Story 01" in by_author.text and "Story 02" not in by_author.text
    longest = await app.reader.slash("browse", sort="longest", channel=app.general)
    assert longest.embed["description"].index("Story 24") < longest.embed["description"].index(
        "Story 23"
    )
    short = await app.reader.slash("browse", length="short", channel=app.general)
    assert "Story 00" in short.text
    epic = await app.reader.slash("browse", length="epic", channel=app.general)
    assert epic.ephemeral and "No stories match those filters." in epic.content


async def test_facet_autocomplete(shelf):
    app = shelf
    pairings = await app.reader.autocomplete("browse", "pairing", "spi", channel=app.general)
    assert [c["name"] for c in pairings] == ["Buffy Summers/Spike"]
    characters = await app.reader.autocomplete("browse", "character", "ang", channel=app.general)
    assert "Angel" in [c["name"] for c in characters]
    authors = await app.reader.autocomplete("browse", "author", "author", channel=app.general)
    assert len(authors) == 3


async def test_adult_stories_are_left_out_of_lists_in_normal_channels(app):
    await add(app, make_story("Tame Tale"))
    await add(app, make_story("Steamy Tale", level=RatingLevel.EXPLICIT))
    general = await app.reader.slash("browse", channel=app.general)
    assert "Tame Tale" in general.text and "Steamy Tale" not in general.text
    assert "listed only in age-restricted channels" in general.text
    adult = await app.reader.slash("browse", channel=app.adult)
    assert "Steamy Tale" in adult.text
    refused = await app.reader.slash("browse", rating="Explicit", channel=app.general)
    assert refused.ephemeral and "age-restricted" in refused.content
    # a server that opts in lists adult titles everywhere
    await app.bot.library.set_setting(
        app.guild.id, "list_adult_titles", True, actor_id=app.moderator.id
    )
    opted = await app.reader.slash("browse", channel=app.general)
    assert "Steamy Tale" in opted.text


async def test_an_empty_library_says_how_stories_get_in(app):
    reply = await app.reader.slash("browse", channel=app.general)
    assert reply.ephemeral and "/library add" in reply.content


async def test_ship_names_initials_and_either_order_and_sort_top(app):
    spuffy = ("Buffy Summers", "Spike")
    bangel = ("Angel", "Buffy Summers")
    ids = {}
    for title, pairing, author in (
        ("Fool for Love", spuffy, "A"),
        ("Once More", spuffy, "B"),
        ("Graduation Day", bangel, "C"),
    ):
        ids[title] = await add(app, make_story(title, author=author, pairing=pairing))
    for user, stars in ((1, 5), (2, 5), (3, 4)):
        await app.bot.library.rate(app.guild.id, ids["Once More"], user, stars)
    await app.bot.library.rate(app.guild.id, ids["Fool for Love"], 1, 3)
    for spelling in ("Spuffy", "spike/buffy", "Buffy Summers/Spike"):
        reply = await app.reader.slash("browse", pairing=spelling, sort="top", channel=app.general)
        assert [o["label"] for o in reply.options] == ["Once More", "Fool for Love"], spelling
    initials = await app.reader.slash("browse", pairing="B/A", channel=app.general)
    assert [o["label"] for o in initials.options] == ["Graduation Day"]
    everything = await app.reader.slash("browse", sort="top", channel=app.general)
    assert not everything.ephemeral
    assert everything.interaction.response_type == 5  # deferred (publicly) before paging
    assert [o["label"] for o in everything.options] == [
        "Once More",
        "Fool for Love",
        "Graduation Day",
    ]
    unknown = await app.reader.slash("browse", pairing="Xander/Anya", channel=app.general)
    assert unknown.ephemeral and "No stories with the pairing" in unknown.content
    assert unknown.interaction.response_type == 4  # refused at once, privately: no public defer


async def test_tag_filter_exclude_warnings_and_tags_and_natural_title_order(app):
    def story(title: str, tags: list[str], warnings: list[str]):
        parsed = make_story(title)
        parsed.tags = tags
        parsed.warnings = warnings
        return parsed

    await add(app, story("Part 12", ["Angst"], ["No Archive Warnings Apply"]))
    await add(app, story("Part 2", ["Angst", "Fluff"], ["Major Character Death"]))
    await add(app, story("Part 1", ["Fluff"], []))
    everything = await app.reader.slash("browse", channel=app.general)
    assert [o["label"] for o in everything.options] == ["Part 1", "Part 2", "Part 12"]
    angst = await app.reader.slash("browse", tag="angst", channel=app.general)
    assert [o["label"] for o in angst.options] == ["Part 2", "Part 12"]
    no_death = await app.reader.slash(
        "browse", exclude="Major Character Death", channel=app.general
    )
    assert [o["label"] for o in no_death.options] == ["Part 1", "Part 12"]
    assert "(without Major Character Death)" in no_death.embed["title"]
    neither = await app.reader.slash(
        "browse", tag="Fluff", exclude="major character death, Angst", channel=app.general
    )
    assert [o["label"] for o in neither.options] == ["Part 1"]
    choices = await app.reader.autocomplete("browse", "tag", "ang", channel=app.general)
    assert [c["value"] for c in choices] == ["Angst"]
    nothing = await app.reader.slash("browse", tag="Crossover", channel=app.general)
    assert nothing.ephemeral and "No stories match those filters." in nothing.content


async def test_pairing_autocomplete_offers_the_ship_for_its_name_or_initials(app):
    await add(app, make_story("Fool for Love", pairing=("Buffy Summers", "Spike")))
    await add(app, make_story("Hot Bangel", pairing=("Angel", "Buffy Summers"), level=_explicit()))
    for typed_text in ("Spuffy", "spike/buffy"):
        choices = await app.reader.autocomplete(
            "browse", "pairing", typed_text, channel=app.general
        )
        assert [c["value"] for c in choices][:1] == ["Buffy Summers/Spike"], typed_text
    # a pairing only adult stories have is not offered where adult titles are not listed
    hidden = await app.reader.autocomplete("browse", "pairing", "B/A", channel=app.general)
    assert "Angel/Buffy Summers" not in [c["value"] for c in hidden]
    shown = await app.reader.autocomplete("browse", "pairing", "B/A", channel=app.adult)
    assert [c["value"] for c in shown][:1] == ["Angel/Buffy Summers"]


def _explicit():
    return RatingLevel.EXPLICIT
