"""The moderator rule on plain data (the end-to-end checks live in tests/cogs/)."""

from __future__ import annotations

import pytest
from discord import app_commands

from bot.permissions import (
    NOT_MODERATOR_MESSAGE,
    NotModerator,
    grants_moderator,
    not_moderator_message,
    role_blocked,
    role_matches,
)

LIBRARIAN = (111, "Librarian")
READER = (222, "Readers")


def test_manage_guild_is_enough_without_any_role() -> None:
    assert grants_moderator(manage_guild=True, roles=[])


def test_no_permission_and_no_configured_role_is_refused() -> None:
    assert not grants_moderator(manage_guild=False, roles=[LIBRARIAN, READER])


@pytest.mark.parametrize("configured", ["Librarian", "librarian", " LIBRARIAN ", "111"])
def test_config_role_by_name_or_id(configured: str) -> None:
    assert grants_moderator(manage_guild=False, roles=[READER, LIBRARIAN], config_role=configured)


@pytest.mark.parametrize("configured", ["Librarians", "112", ""])
def test_config_role_that_the_member_lacks(configured: str) -> None:
    assert not grants_moderator(
        manage_guild=False, roles=[READER, LIBRARIAN], config_role=configured
    )


def test_guild_setting_takes_the_place_of_the_config_role() -> None:
    roles = [READER, LIBRARIAN]
    assert grants_moderator(manage_guild=False, roles=roles, setting_role_id=222, config_role="x")
    assert not grants_moderator(
        manage_guild=False, roles=roles, setting_role_id=333, config_role="Librarian"
    )


def test_role_matches_numeric_name_is_treated_as_id() -> None:
    assert role_matches(2024, "other", "2024")
    assert not role_matches(1, "2024", "2024")


def test_not_moderator_is_a_check_failure_with_a_clear_message() -> None:
    err = NotModerator()
    assert isinstance(err, app_commands.CheckFailure)
    assert str(err) == NOT_MODERATOR_MESSAGE
    assert "Manage Server" in str(err)


def test_the_refusal_names_the_role_safely() -> None:
    assert not_moderator_message("Librarian").endswith("the Librarian role.")
    assert "@everyone" not in not_moderator_message("@everyone")
    assert "no moderator role" in not_moderator_message(None)


GUILD, APP, COMMAND, LIBRARIAN_ID = 10, 20, 30, 111


@pytest.mark.parametrize(
    ("overrides", "blocked"),
    [
        ({}, False),
        ({COMMAND: {(1, GUILD): False}}, True),
        ({COMMAND: {(1, GUILD): False, (1, LIBRARIAN_ID): True}}, False),
        ({APP: {(1, GUILD): False}}, True),
        ({APP: {(1, GUILD): False}, COMMAND: {(1, LIBRARIAN_ID): True}}, False),
        ({APP: {(1, LIBRARIAN_ID): False}, COMMAND: {(1, GUILD): True}}, False),
        ({COMMAND: {(2, 999): False}}, False),
    ],
)
def test_role_blocked_follows_discords_order(overrides: dict, blocked: bool) -> None:
    assert (
        role_blocked(
            overrides,
            command_id=COMMAND,
            application_id=APP,
            role_id=LIBRARIAN_ID,
            guild_id=GUILD,
        )
        is blocked
    )
