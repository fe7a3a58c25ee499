"""Shared Discord UI: error replies, the paginator, story cards, reading sessions."""
