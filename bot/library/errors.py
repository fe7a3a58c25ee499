"""Errors the library raises for bad input; their messages are shown to moderators as-is."""


class StoryRejected(ValueError):
    """A file cannot become a story; `str(err)` says why, in words a moderator understands."""

    def __init__(self, reason: str, *, source_name: str | None = None) -> None:
        self.reason = reason
        self.source_name = source_name
        super().__init__(reason)


class LibraryError(Exception):
    """A library operation a user asked for cannot be done (unknown story, bad value...)."""
