"""Announcing new and updated stories in the channel a guild chose
(`/settings announcements`), after `/library add` → Save and `/library import`.

What a story's announcement may show follows the channel's Audience
(bot/library/audience.py): in an age-restricted channel everything; elsewhere a non-adult
story's title and summary, an adult story's title only when the guild lists adult titles
everywhere — otherwise it is counted, never named. In an extra-safe guild an adult story
is not announced at all, nor counted, in any channel."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from bot.audience import channel_is_age_restricted
from bot.render import authors_text, badge, clip, count, fit_lines, safe

if TYPE_CHECKING:
    from bot.client import StoryBot

log = logging.getLogger(__name__)

LIST_MAX = 3800  # characters of story lines in one announcement


async def announce(bot: StoryBot, guild_id: int, changes: Sequence[tuple[str, int]]) -> None:
    """Post one announcement of `changes` ((action "added"/"updated", story id), in order)
    in the guild's announcement channel, if it has one. Never raises: a channel that is
    gone or refuses the bot is logged, the stories stay saved."""
    changes = [(a, i) for a, i in changes if a in ("added", "updated")]
    if not changes:
        return
    try:
        settings = await bot.library.settings(guild_id)
        channel_id = settings.announce_channel_id
        if channel_id is None:
            return
        channel = bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            log.warning("guild %s: announcement channel %s is gone", guild_id, channel_id)
            return
        audience = await bot.library.audience(
            guild_id,
            age_restricted=channel_is_age_restricted(channel),
            default_adult_titles=bool(bot.config.list_adult_titles),
        )
        action = dict((i, a) for a, i in changes)
        found = await bot.library.get_stories(guild_id, list(action))
        stories = [s for s in found if audience.may_see(s)]  # extra-safe: not a word
        lines: list[str] = []
        unnamed = 0
        for story in stories:
            if not audience.may_list(story):
                unnamed += 1
                continue
            verb = "New" if action[story.id] == "added" else "Updated"
            line = f"{verb}: **{clip(safe(story.title), 120)}** by {clip(authors_text(story), 80)}"
            line += f" · {badge(story.rating_level)} · `/story {story.id}`"
            if story.summary and audience.may_read(story) and len(stories) == 1:
                line += "\n" + clip(safe(story.summary), 600)
            lines.append(line)
        if unnamed:
            lines.append(
                f"…and {count(unnamed, 'adult story')}, named only in age-restricted channels"
            )
        if not lines:
            return
        text = fit_lines(lines, LIST_MAX)
        shown = text.count("\n") + 1 if len(stories) > 1 else len(lines)
        if len(stories) > 1 and shown < len(lines):
            text += f"\n…and {len(lines) - shown} more"
        embed = discord.Embed(
            title="New in the library" if len(lines) == 1 else "New and updated stories",
            description=text,
            colour=discord.Colour.blurple(),
        )
        await channel.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as err:
        log.warning("guild %s: could not announce stories (%s)", guild_id, err)
    except Exception:  # the stories are saved whatever happens here: never say otherwise
        log.exception("guild %s: announcing %s failed", guild_id, changes)
