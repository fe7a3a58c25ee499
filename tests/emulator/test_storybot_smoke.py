"""End to end: the real StoryBot (setup_hook, cogs, SQLite in tmp_path) on the emulator."""

from __future__ import annotations

from bot.emulator.harness import App


async def test_storybot_starts_syncs_and_answers(app: App) -> None:
    assert {"help", "search", "library"} <= set(app.command_names)
    assert app.synced, "tree.sync() returned the registered commands"
    reply = await app.reader.slash("help", channel=app.general)
    assert reply.text.strip()
    assert reply.error is None


async def test_search_finds_an_imported_sample(app: App) -> None:
    outcomes = await app.import_samples()
    assert outcomes and all(o.action == "added" for o in outcomes)
    title = next(o.title for o in outcomes if o.title and " " in o.title)
    reply = await app.reader.slash("search", query=title, channel=app.general)
    assert title in reply.text
