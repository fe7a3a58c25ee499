"""Who may see which adult material where: the one policy (AO3's rule, issue 4 and the
"extra-safe" mode of issue 10). Plain data, no Discord: `bot/audience.py` builds an
Audience for an interaction's channel, `Library.audience` for any channel of a guild.

A story is adult when its stored rating is Mature, Explicit or Not Rated — which includes
everything the parser was unsure of (`bot/library/parse/rating.py` stores an unknown or
missing rating as Not Rated, never lower). Three things may be allowed, from most to
least revealing:

- adult *text* (summaries, excerpts, reading, reviews): only in age-restricted channels
  (a thread follows its parent; never in DMs);
- adult *titles* in lists (search, browse, top, autocomplete…): in age-restricted
  channels, or anywhere in a guild that opted in (`list_adult_titles`);
- that adult stories *exist*: everywhere — unless the guild turned on **extra-safe**
  (`extra_safe`): then, for members in every channel (age-restricted ones too), adult
  stories are hidden entirely: never listed, counted or hinted at ("N adult stories
  hidden"), and a lookup by id, title or button answers `NOT_AVAILABLE` — no title, no
  text, nothing written. Moderator tools (`/library …`) are not members' views: they keep
  every title, privately.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TypeVar

from bot.library.errors import LibraryError
from bot.library.safety import neutralise_mentions

if TYPE_CHECKING:
    from bot.library.model import RatingLevel
    from bot.library.records import GuildSettings

NOT_AVAILABLE = "That story is not available here."
"""What a member is told about an adult story in an extra-safe guild: the same words for
every command and button, naming nothing."""

REFUSAL_TITLE_MAX = 100


class Rated(Protocol):
    @property
    def is_adult(self) -> bool: ...


class Titled(Rated, Protocol):
    title: str

    @property
    def rating_level(self) -> RatingLevel: ...


S = TypeVar("S", bound=Rated)


@dataclass(frozen=True, slots=True)
class Audience:
    """What may be shown to the members in one channel of one guild."""

    adult_text: bool  # may show the text / summary / reviews of an adult story here
    adult_titles: bool  # may list adult stories' titles here
    hide_adult: bool = False  # extra-safe: adult stories do not exist here for members

    def __post_init__(self) -> None:
        if self.hide_adult and (self.adult_text or self.adult_titles):
            raise ValueError("an audience that hides adult stories may not show them")

    # ---- what may be shown ---------------------------------------------------------------

    @property
    def include_adult(self) -> bool:
        """Whether lists (search, browse, autocomplete, recommendations…) may hold adult
        stories: what `Library`'s list methods take as `include_adult`."""
        return self.adult_titles

    @property
    def may_hint(self) -> bool:
        """Whether an answer may say that adult stories were left out ("listed only in
        age-restricted channels", "N adult stories hidden"): never in extra-safe."""
        return not self.hide_adult

    def may_see(self, story: Rated) -> bool:
        """Whether the story may be known to exist here (its card, its rating buttons)."""
        return not (self.hide_adult and story.is_adult)

    def may_read(self, story: Rated) -> bool:
        return self.adult_text or not story.is_adult

    def may_list(self, story: Rated) -> bool:
        return self.adult_titles or not story.is_adult

    def may_list_rating(self, level: RatingLevel) -> bool:
        return self.adult_titles or not level.is_adult

    def listable(self, stories: Iterable[S]) -> tuple[list[S], int]:
        """The stories that may be listed here, and how many were left out — counted only
        where that may be said (0 in extra-safe)."""
        items = list(stories)
        shown = [s for s in items if self.may_list(s)]
        return shown, self.hint(len(items) - len(shown))

    def hint(self, left_out: int) -> int:
        """`left_out` adult stories, as an answer may count them here (0 in extra-safe)."""
        return left_out if self.may_hint else 0

    # ---- refusals ------------------------------------------------------------------------

    def check_available(self, story: Rated) -> None:
        """Raise LibraryError(NOT_AVAILABLE) if the story is hidden here (extra-safe)."""
        if not self.may_see(story):
            raise LibraryError(NOT_AVAILABLE)

    def check_read(self, story: Titled) -> None:
        """Raise LibraryError (shown to the member) if `story`'s text may not appear here."""
        self.check_available(story)
        if not self.may_read(story):
            raise LibraryError(adult_refusal(story))


DM = Audience(adult_text=False, adult_titles=False)
"""Outside a guild (DMs): no adult text, no adult titles."""


def adult_refusal(story: Titled) -> str:
    """Why an adult story's text is not shown in this (not age-restricted) channel."""
    title = neutralise_mentions(story.title)
    if len(title) > REFUSAL_TITLE_MAX:
        title = title[: REFUSAL_TITLE_MAX - 1].rstrip() + "…"
    return (
        f"“{title}” is rated {story.rating_level.value}: its text can only be shown in an "
        "age-restricted channel."
    )


def audience_from(
    settings: GuildSettings | None, *, age_restricted: bool, default_adult_titles: bool = False
) -> Audience:
    """The Audience of a channel: `settings` are its guild's (None outside a guild);
    `age_restricted` says whether the channel (or a thread's parent) is marked so;
    `default_adult_titles` is the bot-wide default for `list_adult_titles`."""
    if settings is None:
        return DM
    if settings.extra_safe:
        return Audience(adult_text=False, adult_titles=False, hide_adult=True)
    if age_restricted:
        return Audience(adult_text=True, adult_titles=True)
    opted_in = settings.list_adult_titles
    if opted_in is None:
        opted_in = default_adult_titles
    return Audience(adult_text=False, adult_titles=bool(opted_in))
