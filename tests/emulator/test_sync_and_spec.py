"""Command sync (global and guild) and the spec checks on bodies the client sends."""

from __future__ import annotations

import discord
import pytest
from discord.http import Route

from bot.emulator import CommandRefused
from bot.emulator.errors import DiscordError, flatten_errors
from bot.emulator.spec import SpecChecker
from tests.emulator.tinybot import Tiny


async def test_guild_sync_registers_guild_commands(tiny: Tiny) -> None:
    guild = discord.Object(id=tiny.guild.id)
    tiny.bot.tree.copy_global_to(guild=guild)
    synced = await tiny.bot.tree.sync(guild=guild)
    assert {c.name for c in synced} == {c["name"] for c in tiny.emu.guild_commands[tiny.guild.id]}
    fetched = await tiny.bot.tree.fetch_commands(guild=guild)
    assert {c.id for c in fetched} == {c.id for c in synced}
    modonly = next(c for c in synced if c.name == "modonly")
    assert modonly.default_member_permissions == discord.Permissions(manage_guild=True)


async def test_guild_commands_are_not_offered_in_dms(tiny: Tiny) -> None:
    tiny.bot.tree.clear_commands(guild=None)
    await tiny.bot.tree.sync()
    tiny.bot.tree.add_command(
        discord.app_commands.Command(name="local", description="guild only", callback=_local),
        guild=discord.Object(id=tiny.guild.id),
    )
    await tiny.bot.tree.sync(guild=discord.Object(id=tiny.guild.id))
    assert (await tiny.reader.slash("local")).content == "local"
    with pytest.raises(CommandRefused, match="not a command"):
        await tiny.reader.slash("local", channel=tiny.reader.dm_channel)


async def _local(interaction: discord.Interaction) -> None:
    await interaction.response.send_message("local")


async def test_invalid_command_registration_is_rejected(tiny: Tiny) -> None:
    route = Route(
        "PUT", "/applications/{application_id}/commands", application_id=tiny.emu.application_id
    )
    with pytest.raises(discord.HTTPException) as caught:
        await tiny.bot.http.request(route, json=[{"name": "x", "description": "d" * 101}])
    assert caught.value.code == 50035
    assert "0.description" in flatten_errors(tiny.emu.rejections[-1].errors or {})
    with pytest.raises(discord.HTTPException):
        await tiny.bot.http.request(route, json=[{"name": "a", "description": "d"}] * 2)


async def test_callback_with_a_wrong_token_is_unknown_interaction(tiny: Tiny) -> None:
    reply = await tiny.reader.slash("hello", name="x")
    route = Route(
        "POST",
        "/interactions/{interaction_id}/{token}/callback",
        interaction_id=reply.interaction.id,
        token="not-the-token",
    )
    with pytest.raises(discord.NotFound) as caught:
        await tiny.bot.http.request(route, json={"type": 4, "data": {"content": "x"}})
    assert caught.value.code == 10062


def test_spec_checker_reports_the_field_in_discords_error_tree() -> None:
    spec = SpecChecker()
    spec.check(
        "create_interaction_response",
        {"type": 8, "data": {"choices": [{"name": "a", "value": "b"}]}},
        discriminate=True,
    )
    with pytest.raises(DiscordError) as caught:
        spec.check(
            "create_interaction_response",
            {"type": 4, "data": {"embeds": [{"title": "t" * 257}]}},
            discriminate=True,
        )
    assert caught.value.code == 50035
    assert flatten_errors(caught.value.errors or {}) == {
        "data.embeds.0.title": "Must be 256 or fewer in length."
    }


def test_snowflakes_may_be_integers_as_discord_accepts() -> None:
    spec = SpecChecker()
    spec.check("create_message", {"content": "x", "allowed_mentions": {"users": [123, "456"]}})
    with pytest.raises(DiscordError):
        spec.check("create_message", {"content": "x", "allowed_mentions": {"users": ["abc"]}})


BODIES = [
    (
        "create_interaction_response",
        {"type": 8, "data": {"choices": [{"name": "a", "value": "b"}] * 25}},
    ),
    ("create_interaction_response", {"type": 8, "data": {"choices": [{"name": "", "value": "b"}]}}),
    ("create_interaction_response", {"type": 8, "data": {"choices": [{"name": "a", "value": 3}]}}),
    ("create_interaction_response", {"type": 8, "data": {"choices": None}}),
    (
        "create_interaction_response",
        {
            "type": 4,
            "data": {
                "content": "x",
                "flags": 64,
                "embeds": [
                    {
                        "title": "t",
                        "fields": [{"name": "n", "value": "v", "inline": True}],
                        "color": 5,
                    }
                ],
            },
        },
    ),
    ("create_interaction_response", {"type": 4, "data": {"embeds": [{"fields": [{"name": "n"}]}]}}),
    (
        "create_interaction_response",
        {
            "type": 9,
            "data": {
                "custom_id": "m",
                "title": "T",
                "components": [
                    {
                        "type": 1,
                        "components": [{"type": 4, "custom_id": "i", "label": "L", "style": 1}],
                    }
                ],
            },
        },
    ),
    ("create_interaction_response", {"type": 9, "data": {"custom_id": "m", "components": []}}),
    ("create_interaction_response", {"type": 5, "data": {"flags": 64}}),
    ("create_interaction_response", {"type": 77}),
    ("create_message", {"content": "x", "allowed_mentions": {"parse": [], "users": None}}),
    ("create_message", {"content": None, "tts": "yes"}),
    (
        "execute_webhook",
        {
            "content": "x" * 2000,
            "components": [
                {
                    "type": 1,
                    "components": [
                        {
                            "type": 3,
                            "custom_id": "s",
                            "options": [{"label": "a", "value": "a"}],
                            "max_values": 1,
                        }
                    ],
                }
            ],
        },
    ),
    (
        "bulk_set_application_commands",
        [
            {
                "name": "search",
                "description": "d",
                "options": [
                    {
                        "type": 3,
                        "name": "query",
                        "description": "q",
                        "required": True,
                        "autocomplete": True,
                    }
                ],
            }
        ],
    ),
    (
        "bulk_set_application_commands",
        [
            {
                "name": "search",
                "description": "d",
                "options": [{"type": 3, "name": "query", "description": "q" * 101}],
            }
        ],
    ),
]


UNIONS = [  # discriminated unions: command options by type, components by type
    (
        "bulk_set_application_commands",
        [
            {
                "name": "s",
                "description": "d",
                "options": [{"type": 3, "name": "q", "description": "q", "max_length": 7000}],
            }
        ],
    ),
    (
        "bulk_set_application_commands",
        [
            {
                "name": "s",
                "description": "d",
                "options": [{"type": 99, "name": "q", "description": "q"}],
            }
        ],
    ),
    (
        "bulk_set_application_commands",
        [
            {
                "name": "s",
                "description": "d",
                "options": [{"type": True, "name": "q", "description": "q"}],
            }
        ],
    ),
    (
        "bulk_set_application_commands",
        [
            {
                "name": "lib",
                "description": "d",
                "options": [
                    {
                        "type": 1,
                        "name": "add",
                        "description": "a",
                        "options": [
                            {"type": 11, "name": "file", "description": "f", "required": True},
                            {
                                "type": 4,
                                "name": "n",
                                "description": "n",
                                "min_value": 1,
                                "max_value": 5,
                            },
                        ],
                    }
                ],
            }
        ],
    ),
    (
        "create_message",
        {
            "components": [
                {
                    "type": 1,
                    "components": [{"type": 2, "style": 1, "label": "x" * 81, "custom_id": "a"}],
                }
            ]
        },
    ),
    (
        "create_message",
        {
            "components": [
                {
                    "type": 1,
                    "components": [
                        {"type": 2, "style": 5, "label": "site", "url": "https://example.org"}
                    ],
                }
            ]
        },
    ),
    ("create_message", {"components": [{"type": 42}]}),
]


def _button(style: object) -> dict[str, object]:
    return {
        "components": [
            {"type": 1, "components": [{"type": 2, "style": style, "label": "b", "custom_id": "c"}]}
        ]
    }


ENUMS = [  # enums written as a oneOf of `const` branches: button style, component type
    ("create_message", _button(style)) for style in (1, 2, 4, 7, 0, True, False, "1", 1.0, None)
] + [
    ("create_message", {"components": [{"type": kind, "components": []}]})
    for kind in (1, True, "1", 1.0, -1)
]


@pytest.mark.parametrize(("operation", "body"), BODIES + UNIONS + ENUMS)
def test_fast_paths_accept_exactly_what_plain_jsonschema_accepts(
    operation: str, body: object
) -> None:
    from jsonschema import Draft202012Validator

    spec = SpecChecker()
    pointer = spec._schema_pointer(operation, "application/json")
    plain = Draft202012Validator({"$ref": "urn:discord:openapi" + pointer}, registry=spec.registry)
    try:
        spec.check(operation, body, discriminate=operation == "create_interaction_response")
        ours = True
    except DiscordError:
        ours = False
    assert ours == plain.is_valid(body)
