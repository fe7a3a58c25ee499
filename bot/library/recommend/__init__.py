"""Recommendations that learn from the server.

- `taste`: a reader's liking for pairings, characters, tags and authors, and the content
  score of every story against it.
- `collaborative`: item-to-item co-likes ("readers who liked X also liked Y").
- `blend`: content + co-likes + community quality in one deterministic ranking.
- `explain`: the reasons, in words.
- `catalog`: one guild's stories and ratings as compact arrays in memory.
- `discovery`: the catalogs kept in step with the store, and the answers (`Library` is
  the door: cogs call `library.recommend`, `library.similar`, `library.top`).
"""

from bot.library.recommend.discovery import MAX_COUNT, Discovery, resolve_pairing
from bot.library.recommend.explain import Reason, ReasonKind, Recommendation, Recommendations

__all__ = [
    "MAX_COUNT",
    "Discovery",
    "Reason",
    "ReasonKind",
    "Recommendation",
    "Recommendations",
    "resolve_pairing",
]
