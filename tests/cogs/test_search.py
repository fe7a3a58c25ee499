"""/search and story autocomplete, as a member uses them."""

from __future__ import annotations

from dataclasses import replace

from bot.library.model import RatingLevel, Status
from tests.cogs.storygen import add, make_story


async def test_typo_search_finds_lets_talk(app):
    await app.import_samples()
    reply = await app.reader.slash("search", query="lets talk", channel=app.general)
    assert reply.error is None and not reply.ephemeral
    assert "Let's Talk" in reply.text
    assert "🟡 Teen" in reply.text and "Buffy Summers/Spike" in reply.text
    for typo in ("Lets Tlak", "LET'S TALK", "talk lets", "let's"):
        r = await app.reader.slash("search", query=typo, channel=app.general)
        assert "Let's Talk" in r.text.split("\n")[1], typo  # the first entry


async def test_select_menu_opens_a_private_card(app):
    await app.import_samples()
    reply = await app.reader.slash("search", query="parting", channel=app.general)
    assert "Final Parting" in reply.text
    card = await reply.select("Final Parting", by=app.reader2)  # anyone may open a card
    assert card.ephemeral
    assert card.embed["title"] == "Final Parting"
    assert "★5" in card.labels and "Read" in card.labels


async def test_nothing_close_says_so_and_suggests_browse(app):
    await app.import_samples()
    reply = await app.reader.slash("search", query="qwxz zzyq", channel=app.general)
    assert reply.ephemeral
    assert "Nothing in the library is close to" in reply.content
    assert "/browse" in reply.content


async def test_author_filter(app):
    await add(app, make_story("Moonlight", author="Alice"))
    await add(app, make_story("Moonlight Sonata", author="Bob"))
    reply = await app.reader.slash("search", query="moonlight", author="Bob", channel=app.general)
    assert "Moonlight Sonata" in reply.text and "Alice" not in reply.text
    choices = await app.reader.autocomplete("search", "author", "bo", channel=app.general)
    assert [c["name"] for c in choices] == ["Bob"]


async def test_story_autocomplete_sends_ids_and_hides_adult_titles_outside_adult_channels(app):
    await app.import_samples()
    choices = await app.reader.autocomplete("story", "story", "lets ta", channel=app.general)
    assert choices[0]["name"].startswith("Let's Talk")
    story_id = choices[0]["value"]
    assert story_id.isdigit()
    reply = await app.reader.slash("story", story=story_id, channel=app.general)
    assert reply.embed["title"] == "Let's Talk"
    # Walking in Dreams parses to Explicit: not offered in #general, offered in #after-dark
    general = await app.reader.autocomplete("story", "story", "walking", channel=app.general)
    assert all("Walking in Dreams" not in c["name"] for c in general)
    adult = await app.reader.autocomplete("story", "story", "walking", channel=app.adult)
    assert adult[0]["name"].startswith("Walking in Dreams")
    # an empty box lists titles
    everything = await app.reader.autocomplete("story", "story", "", channel=app.adult)
    assert len(everything) == 5


async def test_search_pages_through_many_results(app):
    for i in range(23):
        await add(app, make_story(f"Dream Number {i:02d}"))
    reply = await app.reader.slash("search", query="dream number", channel=app.general)
    assert "Page 1 of 3" in reply.labels
    page2 = await reply.click("Next")
    assert "Page 2 of 3" in page2.labels
    assert page2.embed["description"] != reply.edits[0]["embeds"][0]["description"]


async def test_a_search_matching_only_adult_stories_says_where_to_look(app):
    await app.import_samples()
    general = await app.reader.slash("search", query="walkng in dreams", channel=app.general)
    assert general.ephemeral
    assert "Walking in Dreams" not in general.text
    assert "age-restricted channels" in general.content
    adult = await app.reader.slash("search", query="walkng in dreams", channel=app.adult)
    assert "Walking in Dreams" in adult.text


async def test_one_box_finds_pairings_tags_summaries_and_status(app):
    spuffy = ("Buffy Summers", "Spike")
    wip = Status.WIP
    await add(app, replace(make_story("Cold Light", pairing=spuffy, status=wip), tags=["Angst"]))
    await add(app, replace(make_story("Warm Light", pairing=spuffy, status=wip), tags=["Fluff"]))
    await add(app, replace(make_story("Done Deal", pairing=spuffy), tags=["Angst"]))
    await add(
        app,
        replace(make_story("Graveyard", level=RatingLevel.EXPLICIT), summary="A cemetery patrol"),
    )
    reply = await app.reader.slash("search", query="spuffy angst wip", channel=app.general)
    assert not reply.ephemeral
    assert "Cold Light" in reply.text
    assert "Warm Light" not in reply.text and "Done Deal" not in reply.text
    # a summary word, typed wrong: the story is adult, so only its channels list it
    general = await app.reader.slash("search", query="cemetary", channel=app.general)
    assert general.ephemeral and "age-restricted channels" in general.content
    adult = await app.reader.slash("search", query="cemetary", channel=app.adult)
    assert "Graveyard" in adult.text
    # filters that match nothing are named in the answer
    none = await app.reader.slash("search", query="spuffy explicit", channel=app.general)
    assert none.ephemeral
    assert "pairing Buffy Summers/Spike · rated Explicit" in none.content
