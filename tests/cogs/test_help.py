"""/help names every command the bot registers with Discord, in one private screen."""

from __future__ import annotations


async def test_help_is_one_private_screen_naming_every_command(app):
    reply = await app.reader.slash("help", channel=app.general)
    assert reply.ephemeral
    assert len(reply.embeds) == 1
    assert "age-restricted" in reply.text
    for name in app.command_names:
        if name != "help":
            assert f"/{name}" in reply.text, f"/help does not mention /{name}"


async def test_every_reader_command_is_registered(app):
    expected = {
        "search",
        "story",
        "browse",
        "excerpt",
        "read",
        "continue",
        "rate",
        "ratings",
        "top",
        "recommend",
        "help",
        "library",
        "settings",
    }
    assert expected <= set(app.command_names)
