"""Bytes -> text: detect the encoding (never assume one), refuse binary files.

Order: byte-order marks (UTF-8, UTF-16, UTF-32) -> a MIME-wrapped mail or Usenet post
(multipart, quoted-printable, base64: `read_mail`, each part in its own charset) ->
strict UTF-8 -> UTF-16 without a BOM
(NUL-byte pattern) -> a charset the file declares (a MIME `Content-Type: text/plain;
charset=...` header of a mail or Usenet post, an XML declaration, an HTML `<meta charset>`)
when the bytes decode as it says -> charset-normalizer on a bounded sample. Western text
is then read as whichever of Windows-1252, ISO-8859-15 and Mac Roman gives the fewest
implausible characters ("CafŽ", "donÕt" and "¤" are tell-tales), preferring Windows-1252
over Latin-1 (byte 0x85 is "…" in cp1252 but a NEL control character in Latin-1).
The result is normalised: CRLF/CR -> LF, stray C1 controls mapped as cp1252, BOM dropped.
"""

from __future__ import annotations

import codecs
import email
import email.errors
import email.header
import email.message
import logging
import re
from dataclasses import dataclass

from bot.library.errors import StoryRejected

log = logging.getLogger(__name__)

# Magic numbers of common binary formats someone might upload under a text name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a RIFF (WebP/WAV/AVI) file"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (not an EPUB, DOCX or ODT document)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "an old Microsoft Office document (Word 97-2003 .doc); save it as .docx, .odt or .rtf",
    ),
    (b"{\\rtf", "an RTF document"),
    (b"OggS", "an Ogg audio file"),
    (b"ID3", "an MP3 audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x1cftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x00\x00\x01\x00", "an icon file"),
    (b"wOFF", "a web font"),
    (b"wOF2", "a web font"),
)
# Magic numbers that also begin ordinary text must be confirmed by more bytes.
_WEAK_MAGIC = {b"MZ", b"BM", b"ID3", b"BZh"}

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_SAMPLE = 256 * 1024  # bytes given to charset detection
_IDEOGRAPH = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_C1 = re.compile(r"[\x80-\x9f]")
# the same sets as bytes: counted in `str.encode("latin-1", "ignore")` (every character
# below U+0100 kept as its byte) with `bytes.translate`, far faster than a regex scan
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])
_ANY_CONTROL_BYTES = _CONTROL_BYTES + bytes(range(0x80, 0xA0))
_ASCII_LETTER_BYTES = bytes([*range(0x41, 0x5B), *range(0x61, 0x7B)])
_LETTER = re.compile(r"[^\W\d_]")
# guesses charset-normalizer makes for short Western texts that are really Windows-1252
_EXOTIC = {"cp437", "cp850", "cp858", "cp1125", "ptcp154", "kz1048", "hp_roman8", "cp037", "cp500"}
_WESTERN = {"latin_1", "iso8859_1", "iso8859_15", "cp1252", "windows_1252", "ascii", "cp850"}


def binary_kind(data: bytes) -> str | None:
    """What binary format `data` looks like, or None if it may be text."""
    head = data[:32]
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if magic in _WEAK_MAGIC and _mostly_text(data[:512]):
                continue
            return kind
    return None


def _mostly_text(sample: bytes) -> bool:
    if not sample:
        return True
    bad = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bad / len(sample) < 0.01


def _utf16_without_bom(data: bytes) -> str | None:
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2]
    odd = sample[1::2]
    nul_even = even.count(0) / len(even)
    nul_odd = odd.count(0) / len(odd)
    if nul_odd > 0.4 and nul_even < 0.05:
        return "utf-16-le"
    if nul_even > 0.4 and nul_odd < 0.05:
        return "utf-16-be"
    return None


def _fix_c1(text: str) -> str:
    """Map stray C1 control characters (a cp1252 byte mis-decoded) to their cp1252 glyph."""

    def repl(m: re.Match[str]) -> str:
        try:
            return bytes([ord(m.group())]).decode("cp1252")
        except UnicodeDecodeError:
            return ""

    return _C1.sub(repl, text)


def normalise_text(text: str) -> str:
    """LF line ends, no BOM, C1 controls repaired, no other control characters but tab."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\u2028" in text or "\u2029" in text:
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    if "\ufeff" in text:
        text = text.replace("\ufeff", "")
    if _count_bytes(text, _ANY_CONTROL_BYTES):
        if _C1.search(text):
            text = _fix_c1(text)
        text = _CONTROL.sub("", text)
    return text


def _count_bytes(text: str, chars: bytes) -> int:
    """How many characters of `text` are among `chars` (all below U+0100)."""
    latin = text.encode("latin-1", "ignore")
    return len(latin) - len(latin.translate(None, chars))


def _letters(sample: str) -> int:
    """How many characters of `sample` are letters (word characters but digits and _)."""
    ascii_part = sample.encode("ascii", "ignore")
    n = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTER_BYTES))
    if len(ascii_part) != len(sample):
        n += len(_LETTER.findall(_ASCII_RUNS.sub("", sample)))
    return n


def _check_text(text: str, encoding: str) -> None:
    if not text.strip():
        raise StoryRejected("The file is empty (it holds only blank space).")
    sample = text[:20000]
    controls = _count_bytes(sample, _CONTROL_BYTES)
    replacement = sample.count("\ufffd")
    if (controls + replacement) / max(len(sample), 1) > 0.02:
        raise StoryRejected(
            f"The file does not look like text (too many control characters when read as "
            f"{encoding}); is it a binary file with a text name?"
        )
    if len(sample) < 200 or sample.lstrip("\ufeff \t\r\n").startswith("<"):
        return  # short, or markup (HTML pages are judged by their text later)
    sample = sample[:8000]
    spaces = sum(sample.count(ch) for ch in " \n\r\t\u00a0\u3000")
    if spaces / len(sample) < 0.02 and len(_IDEOGRAPH.findall(sample)) / len(sample) < 0.3:
        raise StoryRejected(
            f"The file does not look like text (read as {encoding} it has no spaces between "
            f"words); is it binary data, or text in an unusual encoding?"
        )
    letters = _letters(sample)
    if letters / max(len(sample) - spaces, 1) < 0.4:
        raise StoryRejected(
            f"The file does not look like text (read as {encoding} it is mostly symbols, not "
            f"letters); is it binary data, or text in an unusual encoding?"
        )


def _cp1252_or_latin1(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


_WESTERN_CHARS = frozenset(
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝœŒ‘’“”…–—«»¡¿°£€©®·•™§¶\u00a0´¨"
)


_HIGH = re.compile(rb"[\x80-\xff]")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_WESTERN_DELETE = dict.fromkeys(map(ord, _WESTERN_CHARS))


def _looks_cp1252(data: bytes) -> bool:
    """Western text: high bytes are isolated (accents inside ASCII words) or cp1252
    punctuation, and read as cp1252 they are common Western letters and punctuation."""
    sample = data[:_SAMPLE]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if not high:
        return True
    # high bytes next to another high byte (in runs of two or more)
    high_mask = _mask(sample, _HIGH_FLAGS)
    adjacent = (high_mask & ((high_mask << 8) | (high_mask >> 8))).bit_count()
    if adjacent / high > 0.3:
        return False
    # every ASCII byte reads as ASCII in cp1252 and every other one does not
    decoded = sample.translate(None, _ASCII_BYTES).decode("cp1252", errors="replace")
    unusual = len(decoded.translate(_WESTERN_DELETE))
    return unusual / max(len(decoded), 1) <= 0.1


# ---- declared charsets ------------------------------------------------------------

_MIME_CHARSET = re.compile(
    rb"""^Content-Type:[ \t]*text/[\w.+-]+[^\n]*?(?:\n[ \t][^\n]*?)*?"""
    rb"""charset[ \t]*=[ \t]*["']?([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE | re.MULTILINE,
)
_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECLARATION_ANYWHERE = re.compile(
    rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
# labels that in practice mean Windows-1252 (the WHATWG encoding standard does the same)
_LABEL_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "l1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "windows-1252": "cp1252",
    "x-user-defined": "cp1252",
    "macintosh": "mac_roman",
    "x-mac-roman": "mac_roman",
    "x-mac": "mac_roman",
    "mac": "mac_roman",
    "latin-9": "iso8859_15",
    "latin9": "iso8859_15",
}


def declared_charset(data: bytes) -> str | None:
    """The codec a file names for itself, if Python knows it: an XML declaration, a MIME
    `Content-Type` header (mail, Usenet, mailing-list archives), an HTML `<meta charset>`
    or http-equiv. The one reader of declared charsets, for text, HTML and EPUB."""
    head = data[:16384].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    m = (
        _XML_DECLARATION.match(head)
        or _MIME_CHARSET.search(head)
        or _META_CHARSET.search(head[:4096])
        or _XML_DECLARATION_ANYWHERE.search(head[:4096])
    )
    if not m:
        return None
    return charset_codec(m.group(1).decode("ascii", "replace"))


def charset_codec(label: str) -> str | None:
    """A charset label as files and MIME headers write it -> Python's codec name, with
    the labels that in practice mean another code page (WHATWG: Latin-1 is Windows-1252)."""
    label = label.strip().strip("\"'").lower()
    label = _LABEL_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        log.info("declared charset %r is not a known codec", label)
        return None


# ---- mail and Usenet posts (MIME) ---------------------------------------------------

_HEADER_LINE = re.compile(rb"^(?:[A-Za-z][A-Za-z0-9-]{0,60}:|[ \t])")
# a blank line, `\r?\n[ \t]*\r?\n`: searched from its "\n" (a regex that starts with a
# literal skips ahead; one that starts with "\r?" is tried at every byte), `_blank_line`
_BLANK_LINE = re.compile(rb"\n[ \t]*\r?\n")
_MBOX_FROM = re.compile(rb"^From \S+")
_MIME_SIGN = re.compile(
    rb"^content-type:[^\n]*multipart/|^content-transfer-encoding:[ \t]*"
    rb"(?:quoted-printable|base64)|=\?[\w.:-]+\?[bq]\?",
    re.IGNORECASE | re.MULTILINE,
)
_MAIL_HEAD_MAX = 16384
_NOTE_RATIO = 4  # a text part under a quarter of the longest one is a note
_TAGS = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class MailPost:
    """A saved mail or Usenet post, unwrapped: the part a reader reads, decoded."""

    text: str  # plain: the post's headers (not the MIME ones) + the text; html: the page
    html: bool  # the post has no text/plain part: `text` is its text/html part
    encoding: str  # the codec the part was read with
    poster: str | None  # the From header, decoded ("Jo Writer <jo@example.invalid>")
    notes: tuple[str, ...] = ()  # short text parts beside the story ("Feedback adored!")
    subject: str | None = None  # the Subject header, decoded


def read_mail(data: bytes) -> MailPost | None:
    """A mail or Usenet post saved with its headers whose body MIME wraps (multipart,
    quoted-printable or base64, RFC 2047 encoded headers), read with the stdlib `email`
    package: multipart/alternative gives its text/plain part, else its text/html part;
    multipart/mixed its text parts in order (an attached story.txt included; images and
    other attachments left out); each part decoded from its transfer encoding in its own
    charset. None for anything else (a plain post goes through `decode_bytes` as text).
    """
    head = _mail_head(data)
    if head is None or not _MIME_SIGN.search(head):
        return None
    try:
        message = email.message_from_bytes(data)  # compat32: lenient, keeps comments
        leaves = _mail_leaves(message)
        plain = [leaf for leaf in leaves if leaf.get_content_subtype() == "plain"]
        html = [leaf for leaf in leaves if leaf.get_content_subtype() == "html"]
        chosen = plain or html[:1]
        if not chosen:
            return None
        texts, codecs_used = [], []
        for leaf in chosen:
            text, codec = _part_text(leaf)
            texts.append(text.strip("\n"))
            codecs_used.append(codec)
        poster = _header_text(message, "from")
        subject = _header_text(message, "subject")
        if plain and html:  # an HTML part beside the text ones (multipart/mixed)
            page, page_codec = _part_text(html[0])
            if len(_TAGS.sub("", page)) > _NOTE_RATIO * max(len(t) for t in texts):
                # the story is an attached page; the plain part is a cover note
                notes = tuple(normalise_text(t) for t in texts if t)
                return MailPost(normalise_text(page), True, page_codec, poster, notes, subject)
    except StoryRejected:
        raise
    except Exception:  # a damaged post: read it as the text it is
        log.info("the post's MIME structure could not be read; read as plain text")
        return None
    main = max(range(len(texts)), key=lambda k: len(texts[k]))
    codec = codecs_used[main]  # the story's part's charset names the post's
    longest = len(texts[main])
    texts = [t for t in texts if t]
    # a short note sent with the story as another part (a cover letter, an attached
    # story.txt after "here it is") is a note, not the story's opening
    notes = tuple(normalise_text(t) for t in texts if len(t) * _NOTE_RATIO < longest)
    body = "\n\n".join(t for t in texts if len(t) * _NOTE_RATIO >= longest)
    if not plain:
        return MailPost(normalise_text(body), True, codec, poster, notes, subject)
    kept = [
        f"{name}: {_decoded_header(value)}"
        for name, value in message.items()
        if not name.lower().startswith("content-") and name.lower() != "mime-version"
    ]
    text = normalise_text("\n".join([*kept, "", body]) + "\n")
    return MailPost(text, False, codec, poster, notes, subject)


def _blank_line(data: bytes, pos: int, endpos: int) -> tuple[int, int] | None:
    """(start, end) of the first `\r?\n[ \t]*\r?\n` in data[pos:endpos], or None."""
    m = _BLANK_LINE.search(data, pos, endpos)
    if m is None:
        return None
    start = m.start()
    return (start - 1 if start > pos and data[start - 1] == 0x0D else start), m.end()


def _mail_head(data: bytes) -> bytes | None:
    """The header block at the top of `data` when it is one (most of its lines are
    "Name: value" or continuations), else None: a story that quotes a header is not mail."""
    start = len(data) - len(data.lstrip(b"\r\n"))
    end = _blank_line(data, start, _MAIL_HEAD_MAX)
    if end is None:
        return None
    head = data[start : end[0]]
    lines = head.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    if lines and _MBOX_FROM.match(lines[0]):
        lines = lines[1:]
    if not lines or not _HEADER_LINE.match(lines[0]) or lines[0][:1] in b" \t":
        return None
    if sum(1 for ln in lines if _HEADER_LINE.match(ln)) < 0.8 * len(lines):
        return None
    return head


def _mail_leaves(part: email.message.Message) -> list[email.message.Message]:
    """The text/plain and text/html parts a reader sees, in order; of a
    multipart/alternative only the first alternative holding text/plain (else HTML)."""
    if part.is_multipart():
        subparts = [p for p in part.get_payload() if isinstance(p, email.message.Message)]
        if part.get_content_subtype() == "alternative":
            options = [_mail_leaves(p) for p in subparts]
            for leaves in options:
                if any(leaf.get_content_subtype() == "plain" for leaf in leaves):
                    return leaves
            return next((leaves for leaves in options if leaves), [])
        return [leaf for p in subparts for leaf in _mail_leaves(p)]
    if part.get_content_maintype() == "message":  # a forwarded post
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        return _mail_leaves(inner) if isinstance(inner, email.message.Message) else []
    if part.get_content_maintype() == "text" and part.get_content_subtype() in ("plain", "html"):
        return [part]
    return []


def _part_text(part: email.message.Message) -> tuple[str, str]:
    """A leaf part's text: its transfer encoding undone, read as UTF-8 when it is, else in
    the charset it declares, else as `decode_bytes` would (detection, `<meta charset>`)."""
    payload = part.get_payload(decode=True) or b""
    declared = part.get_content_charset()
    codec = charset_codec(declared) if declared else None
    if codec is not None:
        try:
            return payload.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return payload.decode(codec), codec
        except (UnicodeDecodeError, LookupError):
            log.info("a part declares %s but does not decode as it", codec)
    if not payload.strip():
        return "", codec or "utf-8"
    return decode_bytes(payload)


def _header_text(message: email.message.Message, name: str) -> str | None:
    value = message.get(name)
    return (_decoded_header(value) or None) if value is not None else None


def _decoded_header(value: object) -> str:
    """A header's text: RFC 2047 encoded words ("=?ISO-8859-1?Q?Caf=E9?=") decoded,
    whitespace folded."""
    try:
        text = str(email.header.make_header(email.header.decode_header(str(value))))
    except (LookupError, UnicodeError, ValueError, email.errors.HeaderParseError):
        text = str(value)
    return " ".join(text.split())


def _declared(data: bytes) -> tuple[str, str] | None:
    """(text, codec) when the file declares a legacy charset and decodes as it says."""
    codec = declared_charset(data)
    if codec is None or codec.startswith(("utf_8", "utf-8")):
        return None
    if codec.startswith(("utf_16", "utf_32", "utf-16", "utf-32")):
        return None  # a BOM or the NUL pattern decides these
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        log.info("the file declares %s but does not decode as it", codec)
        return None


# ---- Western code pages: Windows-1252, ISO-8859-15, Mac Roman ----------------------

# punctuation and symbols a Western story plausibly holds next to letters
_PLAUSIBLE = frozenset("‘’“”‚„…–—«»‹›¡¿°£€©®·•™§¶\u00a0´¨×÷ªº¹²³")
_WESTERN_CODECS = ("cp1252", "iso8859_15", "mac_roman")
# Latin-script single-byte code pages charset-normalizer may offer for Western text
_LATIN_SCRIPT = {
    *(f"iso8859_{n}" for n in (2, 3, 4, 9, 10, 13, 14, 16)),
    *(f"cp{n}" for n in (1250, 1254, 1257, 852, 860, 861, 863, 865)),
}


_LONE_CARONS = "ŠšŽžŸˆ˜ƒ"
# non-ASCII characters `_implausible` never counts wherever they are: the plausible
# punctuation, and letters that are not upper case (nor a caron/tilde letter that may
# stand alone) — most of a Western text's non-ASCII characters, skipped by the regex
_NEVER_COUNTED = sorted(
    _PLAUSIBLE
    | {
        ch
        for ch in map(chr, range(0x80, 0x3000))
        if ch.isalpha() and not ch.isupper() and ch not in _LONE_CARONS
    }
)
_MAYBE_IMPLAUSIBLE = re.compile(
    "[^\x00-\x7f" + "".join(re.escape(ch) for ch in _NEVER_COUNTED) + "]"
)


def _implausible(text: str) -> int:
    """How many non-ASCII characters of `text` a Western story would not hold where they
    are: an upper-case letter straight after a lower-case one ("CafŽ", "donÕt", "quotesÓ"),
    a symbol between letters ("c½ur", "√"), a control or "¤" (ISO-8859-15's € read as
    Latin-1)."""
    bad = 0
    n = len(text)
    for m in _MAYBE_IMPLAUSIBLE.finditer(text):
        i = m.start()
        c = m.group()
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < n else " "
        if c.isalpha():
            upper_inside = c.isupper() and before.isalpha() and before.islower()
            lone_caron = c in _LONE_CARONS and not (before.isalpha() or after.isalpha())
            bad += upper_inside or lone_caron
        elif c == "¤" or c < "\xa0" or c == "\ufffd":
            bad += 2
        elif c not in _PLAUSIBLE:
            between_letters = before.isalpha() and after.isalpha()
            bad += between_letters or c not in "¦¬±µ¼½¾"
    return bad


def _western(data: bytes) -> tuple[str, str]:
    """Read Western 8-bit text as Windows-1252, ISO-8859-15 or Mac Roman: the code page
    whose reading of a sample has the fewest implausible characters (ties go to cp1252;
    CR-only line ends, the classic Mac convention, break a tie towards Mac Roman)."""
    sample = data[:_SAMPLE]
    if not _count_high(sample):
        return _cp1252_or_latin1(data)
    cr_only = b"\r" in sample and b"\n" not in sample
    scores: dict[str, int] = {}
    for codec in _WESTERN_CODECS:
        text = sample.decode(codec, errors="replace")
        scores[codec] = _implausible(text)
        if not scores[codec] and codec == "cp1252" and not cr_only:
            break
    best = min(scores, key=lambda c: (scores[c], _WESTERN_CODECS.index(c)))
    if cr_only and scores["cp1252"] and scores.get("mac_roman", 1 << 30) <= scores[best]:
        best = "mac_roman"
    if best == "cp1252" or scores[best] >= scores["cp1252"]:
        return _cp1252_or_latin1(data)
    log.debug("western text read as %s (implausible: %s)", best, scores)
    return data.decode(best, errors="replace"), best


def _count_high(data: bytes) -> int:
    return len(data) - len(data.translate(None, _HIGH_BYTES))


def _detect(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    if _looks_cp1252(data):
        return _western(data)
    sample = data[:_SAMPLE]
    best = from_bytes(sample).best()
    encoding = best.encoding if best is not None else None
    log.debug("charset-normalizer guessed %s", encoding)
    exotic = encoding is not None and (encoding.startswith("mac_") or encoding in _EXOTIC)
    if encoding is None or encoding in _WESTERN or exotic:
        if encoding is None and not _mostly_text(sample.replace(b"\x00", b"\x01")):
            raise StoryRejected(
                "The file's characters could not be decoded in any known text encoding."
            )
        return _western(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        text = None
    if text is not None:
        if encoding in _LATIN_SCRIPT:  # another Latin code page: is a Western one likelier?
            western = _western(data)
            if _implausible(western[0][:_SAMPLE]) < _implausible(text[:_SAMPLE]):
                return western
        return text, encoding
    best = from_bytes(data).best()
    if best is None:
        raise StoryRejected(
            "The file's characters could not be decoded in any known text encoding."
        )
    return str(best), best.encoding


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode story bytes; returns (normalised text, encoding name).

    Raises StoryRejected for empty, binary or undecodable data.
    """
    if not data or not data.strip():
        raise StoryRejected("The file is empty.")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding.replace("-sig", ""))
            except UnicodeDecodeError:
                raise StoryRejected(
                    f"The file starts with a {encoding.upper()} byte-order mark but is not "
                    f"valid {encoding.upper()} text."
                ) from None
            _check_text(text, encoding)
            return normalise_text(text), encoding
    kind = binary_kind(data)
    if kind:
        raise StoryRejected(f"This is {kind}, not a story file.")
    post = read_mail(data)
    if post is not None:  # a MIME post: its text part (an HTML-only post: the page)
        _check_text(post.text, post.encoding)
        return post.text, post.encoding
    if b"\x00" in data[:8192]:
        utf16 = _utf16_without_bom(data)
        if not utf16:
            raise StoryRejected("The file contains binary data (NUL bytes), not story text.")
        try:
            text, encoding = data.decode(utf16), utf16
        except UnicodeDecodeError:
            raise StoryRejected("The file looks like UTF-16 text but is damaged.") from None
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            found = _declared(data) or _utf8_with_stray_cp1252(data)
            text, encoding = found if found else _detect(data)
    _check_text(text, encoding)
    text = normalise_text(text)
    if not text.strip():
        raise StoryRejected("The file is empty (it holds only blank space).")
    return text, encoding


def _flags(chars: bytes) -> bytes:
    """A `bytes.translate` table: 1 for the bytes in `chars`, 0 for the others."""
    return bytes(1 if b in chars else 0 for b in range(256))


_HIGH_FLAGS = _flags(_HIGH_BYTES)
_UTF8_LEAD_FLAGS = _flags(bytes(range(0xC2, 0xF5)))
_UTF8_CONTINUATION_FLAGS = _flags(bytes(range(0x80, 0xC0)))
_ASCII_BYTES = bytes(range(0x80))


def _mask(data: bytes, flags: bytes) -> int:
    """An integer whose byte k is 1 where `flags` marks data[k], else 0 (little-endian):
    neighbouring bytes are compared by shifting it 8 bits and counted with `bit_count`."""
    return int.from_bytes(data.translate(flags), "little")


def _utf8_with_stray_cp1252(data: bytes) -> tuple[str, str] | None:
    """Mostly valid UTF-8 with a few Windows-1252 bytes pasted in (a common scrape artefact)."""
    head = data[:_SAMPLE]
    # UTF-8 sequences ([\xc2-\xf4][\x80-\xbf]{1,3}, found left to right): a lead byte
    # followed by a continuation byte always starts one, and none swallows a lead byte,
    # so there are as many as such pairs.
    lead_mask = _mask(head, _UTF8_LEAD_FLAGS)
    sequences = (lead_mask & (_mask(head, _UTF8_CONTINUATION_FLAGS) >> 8)).bit_count()
    if not sequences or sequences < (len(head) - len(head.translate(None, _HIGH_BYTES))) // 8:
        return None
    bad = 0

    def handler(err: UnicodeDecodeError) -> tuple[str, int]:
        nonlocal bad
        chunk = err.object[err.start : err.end]
        bad += len(chunk)
        return bytes(chunk).decode("cp1252", errors="replace"), err.end

    codecs.register_error("storybot-cp1252", handler)
    text = data.decode("utf-8", errors="storybot-cp1252")
    multibyte = len(_NON_ASCII.findall(text)) - bad
    if bad and multibyte >= bad:
        return text, "utf-8"
    return None
