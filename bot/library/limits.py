"""Limits shared by the bot, the CLI and the library (one definition each)."""

# The largest story file taken (uploads and imports): Discord's default attachment limit.
# STORYBOT_MAX_UPLOAD_BYTES overrides it for a deployment (see bot.config).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

MAX_REVIEW_CHARS = 300  # a reader's short review with a rating


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n} bytes"


def too_large(size: int | None, max_bytes: int) -> str:
    """Why a file over the limit is refused. `size` None: only a prefix was read (the
    caller stopped at max_bytes + 1), so the real size is not known and not claimed."""
    if size is None:
        return f"The file is over the {_size(max_bytes)} limit."
    shown, limit = _size(size), _size(max_bytes)
    if shown == limit:  # rounding would make a larger file look the same size
        shown, limit = f"{size:,} bytes", f"{max_bytes:,}-byte"
    return f"The file is {shown}, over the {limit} limit."
