"""Each rejection Discord makes, provoked through the real client and seen as HTTPException."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest
from discord.http import Route

from bot.emulator.errors import flatten_errors
from tests.emulator.tinybot import Tiny


async def post_raw(
    tiny: Tiny, payload: dict[str, Any], channel_id: int | None = None
) -> discord.HTTPException:
    route = Route(
        "POST", "/channels/{channel_id}/messages", channel_id=channel_id or tiny.general.id
    )
    with pytest.raises(discord.HTTPException) as caught:
        await tiny.bot.http.request(route, json=payload)
    return caught.value


def last_bot_error(tiny: Tiny) -> discord.HTTPException:
    error = tiny.bot.errors[-1]
    assert isinstance(error, discord.HTTPException), error
    return error


async def test_acknowledging_after_three_seconds_is_unknown_interaction(tiny: Tiny) -> None:
    pending = asyncio.ensure_future(tiny.reader.slash("gated"))
    await asyncio.sleep(0)
    tiny.emu.clock.advance(4)
    tiny.bot.gate.set()
    reply = await pending
    assert reply.error is not None and (reply.error.status, reply.error.code) == (404, 10062)
    error = last_bot_error(tiny)
    assert isinstance(error, discord.NotFound) and error.code == 10062


async def test_second_acknowledgement_is_rejected(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("twice")
    assert reply.content == "first"
    await reply.wait_for(lambda r: r.error is not None)
    assert (reply.error.status, reply.error.code) == (400, 40060)
    assert last_bot_error(tiny).code == 40060


async def test_more_than_25_autocomplete_choices(tiny: Tiny) -> None:
    with pytest.raises(AssertionError, match="50035"):
        await tiny.reader.autocomplete("toomany", "word", "ab")
    rejection = tiny.emu.rejections[-1]
    assert "data.choices" in flatten_errors(rejection.errors or {})


async def test_embeds_over_6000_characters(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("bigembed")
    assert (reply.error.status, reply.error.code) == (400, 50035)
    assert "MAX_EMBED_SIZE" in str(reply.error.errors)
    assert last_bot_error(tiny).code == 50035


async def test_content_over_2000_characters_fails_the_spec(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("longtext")
    assert reply.error.code == 50035
    assert flatten_errors(reply.error.errors)["data.content"] == "Must be 2000 or fewer in length."


async def test_empty_message(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("empty")
    assert (reply.error.status, reply.error.code) == (400, 50006)
    assert last_bot_error(tiny).code == 50006


async def test_file_over_the_upload_limit(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("bigfile")
    assert (reply.error.status, reply.error.code) == (413, 40005)
    assert last_bot_error(tiny).status == 413


async def test_unknown_channel_and_message(tiny: Tiny) -> None:
    error = await post_raw(tiny, {"content": "hi"}, channel_id=424242)
    assert isinstance(error, discord.NotFound) and error.code == 10003
    route = Route(
        "PATCH",
        "/channels/{channel_id}/messages/{message_id}",
        channel_id=tiny.general.id,
        message_id=99,
    )
    with pytest.raises(discord.NotFound) as caught:
        await tiny.bot.http.request(route, json={"content": "x"})
    assert caught.value.code == 10008


async def test_missing_access(tiny: Tiny) -> None:
    secret = tiny.guild.create_text_channel("secret")
    secret.set_permissions(tiny.guild.role("StoryBot"), deny=discord.Permissions(view_channel=True))
    error = await post_raw(tiny, {"content": "hi"}, channel_id=secret.id)
    assert isinstance(error, discord.Forbidden) and error.code == 50001


def _buttons(n: int, prefix: str = "b") -> dict[str, Any]:
    return {
        "type": 1,
        "components": [
            {"type": 2, "style": 1, "label": str(i), "custom_id": f"{prefix}{i}"} for i in range(n)
        ],
    }


@pytest.mark.parametrize(
    ("components", "path"),
    [
        ([_buttons(1, f"r{i}") for i in range(6)], "components"),
        ([_buttons(6)], "components.0.components"),
        ([_buttons(2), _buttons(2)], "components.1.components.0.custom_id"),
        (
            [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 1, "label": "x", "custom_id": "c" * 101}],
                }
            ],
            "components.0.components.0.custom_id",
        ),
        (
            [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 3,
                            "custom_id": "s",
                            "options": [{"label": str(i), "value": str(i)} for i in range(26)],
                        }
                    ],
                }
            ],
            "components.0.components.0.options",
        ),
    ],
    ids=["six-rows", "six-buttons", "duplicate-id", "long-id", "26-options"],
)
async def test_component_limits(tiny: Tiny, components: list[dict[str, Any]], path: str) -> None:
    error = await post_raw(tiny, {"content": "x", "components": components})
    assert error.status == 400 and error.code == 50035
    assert path in flatten_errors(tiny.emu.rejections[-1].errors or {})


async def test_allowed_mentions_parse_and_list_are_exclusive(tiny: Tiny) -> None:
    error = await post_raw(
        tiny, {"content": "<@1>", "allowed_mentions": {"parse": ["users"], "users": ["1"]}}
    )
    assert error.code == 50035
    assert "allowed_mentions" in flatten_errors(tiny.emu.rejections[-1].errors or {})


async def test_body_breaking_the_spec(tiny: Tiny) -> None:
    error = await post_raw(tiny, {"content": 5})
    assert error.code == 50035
    assert flatten_errors(tiny.emu.rejections[-1].errors or {}) == {
        "content": "Value must be of type ['string', 'null']."
    }


async def test_followup_after_the_token_expired(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("hello", name="x")
    tiny.emu.clock.advance(16 * 60)
    with pytest.raises(discord.HTTPException) as caught:
        await tiny.bot.http.request(
            Route(
                "POST",
                "/webhooks/{webhook_id}/{webhook_token}",
                webhook_id=tiny.emu.application_id,
                webhook_token=reply.interaction.token,
            ),
            json={"content": "too late"},
        )
    assert (caught.value.status, caught.value.code) == (401, 50027)


async def test_unserved_route_is_recorded(tiny: Tiny) -> None:
    with pytest.raises(discord.NotFound):
        await tiny.bot.http.request(Route("GET", "/guilds/{guild_id}/bans", guild_id=tiny.guild.id))
    assert "does not serve" in tiny.emu.rejections[-1].message


async def test_expected_rejections_are_marked(tiny: Tiny) -> None:
    with tiny.emu.expect_rejections() as seen:
        await post_raw(tiny, {"content": ""})
    assert [r.code for r in seen] == [50006]
    assert tiny.emu.unexpected_rejections() == []


async def test_components_v2_messages_cannot_carry_content(tiny: Tiny) -> None:
    text = {"type": 10, "content": "hello"}
    error = await post_raw(tiny, {"content": "x", "flags": 1 << 15, "components": [text]})
    assert error.code == 50035
    ok = await tiny.bot.http.request(
        Route("POST", "/channels/{channel_id}/messages", channel_id=tiny.general.id),
        json={"flags": 1 << 15, "components": [text]},
    )
    assert ok["components"][0]["content"] == "hello"
