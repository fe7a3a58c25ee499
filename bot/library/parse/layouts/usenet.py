"""A mailing-list or Usenet post: RFC 822 headers (From, Newsgroups, Subject, Date,
Message-ID, Content-Type …), a blank line, then the post — usually a fic header of its
own ("TITLE:", "AUTHOR:", "RATING:", "KEYWORDS:", "SUMMARY:") and the story.

The transport headers leave; the Subject is kept (the shared vocabulary reads "FIC: Title
(Pairing, Rating) 1/3"), and so are headers naming story fields (RFC 1036's "Summary:" and
"Keywords:"); the From name is the author when the post names none. The
charset in Content-Type is honoured by the decoder before this runs.
"""

from __future__ import annotations

import re

from bot.library.parse.layouts.generic import read
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import field_of

LAYOUT = "usenet"
_HEADER = re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9\-]{1,40}):[ \t]*(?P<value>.*)$")
_CONTINUATION = re.compile(r"^[ \t]+\S")
_TRANSPORT = frozenset(
    {
        "from",
        "newsgroups",
        "date",
        "message-id",
        "path",
        "organization",
        "lines",
        "references",
        "in-reply-to",
        "nntp-posting-host",
        "nntp-posting-date",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "xref",
        "sender",
        "reply-to",
        "to",
        "cc",
        "followup-to",
        "approved",
        "distribution",
        "return-path",
        "received",
        "user-agent",
        "x-newsreader",
        "x-mailer",
        "delivered-to",
        "list-id",
        "mailing-list",
        "precedence",
        "status",
    }
)
_STRONG = frozenset({"newsgroups", "message-id", "path", "nntp-posting-host", "xref"})
_FROM_NAME = re.compile(
    r'^\s*"?(?P<name>[^"<>@]+?)"?\s*<[^>]+>\s*$|^\s*\S+@\S+\s*\((?P<paren>[^)]+)\)\s*$'
)


def _headers(lines: list[str]) -> tuple[list[tuple[str, str]], int]:
    """The header block at the top: ([(name, value)], index of the first body line)."""
    out: list[tuple[str, str]] = []
    k = 0
    while k < len(lines) and not lines[k].strip():
        k += 1
    while k < len(lines):
        line = lines[k]
        if not line.strip():
            return out, k + 1
        m = _HEADER.match(line)
        if m:
            out.append((m.group("name").lower(), m.group("value").strip()))
        elif out and _CONTINUATION.match(line):
            name, value = out[-1]
            out[-1] = (name, f"{value} {line.strip()}")
        else:
            return [], 0
        k += 1
    return out, k


def detect(text: str, source_name: str) -> float:
    headers, _ = _headers(text[:8000].split("\n"))
    names = {name for name, _ in headers}
    if "from" not in names and not names & _STRONG:
        return 0.0
    if names & _STRONG:
        return 0.8
    if "subject" in names and ("date" in names or "message-id" in names):
        return 0.7
    return 0.3


def mail_name(value: str | None) -> str | None:
    """The poster's name in a From header ("Jo Writer <jo@…>", "jo@… (Jo Writer)")."""
    return _from_name(value) if value else None


def _from_name(value: str) -> str | None:
    m = _FROM_NAME.match(value)
    if not m:
        return None
    name = (m.group("name") or m.group("paren") or "").strip()
    return name or None


def extract(text: str, source_name: str) -> RawStory:
    lines = text.split("\n")
    headers, body_at = _headers(lines)
    # the Subject, and story fields a post may carry among its headers (RFC 1036's
    # "Summary:" and "Keywords:", an archive's "Rating:")
    kept = [
        f"{name.title()}: {value}"
        for name, value in headers
        if name == "subject" or (name not in _TRANSPORT and field_of(name) not in (None, "ignore"))
    ]
    raw = read("\n".join([*kept, "", *lines[body_at:]]), source_name, LAYOUT)
    poster = next((_from_name(v) for n, v in headers if n == "from"), None)
    if poster and not raw.authors:
        raw.authors.append(poster)
    return raw
