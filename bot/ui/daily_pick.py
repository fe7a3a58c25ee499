"""The daily pick on Discord: `/settings daily-pick` (set, checked, off) and the post.

The choice and the once-a-day record are the library's (`Library.claim_daily_pick`, see
bot/library/daily_pick.py); here: whether the bot may post in the channel, the card it
posts (the shared story card, with its buttons), and what happens when it cannot — the
failure is logged with its guild, channel and story, and recorded in the library log
(`/library log`) in plain words. Times come from `bot.clock` (tests move it).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from bot.audience import Audience, channel_is_age_restricted
from bot.library.daily_pick import FEATURE_GAP_DAYS, TIMEZONE, check_hour
from bot.library.errors import LibraryError
from bot.render import safe
from bot.ui.cards import card_parts

if TYPE_CHECKING:
    from bot.client import StoryBot
    from bot.library.records import DailySchedule, StoryRecord
    from bot.library.service import DuePick

log = logging.getLogger(__name__)

HEADLINE = "📚 **Today's pick** from the library"
PERMISSION_NAMES = {
    "view_channel": "View Channel",
    "send_messages": "Send Messages",
    "send_messages_in_threads": "Send Messages in Threads",
    "embed_links": "Embed Links",
}
GONE = "the channel is gone (deleted, or storybot can no longer see it)"


def missing_permissions(channel: Any) -> list[str]:
    """What storybot lacks to post a card in `channel` (names as Discord shows them)."""
    me = channel.guild.me
    granted = channel.permissions_for(me)
    send = "send_messages_in_threads" if isinstance(channel, discord.Thread) else "send_messages"
    return [
        PERMISSION_NAMES[name]
        for name in ("view_channel", send, "embed_links")
        if not getattr(granted, name)
    ]


def schedule_line(guild: discord.Guild, schedule: DailySchedule | None) -> str:
    """The daily pick as `/settings show` states it, with what would stop it now."""
    if schedule is None:
        return "off"
    line = f"<#{schedule.channel_id}> every day at {schedule.hour:02d}:00 {TIMEZONE}"
    channel = guild.get_channel_or_thread(schedule.channel_id)
    if channel is None:
        return line + "\n⚠ That channel is gone: set another one."
    missing = missing_permissions(channel)
    if missing:
        return line + f"\n⚠ storybot is missing {_and(missing)} there: the pick cannot be posted."
    return line


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


async def set_daily_pick(
    bot: StoryBot,
    interaction: discord.Interaction,
    channel: discord.TextChannel | None,
    hour: int | None,
) -> str:
    """Save (or turn off) the guild's daily pick; what to tell the moderator. LibraryError
    (nothing saved) for a missing or invalid value, or a channel the bot cannot post in."""
    guild = interaction.guild
    assert guild is not None
    now = bot.clock.utcnow()
    if channel is None and hour is None:
        await bot.library.set_daily_pick(
            guild.id, None, None, now=now, actor_id=interaction.user.id
        )
        return "The daily pick is off: no story will be posted each day."
    if channel is None:
        raise LibraryError(
            "Pick the channel too (`channel:`), or give no options to turn the daily pick off."
        )
    if hour is None:
        raise LibraryError(f"Give the hour too (`hour:`): a whole hour from 0 to 23, {TIMEZONE}.")
    check_hour(hour)
    missing = missing_permissions(channel)
    if missing:
        raise LibraryError(
            f"Not saved: storybot cannot post in #{safe(channel.name)} — it is missing "
            f"{_and(missing)} there. Allow them for storybot in that channel's permissions, "
            "then run this again."
        )
    schedule = await bot.library.set_daily_pick(
        guild.id, channel.id, hour, now=now, actor_id=interaction.user.id
    )
    assert schedule is not None
    first = int(schedule.next_post(now).timestamp())
    text = (
        f"Every day at **{hour:02d}:00 {TIMEZONE}** (<t:{first}:t> your time) storybot will "
        f"post a well-rated story in {channel.mention} that was not featured in the last "
        f"{FEATURE_GAP_DAYS} days; the first <t:{first}:R>."
    )
    audience = await _audience(bot, guild.id, channel)
    if audience.hide_adult:
        return text + " This server is extra-safe: adult stories are never picked."
    if audience.adult_text:
        return text + " The channel is age-restricted: adult stories may be picked."
    return text + " The channel is not age-restricted: adult stories are never picked there."


async def _audience(bot: StoryBot, guild_id: int, channel: Any) -> Audience:
    return await bot.library.audience(
        guild_id,
        age_restricted=channel_is_age_restricted(channel),
        default_adult_titles=bot.config.list_adult_titles,
    )


async def post_due(bot: StoryBot) -> None:
    """Post every guild's daily pick that is due now (each guild on its own: one failing
    never stops the others)."""
    now = bot.clock.utcnow()
    for due in await bot.library.daily_picks_due(now):
        try:
            await post_pick(bot, due)
        except Exception:
            log.exception(
                "daily pick: guild %s, day %s, channel %s failed",
                due.guild_id,
                due.day,
                due.schedule.channel_id,
            )


async def post_pick(bot: StoryBot, due: DuePick) -> None:
    """Claim the day's pick and post it; record what happened."""
    guild = bot.get_guild(due.guild_id)
    if guild is None:  # not in this guild (any more), or not yet known: leave the day be
        log.debug("daily pick: guild %s is not available", due.guild_id)
        return
    channel = guild.get_channel_or_thread(due.schedule.channel_id)
    restricted = channel_is_age_restricted(channel)
    now = bot.clock.utcnow()
    claim = await bot.library.claim_daily_pick(due, age_restricted=restricted, now=now)
    if not claim.claimed:  # another process took the day
        return
    story = claim.story
    if story is None:
        log.info("daily pick: guild %s has nothing to feature on %s", guild.id, due.day)
        return
    message_id, failure = await send_pick(bot, guild.id, channel, story)
    if failure is not None:
        log.warning(
            "daily pick: guild %s, day %s: could not post story %s in channel %s: %s",
            guild.id,
            due.day,
            story.id,
            due.schedule.channel_id,
            failure,
        )
    await bot.library.daily_pick_done(
        guild.id, due.day, now=bot.clock.utcnow(), message_id=message_id, failure=failure
    )


async def send_pick(
    bot: StoryBot, guild_id: int, channel: Any, story: StoryRecord
) -> tuple[int | None, str | None]:
    """Post the card: (its message id, None), or (None, why it could not be posted)."""
    if not isinstance(channel, discord.TextChannel | discord.Thread):
        return None, GONE
    missing = missing_permissions(channel)
    if missing:
        return None, f"storybot is missing {_and(missing)} there"
    audience = await _audience(bot, guild_id, channel)
    if not (audience.may_see(story) and audience.may_read(story)):
        # the channel or the server's settings changed since the claim
        return None, "the story is adult and may no longer be shown there"
    embed, view = await card_parts(bot.library, story, audience, own_label=None)
    try:
        message = await channel.send(
            HEADLINE, embed=embed, view=view, allowed_mentions=discord.AllowedMentions.none()
        )
    except discord.Forbidden:
        return None, "Discord refused the post: storybot may not post there"
    except discord.NotFound:
        return None, GONE
    except discord.HTTPException as err:
        return None, f"Discord refused the post ({err.status}: {err.text or 'no reason given'})"
    return message.id, None
