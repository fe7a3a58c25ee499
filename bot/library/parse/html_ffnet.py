"""FanFiction.net HTML: the layout lives in `layouts/ffnet.py`; these names are kept for
the text parser, which reads the same info line in saved-as-text pages."""

from __future__ import annotations

from bot.library.parse.layouts.ffnet import apply_characters, apply_meta_line, is_genre_segment

__all__ = ["apply_characters", "apply_meta_line", "is_genre_segment"]
