"""Story cards and the persistent buttons on them.

The card's buttons are `DynamicItem`s whose custom_id carries the story id, so they keep
working after a restart: `storybot:rate:<story>:<stars>`, `storybot:read:<story>`,
`storybot:excerpt:<story>`, and an excerpt's `storybot:next:<story>:<chapter>:<passage>`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, ClassVar, Self, TypeVar

import discord

from bot.audience import Audience, audience_for
from bot.library.errors import LibraryError
from bot.library.excerpts import OPENING, Passage
from bot.library.numbers import valid_story_id
from bot.library.records import StoryRecord
from bot.render import clip, community_rating, passage_embed, safe, stars, story_card
from bot.ui.context import library_of
from bot.ui.errors import answer, handle_error
from bot.ui.reading import start_reading

if TYPE_CHECKING:
    from bot.library.service import Library

NONE = discord.AllowedMentions.none()
SLOW_WRITE = 1.0  # seconds a rating may take before its interaction is deferred
T = TypeVar("T")
REVIEWS_PER_PAGE = 8


def _guild_id(interaction: discord.Interaction) -> int:
    if interaction.guild_id is None:
        raise LibraryError("Stories live in a server's library: use this in the server.")
    return interaction.guild_id


async def story_for(interaction: discord.Interaction, story_id: int) -> StoryRecord:
    """The story behind a button or menu, if the member may know of it here (extra-safe:
    an adult story — an old card's, a forged id's — is refused as not available)."""
    guild_id = _guild_id(interaction)
    if not valid_story_id(story_id):  # a forged or ancient button: no story has that id
        raise LibraryError("That story is no longer in this server's library.")
    audience = await audience_for(interaction)
    return await library_of(interaction).get_for(guild_id, story_id, audience)


async def readable_story(interaction: discord.Interaction, story_id: int) -> StoryRecord:
    """The story behind a Read / Excerpt / Continue button, once it is known that its text
    may be shown here; the answer is deferred (privately) while the text loads."""
    story = await story_for(interaction, story_id)
    (await audience_for(interaction)).check_read(story)
    await interaction.response.defer(ephemeral=True, thinking=True)
    return story


# ---- cards ---------------------------------------------------------------------------


def card_view(story: StoryRecord, audience: Audience, *, reviews: int = 0) -> discord.ui.View:
    """Row 0: Read, Excerpt, More like this; row 1: ★1–★5; row 2: Read later, Reviews."""
    view = discord.ui.View(timeout=None)
    if audience.may_read(story):
        view.add_item(ReadButton(story.id))
        view.add_item(ExcerptButton(story.id))
    if audience.may_list(story):
        view.add_item(SimilarButton(story.id))
    for n in range(1, 6):
        view.add_item(RateButton(story.id, n))
    view.add_item(LaterButton(story.id))
    if reviews and audience.may_read(story):
        view.add_item(ReviewsButton(story.id))
    return view


def rating_view(story_id: int) -> discord.ui.View:
    """The ★1–★5 buttons alone (the prompt at the end of a story)."""
    view = discord.ui.View(timeout=None)
    for n in range(1, 6):
        view.add_item(RateButton(story_id, n))
    return view


async def card_message(
    interaction: discord.Interaction, story: StoryRecord, *, own_label: str = "Your rating"
) -> tuple[discord.Embed, discord.ui.View]:
    audience = await audience_for(interaction)
    return await card_parts(
        library_of(interaction),
        story,
        audience,
        member_id=interaction.user.id,
        own_label=own_label,
    )


async def card_parts(
    library: Library,
    story: StoryRecord,
    audience: Audience,
    *,
    member_id: int | None = None,
    own_label: str | None = "Your rating",
) -> tuple[discord.Embed, discord.ui.View]:
    """A story's card and its buttons for `audience`, with `member_id`'s own stars under
    `own_label` (None: no own-rating field — a post for everyone, such as the daily
    pick). One `Library.card` call: from memory when nothing it shows has changed."""
    card = await library.card(story.guild_id, story.id, member_id, audience)
    story = card.story  # as the library has it now
    facts = card.facts
    # reviews are text about the story: never shown where its text may not be
    may_read = audience.may_read(story)
    reviews = facts.review_count if may_read else 0
    embed = story_card(
        story,
        card.summary,
        own_stars=card.own_stars,
        own_label=own_label,
        show_text=may_read,
        reviews=facts.reviews if may_read else (),
        review_count=reviews,
        series_parts=facts.series_parts,
        audience=audience,
    )
    return embed, card_view(story, audience, reviews=reviews)


async def send_card(
    interaction: discord.Interaction, story: StoryRecord, *, ephemeral: bool
) -> None:
    label = "Your rating" if ephemeral else f"{interaction.user.display_name}'s rating"
    embed, view = await card_message(interaction, story, own_label=label)
    await answer(interaction, embed=embed, view=view, ephemeral=ephemeral)


async def open_card(interaction: discord.Interaction, story_id: int) -> None:
    """What a story select menu does: the card, privately, for whoever picked it."""
    await send_card(interaction, await story_for(interaction, story_id), ephemeral=True)


# ---- rating --------------------------------------------------------------------------


async def rate_story(
    interaction: discord.Interaction, story: StoryRecord, n: int, review: str | None
) -> None:
    """Record the member's rating (the library keeps an earlier review unless a new one
    is given). A write still waiting for the database after `SLOW_WRITE` seconds (another
    process may hold it) is deferred, so the truthful answer — saved, or not saved — still
    reaches the member after Discord's 3 s."""
    rated = await defer_if_slow(
        interaction,
        library_of(interaction).rate(story.guild_id, story.id, interaction.user.id, n, review),
    )
    before, summary = rated.before, rated.summary
    title = clip(safe(story.title), 150)
    if before is None:
        text = f"You rated “{title}” {stars(n)} ({n}/5)."
    elif before.stars == n:
        text = f"Your rating for “{title}” stays {stars(n)} ({n}/5)."
    else:
        text = f"Your rating for “{title}” is now {stars(n)} ({n}/5), was {before.stars}/5."
    if rated.after.review:
        text += " Review saved."
    text += f"\nCommunity rating: {community_rating(summary)}."
    await answer(interaction, content=text, ephemeral=True)


async def defer_if_slow(interaction: discord.Interaction, work: Awaitable[T]) -> T:
    """Await `work`; if it is not done within `SLOW_WRITE` seconds, defer the interaction
    (privately) first, so the answer may come after Discord's 3 s."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=SLOW_WRITE)
    if not done and not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    return await task


class _Safe:
    """Mixin: a dynamic item's failures are answered like a command's."""

    async def run(self, interaction: discord.Interaction) -> None:  # pragma: no cover
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await self.run(interaction)
        except Exception as error:
            await handle_error(interaction, error)


class RateButton(
    _Safe,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"storybot:rate:(?P<story>[0-9]{1,20}):(?P<stars>[1-5])",
):
    def __init__(self, story_id: int, n: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"★{n}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"storybot:rate:{story_id}:{n}",
                row=1,
            )
        )
        self.story_id = story_id
        self.stars = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> RateButton:
        return cls(int(match["story"]), int(match["stars"]))

    async def run(self, interaction: discord.Interaction) -> None:
        story = await story_for(interaction, self.story_id)
        await rate_story(interaction, story, self.stars, None)


class _StoryButton(
    _Safe,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"storybot:story:(?P<story>[0-9]{1,20})",
):
    """A card button about one story, custom_id `storybot:<action>:<story>`, on row 0.
    Subclasses name the action, label and style: `class X(_StoryButton, action=...)`."""

    def __init_subclass__(
        cls, *, action: str, label: str, style: discord.ButtonStyle, row: int = 0
    ) -> None:
        super().__init_subclass__(template=rf"storybot:{action}:(?P<story>[0-9]{{1,20}})")
        cls.action, cls.button_label, cls.button_style = action, label, style
        cls.button_row = row

    action: ClassVar[str]
    button_label: ClassVar[str]
    button_style: ClassVar[discord.ButtonStyle]
    button_row: ClassVar[int] = 0

    def __init__(self, story_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=self.button_label,
                style=self.button_style,
                custom_id=f"storybot:{self.action}:{story_id}",
                row=self.button_row,
            )
        )
        self.story_id = story_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        return cls(int(match["story"]))


class ReadButton(_StoryButton, action="read", label="Read", style=discord.ButtonStyle.primary):
    async def run(self, interaction: discord.Interaction) -> None:
        story = await readable_story(interaction, self.story_id)
        passage = await resume_passage(interaction, story)
        await start_reading(interaction, story, passage)


async def resume_passage(interaction: discord.Interaction, story: StoryRecord) -> Passage:
    """Where the member left off in `story`, or its opening."""
    library = library_of(interaction)
    saved = await library.position(story.guild_id, interaction.user.id, story.id)
    if saved is None:
        return await library.passage(story, chapter=1, where=OPENING)
    return await library.passage_at(story, saved[0], saved[1])


class ExcerptButton(
    _StoryButton, action="excerpt", label="Excerpt", style=discord.ButtonStyle.secondary
):
    async def run(self, interaction: discord.Interaction) -> None:
        """The story's opening passage, privately, with a Continue button."""
        story = await readable_story(interaction, self.story_id)
        passage = await library_of(interaction).passage(story, chapter=1, where=OPENING)
        await interaction.followup.send(
            embed=passage_embed(story, passage),
            view=excerpt_view(passage),
            ephemeral=True,
            allowed_mentions=NONE,
        )


def excerpt_view(passage: Passage) -> discord.ui.View | Any:
    """A Continue button after an excerpt (nothing at the end of the story)."""
    view = discord.ui.View(timeout=None)
    if not passage.is_last:
        view.add_item(ContinueButton(passage.story_id, passage.chapter, passage.number))
    return view


class ContinueButton(
    _Safe,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"storybot:next:(?P<story>[0-9]{1,20}):(?P<chapter>[0-9]{1,6}):(?P<passage>[0-9]{1,6})",
):
    def __init__(self, story_id: int, chapter: int, passage: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Continue",
                style=discord.ButtonStyle.primary,
                custom_id=f"storybot:next:{story_id}:{chapter}:{passage}",
            )
        )
        self.story_id = story_id
        self.chapter = chapter
        self.passage = passage

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ContinueButton:
        return cls(int(match["story"]), int(match["chapter"]), int(match["passage"]))

    async def run(self, interaction: discord.Interaction) -> None:
        """The passage after the excerpt, privately, as a reading session."""
        story = await readable_story(interaction, self.story_id)
        library = library_of(interaction)
        here = await library.passage_at(story, self.chapter, self.passage)
        following = await library.next_passage(story, here)
        if following is None:
            await interaction.followup.send(
                f"That was the end of “{clip(safe(story.title), 150)}”.",
                ephemeral=True,
                allowed_mentions=NONE,
            )
            return
        await start_reading(interaction, story, following)


# ---- more like this ------------------------------------------------------------------


async def send_similar(
    interaction: discord.Interaction, story: StoryRecord, *, count: int = 10
) -> None:
    """Stories like `story`, privately, each with its reason. Checked before the (private)
    defer: a story whose title may not be listed here is refused."""
    from bot.ui.lists import send_story_list
    from bot.ui.recommendations import reason_text, similar_note

    audience = await audience_for(interaction)
    audience.check_available(story)
    if not audience.may_list(story):
        raise LibraryError(
            f"“{clip(safe(story.title), 100)}” is rated {story.rating_level.value}: stories "
            "like it are listed only in age-restricted channels."
        )
    await interaction.response.defer(ephemeral=True, thinking=True)
    result = await library_of(interaction).similar(
        story.guild_id, story.id, count=count, audience=audience
    )
    if not result.picks:
        raise LibraryError("There is no other story here to compare it with yet.")
    reasons = {p.story.id: reason_text(p) for p in result.picks}
    await send_story_list(
        interaction,
        f"More like {clip(safe(story.title), 150)}",
        [p.story for p in result.picks],
        note=similar_note(result),
        reason=lambda s: reasons[s.id],
        ephemeral=True,
        about=[story],
    )


class SimilarButton(
    _StoryButton, action="similar", label="More like this", style=discord.ButtonStyle.secondary
):
    async def run(self, interaction: discord.Interaction) -> None:
        await send_similar(interaction, await story_for(interaction, self.story_id))


# ---- reading list --------------------------------------------------------------------


async def mark_later(interaction: discord.Interaction, story: StoryRecord) -> None:
    """Put `story` on the member's reading list and say so, privately."""
    added = await library_of(interaction).mark_later(story.guild_id, interaction.user.id, story.id)
    title = clip(safe(story.title), 150)
    if added:
        text = f"Added “{title}” to your reading list (/later list)."
    else:
        text = f"“{title}” is already on your reading list (/later remove takes it off)."
    await answer(interaction, content=text, ephemeral=True)


class LaterButton(
    _StoryButton,
    action="later",
    label="Read later",
    style=discord.ButtonStyle.secondary,
    row=2,
):
    async def run(self, interaction: discord.Interaction) -> None:
        await mark_later(interaction, await story_for(interaction, self.story_id))


# ---- reviews -------------------------------------------------------------------------


async def send_reviews(interaction: discord.Interaction, story: StoryRecord) -> None:
    """Every written review of `story`, newest first, privately, through the shared
    paginator. Reviews are text about the story: refused where its text may not show."""
    from bot.render import list_embed, review_line
    from bot.ui.paginator import PageSource, Paginator

    (await audience_for(interaction)).check_read(story)
    library = library_of(interaction)
    _, total = await library.reviews(story.guild_id, story.id, limit=0)
    title = clip(safe(story.title), 150)
    if not total:
        raise LibraryError(f"Nobody has reviewed “{title}” yet: add one with /rate … review.")
    pages: dict[int, list[str]] = {}

    async def fetch(offset: int, limit: int) -> tuple[list[Any], int]:
        found, count = await library.reviews(story.guild_id, story.id, limit=limit, offset=offset)
        pages[offset] = [review_line(r) for r in found]
        return [], count  # no story menu: the page is drawn from `pages`

    def render(_: list[Any], page: int, pages_total: int, count: int) -> discord.Embed:
        lines = pages.get((page - 1) * REVIEWS_PER_PAGE, [])
        embed = list_embed(f"Reviews of {title}", lines, page=page, pages=pages_total, total=count)
        embed.set_footer(text=f"Page {page} of {max(pages_total, 1)} · {count} reviews")
        return embed

    source = PageSource(fetch, render, per_page=REVIEWS_PER_PAGE)
    await Paginator(source, owner_id=interaction.user.id, about=[story]).start(
        interaction, ephemeral=True
    )


class ReviewsButton(
    _StoryButton, action="reviews", label="Reviews", style=discord.ButtonStyle.secondary, row=2
):
    async def run(self, interaction: discord.Interaction) -> None:
        await send_reviews(interaction, await story_for(interaction, self.story_id))


DYNAMIC_ITEMS = (
    ReviewsButton,
    RateButton,
    ReadButton,
    ExcerptButton,
    ContinueButton,
    SimilarButton,
    LaterButton,
)
