"""Story parsing: bytes + file name -> `ParsedStory`.

`parse_story` is the one entry point. It refuses bad input with `StoryRejected` (empty,
binary, undecodable, too large, bad EPUB, no story text, a login wall, an adult-content
warning or an error page instead of a story) and nothing else: an unexpected
error inside a layout is logged and reported as a rejection a moderator can read.
"""

from __future__ import annotations

import logging
import re
from pathlib import PurePath

from bot.library.decode import decode_bytes, read_mail
from bot.library.errors import StoryRejected
from bot.library.limits import too_large
from bot.library.model import ParsedStory
from bot.library.parse.finish import finish
from bot.library.parse.formats import DOCUMENT_KINDS, is_rtf, parse_document, zip_kind
from bot.library.parse.layouts import parse_text_layout
from bot.library.parse.layouts.usenet import mail_name
from bot.library.parse.not_story import refuse_if_not_a_story, refuse_page
from bot.library.parse.raw import RawStory
from bot.library.parse.text import parse_text
from bot.library.parse.vocabulary import apply_bracketed

log = logging.getLogger(__name__)
_HAS_WORD = re.compile(r"[^\W_]")

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
HTML_EXTENSIONS = {".html", ".htm", ".xhtml", ".shtml"}
EPUB_EXTENSIONS = {".epub"}
CONTAINER_EXTENSIONS = {".epub", ".docx", ".odt"}

__all__ = ["DEFAULT_MAX_BYTES", "RawStory", "finish", "parse_story", "parse_text", "too_large"]


def _kind(data: bytes, filename: str) -> str:
    ext = PurePath(filename).suffix.lower()
    if data[:4] == b"PK\x03\x04" or ext in CONTAINER_EXTENSIONS:
        container = zip_kind(data, filename)  # EPUB, DOCX, ODT by their members
        if container:
            return container
    if ext in EPUB_EXTENSIONS:
        return "epub"
    if is_rtf(data):
        return "rtf"
    if ext in HTML_EXTENSIONS:
        return "html"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if ext not in (".md", ".markdown") and head.startswith(
        (b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")
    ):
        return "html"
    return "text"  # decode_bytes refuses (and names) binary data


def parse_story(data: bytes, filename: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> ParsedStory:
    """Parse one uploaded file. Raises StoryRejected with a moderator-readable reason."""
    name = PurePath(filename or "story.txt").name
    try:
        if len(data) > max_bytes:
            read_whole = len(data) != max_bytes + 1  # callers read at most max_bytes + 1
            raise StoryRejected(too_large(len(data) if read_whole else None, max_bytes))
        if not data or not data.strip():
            raise StoryRejected("The file is empty.")
        kind = _kind(data, name)
        encoding: str | None
        text = ""
        post = None
        if kind in DOCUMENT_KINDS:  # .docx / .odt / .rtf: their text, read as text
            raw, encoding = parse_document(kind, data, name)
        elif kind == "epub":
            from bot.library.parse.epub import parse_epub

            raw = parse_epub(data, name)
            encoding = "utf-8"
        elif kind == "html":
            from bot.library.parse.html import decode_html, parse_html

            text, encoding = decode_html(data)
            raw = parse_html(text, name)
        elif (post := read_mail(data)) is not None and post.html:
            # a mail or Usenet post whose only text is HTML: read as the page it is
            from bot.library.parse.html import parse_html

            text, encoding = post.text, post.encoding
            raw = parse_html(text, name)
            poster = mail_name(post.poster)
            if poster and not raw.authors:
                raw.authors.append(poster)
            apply_bracketed(raw, post.subject or "")  # "FIC: Title (Spike/Buffy, NC-17)"
        else:
            text, encoding = (post.text, post.encoding) if post else decode_bytes(data)
            raw = parse_text_layout(text, name)
        if kind == "text" and post is not None:
            raw.notes.extend(n for n in post.notes if n not in raw.notes)
        story = finish(raw, source_name=name, encoding=encoding)
        if not story.chapters or not _HAS_WORD.search(story.body):
            refuse_page(text)  # a login wall or error page says so
            raise StoryRejected("No story text was found in the file.")
        refuse_if_not_a_story(story)
        return story
    except StoryRejected as err:
        if err.source_name is None:
            err.source_name = name
        raise
    except RecursionError:
        log.exception("parser recursion on %s", name)
        raise StoryRejected("The file is nested too deeply to read.", source_name=name) from None
    except Exception as exc:  # a layout failed on input it did not expect
        log.exception("parser failed on %s", name)
        raise StoryRejected(
            f"The file could not be read as a story ({type(exc).__name__}: {exc}).",
            source_name=name,
        ) from exc
