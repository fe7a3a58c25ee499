"""What a story's card shows that is the same for every member — the story, its latest
reviews and how many there are, the other parts of its series — kept in memory per story
so a `/story` costs no database read when nothing changed.

Forgetting is driven by writes, never by time:

* every write this process makes through the store says which stories' cards it may
  change (`Database.write(..., touches=...)`); a write that does not say forgets every
  card. A rating touches its story (its reviews show the reviewers' stars); a reading
  place or the reading list touches none.
* a change made by another process (the CLI, a second bot) forgets every card as soon as
  `Library.catch_up` notices it (`PRAGMA data_version`, every 0.5 s).

A card read from the database may be older than a write that finished while it was being
read; it is kept only if nothing it shows was forgotten since the read began (`stamp`).

What depends on the member or the channel (their own rating, the community rating, what
the audience may see) is not kept here: the card is drawn from this for each member.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace

from bot.library.records import CardFacts, StoryRecord

CARDS_KEPT = 4096  # stories whose card facts are kept (least recently used go first)
CARD_REVIEWS = 3  # the latest reviews on a card (its Reviews button pages through all)


class CardCache:
    """Card facts by (guild, story), forgotten by writes (see the module doc)."""

    def __init__(self, size: int = CARDS_KEPT) -> None:
        self.size = size
        # by story id alone (a story is in one guild); its guild is checked on every get
        self._facts: OrderedDict[int, CardFacts] = OrderedDict()
        self._clock = 0  # advances with every forgetting
        self._cleared_at = 0  # the clock when every card was last forgotten
        self._touched: dict[int, int] = {}  # story id -> the clock when it was forgotten
        # one tuple of parts per series, shared by its parts' cards (a 200-part series
        # would otherwise be kept 200 times over)
        self._series: dict[tuple[int, str], tuple[StoryRecord, ...]] = {}
        self.hits = 0
        self.misses = 0

    def stamp(self) -> int:
        """Take before reading what a card shows; give it to `put` with what was read."""
        return self._clock

    def get(self, guild_id: int, story_id: int) -> CardFacts | None:
        """The kept facts of `story_id` if it is a story of `guild_id`, else None."""
        found = self._facts.get(story_id)
        if found is None or found.story.guild_id != guild_id:
            self.misses += 1
            return None
        self._facts.move_to_end(story_id)
        self.hits += 1
        return found

    def put(self, stamp: int, facts: CardFacts) -> None:
        """Keep `facts`, read after `stamp` was taken — unless its story (or every card) was
        forgotten since: the read may have seen the database before that write."""
        story_id = facts.story.id
        if stamp < self._cleared_at or self._touched.get(story_id, -1) > stamp:
            return
        if facts.series_parts:
            facts = self._shared_parts(facts)
        self._facts[story_id] = facts
        self._facts.move_to_end(story_id)
        while len(self._facts) > self.size:
            self._facts.popitem(last=False)

    def _shared_parts(self, facts: CardFacts) -> CardFacts:
        """`facts` holding the series' kept tuple of parts when it is the same."""
        key = (facts.story.guild_id, (facts.story.series or "").strip().casefold())
        kept = self._series.pop(key, None)
        if kept is not None and kept == facts.series_parts:
            facts = replace(facts, series_parts=kept)
        self._series[key] = facts.series_parts  # the most recently seen, last
        while len(self._series) > self.size:
            del self._series[next(iter(self._series))]
        return facts

    def forget(self, story_ids: Iterable[int] | None) -> None:
        """A write changed these stories (None: it may have changed any story)."""
        self._clock += 1
        if story_ids is None:
            self._cleared_at = self._clock
            self._touched.clear()
            self._series.clear()
            self._facts.clear()
            return
        for story_id in story_ids:
            self._touched[story_id] = self._clock
            self._facts.pop(story_id, None)

    def __len__(self) -> int:
        return len(self._facts)
