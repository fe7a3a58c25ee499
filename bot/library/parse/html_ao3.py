"""Archive of Our Own HTML: the layouts live in `layouts/ao3_download.py` and
`layouts/ao3_page.py`; these names are kept for the EPUB reader."""

from __future__ import annotations

from bot.library.parse.layouts.ao3_download import NAME as DOWNLOAD_LAYOUT
from bot.library.parse.layouts.ao3_download import detect as score_download
from bot.library.parse.layouts.ao3_download import extract as extract_download
from bot.library.parse.layouts.ao3_page import NAME as PAGE_LAYOUT
from bot.library.parse.layouts.ao3_page import detect as score_page
from bot.library.parse.layouts.ao3_page import extract as extract_page

__all__ = [
    "DOWNLOAD_LAYOUT",
    "PAGE_LAYOUT",
    "extract_download",
    "extract_page",
    "score_download",
    "score_page",
]
