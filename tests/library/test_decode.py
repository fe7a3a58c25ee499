"""Encoding detection: BOMs, UTF-8, UTF-16, legacy code pages (never assumed), binary."""

from __future__ import annotations

import codecs
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.library import decode
from bot.library.decode import binary_kind, decode_bytes, normalise_text
from bot.library.errors import StoryRejected

SAMPLE = "“Don’t,” she said… and then — quietly — “please.”\nCafé au lait, naïve."


def test_utf8_plain():
    assert decode_bytes(SAMPLE.encode()) == (SAMPLE, "utf-8")


def test_utf8_with_bom_drops_bom():
    text, enc = decode_bytes(codecs.BOM_UTF8 + SAMPLE.encode())
    assert (text, enc) == (SAMPLE, "utf-8-sig")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16(codec):
    data = SAMPLE.encode(codec)
    if codec != "utf-16":
        bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
        data = bom + data
    text, enc = decode_bytes(data)
    assert text == SAMPLE
    assert enc.startswith("utf-16")


def test_utf16_without_bom():
    text, enc = decode_bytes("Plain words in UTF-16, no mark.\n".encode("utf-16-le"))
    assert text == "Plain words in UTF-16, no mark.\n"
    assert enc == "utf-16-le"


def test_cp1252_ellipsis_is_not_a_line_break():
    data = SAMPLE.encode("cp1252")
    assert b"\x85" in data
    text, enc = decode_bytes(data)
    assert enc == "cp1252"
    assert text == SAMPLE
    assert "\x85" not in text
    assert len(text.split("\n")) == 2


def test_latin1_accents_are_read_as_western():
    data = ("Ich heiße Müller und wohne in Köln. Élodie est très naïve. " * 8).encode("latin-1")
    text, enc = decode_bytes(data)
    assert "heiße Müller" in text and "Élodie est très naïve" in text
    assert enc == "cp1252"


def test_cyrillic_legacy_encoding_is_detected_not_assumed():
    phrase = "Привет, мир! Баффи и Спайк гуляли по кладбищу всю ночь. "
    text, enc = decode_bytes((phrase * 20).encode("cp1251"))
    assert text.startswith(phrase)
    assert enc.replace("_", "").replace("-", "").lower() in {"cp1251", "windows1251"}


def test_mostly_utf8_with_stray_cp1252_bytes():
    data = "“Smart” quotes, then a stray ".encode() + b"\x92 apostrophe and \x85 ellipsis"
    text, enc = decode_bytes(data)
    assert enc == "utf-8"
    assert text == "“Smart” quotes, then a stray ’ apostrophe and … ellipsis"


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\u2028"])
def test_line_endings_normalised(newline):
    text, _ = decode_bytes(f"one{newline}two{newline}{newline}three".encode())
    assert text == "one\ntwo\n\nthree"


def test_c1_controls_in_unicode_text_are_repaired():
    assert normalise_text("wait\x85 what\x93s\x94") == "wait… what“s”"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04" + b"\x14\x00" * 20, "ZIP"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"GIF89a\x01\x00\x01\x00", "GIF"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 9, "ELF"),
    ],
)
def test_binary_formats_rejected_by_name(data, words):
    with pytest.raises(StoryRejected, match=words):
        decode_bytes(data)


def test_weak_magic_that_is_really_text_is_text():
    assert binary_kind(b"MZ is a magazine she liked.\n") is None
    assert decode_bytes(b"BM was his initials.\n")[0] == "BM was his initials.\n"


def test_nul_bytes_rejected():
    with pytest.raises(StoryRejected, match="binary"):
        decode_bytes(b"text\x00\x01\x02\x03 more" * 50)


@pytest.mark.parametrize("data", [b"", b"   \n\r\n\t ", codecs.BOM_UTF8 + b"  \n"])
def test_empty_rejected(data):
    with pytest.raises(StoryRejected, match=r"empty|no text"):
        decode_bytes(data)


def test_control_bytes_are_rejected():
    data = bytes(range(1, 32)) * 40
    with pytest.raises(StoryRejected):
        decode_bytes(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x81\x8d\x8f\x90\x9d" * 1000,  # decodes as *something*, but it is not language
        b"\xff" * 3000,
        b"\xc3\x28" * 2000,
        bytes(range(128, 256)) * 20,
    ],
)
def test_decodable_garbage_is_not_text(data):
    with pytest.raises(StoryRejected, match="does not look like text"):
        decode_bytes(data)


def test_languages_without_spaces_are_text():
    text, enc = decode_bytes(("こんにちは、世界。これはテストです。" * 30).encode("shift_jis"))
    assert text.startswith("こんにちは")
    assert enc in ("cp932", "shift_jis")


# ---- the byte-counting shortcuts agree with the regex scans they replaced ----------------

_REF_NOT_LETTER = re.compile(r"[^\w \n\r\t\u00a0\u3000]|[\d_]")
_REF_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_REF_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_REF_HIGH_RUNS = re.compile(rb"[\x80-\xff]{2,}")
_REF_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]{1,3}")
_TEXTY = st.text(
    alphabet=st.one_of(
        st.characters(max_codepoint=0x3FF),
        st.sampled_from("\u00a0\u3000\u2019\u201c\u4e00\uff10\u0660²½ſı \n\t"),
    ),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_TEXTY)
def test_letter_and_control_counts_match_the_regexes(text):
    spaces = sum(text.count(ch) for ch in " \n\r\t\u00a0\u3000")
    assert decode._letters(text) == len(text) - spaces - len(_REF_NOT_LETTER.findall(text))
    assert decode._count_bytes(text, decode._CONTROL_BYTES) == len(_REF_CONTROL.findall(text))
    has_control = bool(decode._count_bytes(text, decode._ANY_CONTROL_BYTES))
    assert has_control == bool(_REF_ANY_CONTROL.search(text))


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=80)
    | st.lists(st.sampled_from([b"ab ", b"\xe9", b"\xc3\xa9", b"\x93"])).map(b"".join)
)
def test_byte_masks_match_the_regexes(data):
    high = decode._mask(data, decode._HIGH_FLAGS)
    adjacent = (high & ((high << 8) | (high >> 8))).bit_count()
    assert adjacent == sum(len(run) for run in _REF_HIGH_RUNS.findall(data))
    lead = decode._mask(data, decode._UTF8_LEAD_FLAGS)
    pairs = (lead & (decode._mask(data, decode._UTF8_CONTINUATION_FLAGS) >> 8)).bit_count()
    assert pairs == len(_REF_UTF8_SEQUENCE.findall(data))


# ---- declared charsets, Mac Roman, ISO-8859-15 -------------------------------------------

MAC_STORY = (
    "“Café au lait,” she said. “Don’t you think it’s naïve?”\r"
    "He didn’t answer — he just smiled…\r\rThe end of the café scene.\r"
)


@pytest.mark.parametrize("newline", ["\r", "\n", "\r\n"])
def test_mac_roman_is_read_as_mac_roman(newline):
    data = MAC_STORY.replace("\r", newline).encode("mac_roman")
    text, enc = decode_bytes(data)
    assert enc == "mac_roman"
    assert "“Café au lait,”" in text and "Don’t" in text
    assert "Ž" not in text and "Ò" not in text and "\r" not in text


def test_short_mac_roman_with_cr_line_ends():
    assert decode_bytes("Short Café.\r".encode("mac_roman")) == ("Short Café.\n", "mac_roman")


def test_mime_charset_of_a_usenet_post_is_honoured():
    post = (
        "From: someone@example.invalid\nNewsgroups: alt.fan.example\n"
        "Subject: [FIC] Price\nMIME-Version: 1.0\n"
        'Content-Type: text/plain;\n\tcharset="ISO-8859-15"\n'
        "Content-Transfer-Encoding: 8bit\n\nIt cost 5 € and the cœur was heavy.\n"
    )
    text, enc = decode_bytes(post.encode("iso8859_15"))
    assert enc == "iso8859-15"
    assert "5 € and the cœur" in text


def test_declared_charset_that_does_not_fit_is_ignored():
    data = "Content-Type: text/plain; charset=us-ascii\n\nCafé “ok”.".encode()
    assert decode_bytes(data) == (
        "Content-Type: text/plain; charset=us-ascii\n\nCafé “ok”.",
        "utf-8",
    )
    assert decode.declared_charset(b"Content-Type: text/plain; charset=klingon\n") is None


def test_xml_declaration_is_honoured():
    data = '<?xml version="1.0" encoding="ISO-8859-15"?>\n<p>5 € only</p>'.encode("iso8859_15")
    assert decode_bytes(data)[1] == "iso8859-15"


def test_undeclared_iso_8859_15_euro_survives():
    text, enc = decode_bytes(
        "It cost 5 € and a bit, cœur et âme. Ça va très bien.\n".encode("iso8859_15")
    )
    assert enc == "iso8859_15"
    assert "5 €" in text and "cœur" in text


def test_central_european_code_page_is_not_mistaken_for_western():
    phrase = "Zażółć gęślą jaźń, powiedziała cicho. Źle się czuła tego dnia. "
    text, enc = decode_bytes((phrase * 10).encode("cp1250"))
    assert text.startswith(phrase) and enc == "cp1250"


def test_quoted_printable_post_body_is_decoded():
    import quopri

    body = "It cost 5 € and she said “don’t” — then left, and " * 3 + "that was all.\n"
    post = (
        b"From: q@example.invalid\nNewsgroups: alt.fan.example\nSubject: [FIC] Quoted\n"
        b"MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n"
        b"Content-Transfer-Encoding: quoted-printable\n\n" + quopri.encodestring(body.encode())
    )
    text, enc = decode_bytes(post)
    assert enc == "utf-8"
    assert text.endswith(body) and "=E2" not in text and "=\n" not in text


def test_base64_post_body_is_decoded_in_its_declared_charset():
    import base64

    post = (
        b"From: q@example.invalid\nSubject: x\nContent-Type: text/plain; charset=ISO-8859-15\n"
        b"Content-Transfer-Encoding: base64\n\n"
        + base64.encodebytes("Café €5 cœur. Words words words here.\n".encode("iso8859_15"))
    )
    text, enc = decode_bytes(post)
    assert enc == "iso8859-15" and text.endswith("Café €5 cœur. Words words words here.\n")


def test_a_story_quoting_a_transfer_header_is_left_alone():
    story = (
        "She typed it slowly:\n\nContent-Transfer-Encoding: base64\n\nand hit send. "
        "Nothing happened for a long time; then the reply came.\n"
    )
    assert decode_bytes(story.encode())[0] == story


def _implausible_every_char(text: str) -> int:
    """`decode._implausible` as it was first written: every non-ASCII character looked at."""
    bad = 0
    for i, c in enumerate(text):
        if c < "\x80":
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if c.isalpha():
            upper_inside = c.isupper() and before.isalpha() and before.islower()
            lone_caron = c in "ŠšŽžŸˆ˜ƒ" and not (before.isalpha() or after.isalpha())
            bad += upper_inside or lone_caron
        elif c == "¤" or c < "\xa0" or c == "\ufffd":
            bad += 2
        elif c not in decode._PLAUSIBLE:
            bad += (before.isalpha() and after.isalpha()) or c not in "¦¬±µ¼½¾"
    return bad


_WESTERN_PIECES = [
    "a", "Z", " ", "é", "É", "ß", "Ž", "ž", "Š", "ˆ", "˜", "ƒ", "Ÿ", "ÿ", "ª", "º", "µ", "½",
    "¤", "\x85", "\x9f", "\ufffd", "\u00a0", "’", "“", "…", "—", "√", "Õ", "Ó", "ǅ", "ſ",
    "ı", "Ω", "ω", "д", "Д", "中", "¬", "×", "\u0301",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_WESTERN_PIECES), max_size=40).map("".join))
def test_implausible_skips_only_characters_it_never_counts(text):
    assert decode._implausible(text) == _implausible_every_char(text)
    for codec in ("cp1252", "mac_roman", "iso8859_15"):
        read = text.encode("utf-8").decode(codec, errors="replace")
        assert decode._implausible(read) == _implausible_every_char(read)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from([b"\r", b"\n", b" ", b"\t", b"a", b":", b"\r\n"]), max_size=30),
    st.integers(0, 4),
)
def test_blank_line_search_is_the_carriage_return_aware_pattern(pieces, pos):
    data = b"".join(pieces)
    reference = re.compile(rb"\r?\n[ \t]*\r?\n").search(data, pos, 16384)
    found = decode._blank_line(data, pos, 16384)
    assert found == (reference.span() if reference is not None else None)
