"""Discord's rules that its OpenAPI spec cannot express, checked after the schema.

Sources (discord/discord-api-docs): resources/message.mdx (6000 characters across a
message's embeds, empty messages, allowed_mentions), components/reference.mdx (5 action
rows, 5 buttons per row, one select per row, custom_id 1-100 and unique, 25 options).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bot.emulator.errors import DiscordError, empty_message, field_error, invalid_form, merge_trees

EMBED_TOTAL_LIMIT = 6000
MAX_ACTION_ROWS = 5
MAX_BUTTONS_PER_ROW = 5
MAX_SELECT_OPTIONS = 25
CUSTOM_ID_MAX = 100
IS_COMPONENTS_V2 = 1 << 15

ACTION_ROW, BUTTON, STRING_SELECT, TEXT_INPUT = 1, 2, 3, 4
SELECT_TYPES = {3, 5, 6, 7, 8}
LINK_STYLE, PREMIUM_STYLE = 5, 6

_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


def embed_length(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6000 limit for one embed."""
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    for fld in embed.get("fields") or []:
        total += len(fld.get("name") or "") + len(fld.get("value") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    return total


def check_embeds(embeds: list[dict[str, Any]] | None, prefix: list[str | int]) -> None:
    if not embeds:
        return
    total = sum(embed_length(e) for e in embeds)
    if total > EMBED_TOTAL_LIMIT:
        raise invalid_form(
            [*prefix, "embeds"],
            "MAX_EMBED_SIZE_EXCEEDED",
            f"Embed size exceeds maximum size of {EMBED_TOTAL_LIMIT} (got {total})",
        )


def check_components(
    components: list[dict[str, Any]] | None, prefix: list[str | int], *, flags: int = 0
) -> None:
    """Classic-component limits; Components V2 messages are left to the schema (40 items)."""
    if not components:
        return
    problems: list[dict[str, Any]] = []
    path = [*prefix, "components"]
    v2 = bool(flags & IS_COMPONENTS_V2)
    if not v2 and len(components) > MAX_ACTION_ROWS:
        problems.append(
            field_error(
                path, "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_ACTION_ROWS} or fewer in length."
            )
        )
    seen: dict[str, list[str | int]] = {}
    for r, row in enumerate(components):
        if row.get("type") != ACTION_ROW:
            _collect_ids(row, [*path, r], seen, problems)
            continue
        children = row.get("components") or []
        kinds = {c.get("type") for c in children}
        row_path = [*path, r, "components"]
        if kinds & SELECT_TYPES and len(children) > 1:
            problems.append(
                field_error(
                    row_path,
                    "COMPONENT_LAYOUT_WIDTH_EXCEEDED",
                    "A select menu must be alone in its action row.",
                )
            )
        elif BUTTON in kinds and len(children) > MAX_BUTTONS_PER_ROW:
            problems.append(
                field_error(
                    row_path,
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {MAX_BUTTONS_PER_ROW} or fewer in length.",
                )
            )
        for c, child in enumerate(children):
            child_path = [*row_path, c]
            _check_child(child, child_path, problems)
            _collect_ids(child, child_path, seen, problems)
    if problems:
        raise DiscordError(400, 50035, "Invalid Form Body", merge_trees(problems))


def _check_child(
    child: dict[str, Any], path: list[str | int], problems: list[dict[str, Any]]
) -> None:
    kind = child.get("type")
    if kind == BUTTON:
        style = child.get("style")
        if style == LINK_STYLE:
            if not child.get("url"):
                problems.append(
                    field_error([*path, "url"], "BASE_TYPE_REQUIRED", "A link button needs a url.")
                )
            if child.get("custom_id"):
                problems.append(
                    field_error(
                        [*path, "custom_id"],
                        "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED",
                        "A link button cannot have a custom_id.",
                    )
                )
        elif style != PREMIUM_STYLE and not child.get("custom_id"):
            problems.append(
                field_error([*path, "custom_id"], "BASE_TYPE_REQUIRED", "This field is required")
            )
        if style not in (PREMIUM_STYLE,) and not child.get("label") and not child.get("emoji"):
            problems.append(
                field_error(
                    [*path, "label"],
                    "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED",
                    "A button needs a label or an emoji.",
                )
            )
    elif kind == STRING_SELECT:
        options = child.get("options") or []
        if len(options) > MAX_SELECT_OPTIONS:
            problems.append(
                field_error(
                    [*path, "options"],
                    "BASE_TYPE_MAX_LENGTH",
                    f"Must be {MAX_SELECT_OPTIONS} or fewer in length.",
                )
            )
        if not options:
            problems.append(
                field_error(
                    [*path, "options"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
                )
            )
        values = [o.get("value") for o in options]
        if len(set(values)) != len(values):
            problems.append(
                field_error(
                    [*path, "options"],
                    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED",
                    "Select option values must be unique.",
                )
            )
        max_values = child.get("max_values", 1)
        if options and max_values is not None and max_values > len(options):
            problems.append(
                field_error(
                    [*path, "max_values"],
                    "NUMBER_TYPE_MAX",
                    f"Must be less than or equal to {len(options)}.",
                )
            )


def _collect_ids(
    node: dict[str, Any],
    path: list[str | int],
    seen: dict[str, list[str | int]],
    problems: list[dict[str, Any]],
) -> None:
    custom_id = node.get("custom_id")
    if isinstance(custom_id, str):
        if not 1 <= len(custom_id) <= CUSTOM_ID_MAX:
            problems.append(
                field_error(
                    [*path, "custom_id"],
                    "BASE_TYPE_BAD_LENGTH",
                    f"Must be between 1 and {CUSTOM_ID_MAX} in length.",
                )
            )
        if custom_id in seen:
            problems.append(
                field_error(
                    [*path, "custom_id"],
                    "COMPONENT_CUSTOM_ID_DUPLICATED",
                    "Component custom id cannot be duplicated",
                )
            )
        seen[custom_id] = path
    for key in ("components",):
        for i, child in enumerate(node.get(key) or []):
            if isinstance(child, dict):
                _collect_ids(child, [*path, key, i], seen, problems)
    for key in ("accessory", "component"):
        child = node.get(key)
        if isinstance(child, dict):
            _collect_ids(child, [*path, key], seen, problems)


def check_not_empty(message: dict[str, Any], has_files: bool) -> None:
    """A message needs content, an embed, a file, components, a sticker or a poll."""
    if (
        message.get("content")
        or message.get("embeds")
        or has_files
        or message.get("components")
        or message.get("sticker_ids")
        or message.get("poll")
    ):
        return
    raise empty_message()


def check_modal(data: dict[str, Any]) -> None:
    """A modal: title, custom_id and 1-5 rows of text inputs (or labels)."""
    components = data.get("components") or []
    if not components:
        raise invalid_form(
            ["data", "components"], "BASE_TYPE_MIN_LENGTH", "Must be 1 or more in length."
        )
    if len(components) > MAX_ACTION_ROWS:
        raise invalid_form(
            ["data", "components"],
            "BASE_TYPE_MAX_LENGTH",
            f"Must be {MAX_ACTION_ROWS} or fewer in length.",
        )
    check_components(components, ["data"], flags=IS_COMPONENTS_V2)


@dataclass(frozen=True, slots=True)
class Pings:
    """Who a message would notify: the mentions allowed_mentions lets through."""

    users: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[int] = field(default_factory=frozenset)
    everyone: bool = False

    def __bool__(self) -> bool:
        return bool(self.users or self.roles or self.everyone)

    def __contains__(self, item: object) -> bool:
        ident = getattr(item, "id", item)
        return ident in self.users or ident in self.roles


def resolve_pings(
    content: str | None,
    allowed: dict[str, Any] | None,
    *,
    default_parse: tuple[str, ...],
    prefix: list[str | int],
) -> Pings:
    """Apply allowed_mentions to the mentions written in `content`.

    Interactions and webhooks parse only users by default; channel messages parse
    everything. `parse` may not name a type that is also given as an explicit list.
    """
    if allowed is None:
        parse = set(default_parse)
        users_list: list[int] | None = None
        roles_list: list[int] | None = None
    else:
        parse = set(allowed.get("parse") or [])
        users_list = (
            [int(u) for u in allowed["users"]] if allowed.get("users") is not None else None
        )
        roles_list = (
            [int(r) for r in allowed["roles"]] if allowed.get("roles") is not None else None
        )
        problems = []
        if "users" in parse and users_list:
            problems.append(
                field_error(
                    [*prefix, "allowed_mentions"],
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    'parse:["users"] and users: [ids] are mutually exclusive.',
                )
            )
        if "roles" in parse and roles_list:
            problems.append(
                field_error(
                    [*prefix, "allowed_mentions"],
                    "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                    'parse:["roles"] and roles: [ids] are mutually exclusive.',
                )
            )
        if problems:
            raise DiscordError(400, 50035, "Invalid Form Body", merge_trees(problems))
    text = content or ""
    mentioned_users = {int(m) for m in _USER_MENTION.findall(text)}
    mentioned_roles = {int(m) for m in _ROLE_MENTION.findall(text)}
    users = mentioned_users if "users" in parse else mentioned_users & set(users_list or [])
    roles = mentioned_roles if "roles" in parse else mentioned_roles & set(roles_list or [])
    everyone = "everyone" in parse and ("@everyone" in text or "@here" in text)
    return Pings(frozenset(users), frozenset(roles), everyone)
