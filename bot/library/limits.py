"""Limits shared by the bot, the CLI and the library (one definition each)."""

# The largest story file taken (uploads and imports): Discord's default attachment limit.
# STORYBOT_MAX_UPLOAD_BYTES overrides it for a deployment (see bot.config).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

MAX_REVIEW_CHARS = 300  # a reader's short review with a rating
