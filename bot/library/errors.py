"""Errors the library raises for bad input; their messages are shown to moderators as-is."""


class StoryRejected(ValueError):
    """A file cannot become a story; `str(err)` says why, in words a moderator understands."""

    def __init__(self, reason: str, *, source_name: str | None = None) -> None:
        self.reason = reason
        self.source_name = source_name
        super().__init__(reason)


class LibraryError(Exception):
    """A library operation a user asked for cannot be done (unknown story, bad value...)."""


class LibraryUnavailable(LibraryError):
    """A change could not be saved because of the database, not the request (read-only
    file, full disk, busy): nothing was written, and the message says so. `reason` is the
    cause alone ("the library is read-only"), for messages about a side effect."""

    def __init__(self, message: str, *, reason: str = "the library cannot be changed") -> None:
        super().__init__(message)
        self.reason = reason


class LibraryBusy(LibraryUnavailable):
    """The database could not be had for writing in time (another process or a long
    write holds it): nothing was written; trying again later may work."""


class LibraryOpenError(LibraryError):
    """The library file cannot be opened; the message names the problem and the fix in one
    line (shown to operators: the bot and the CLI exit with status 2)."""
