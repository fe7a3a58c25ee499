"""/help, and every reader command registered with Discord."""

from __future__ import annotations


async def test_help_is_one_private_screen(app):
    reply = await app.reader.slash("help", channel=app.general)
    assert reply.ephemeral
    for command in (
        "/search",
        "/browse",
        "/story",
        "/excerpt",
        "/read",
        "/continue",
        "/rate",
        "/ratings",
        "/top",
        "age-restricted",
    ):
        assert command in reply.text
    assert len(reply.embeds) == 1


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
        "help",
    }
    assert expected <= set(app.command_names)
