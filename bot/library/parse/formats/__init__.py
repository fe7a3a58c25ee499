"""Word-processor documents (.docx, .odt, .rtf) -> `RawStory`.

Each container has one module that reads it with a library made for the format
(python-docx, odfpy, striprtf) into `Block`s — paragraphs, headings with their level,
table rows — which `document_text` writes as Markdown-style text (`# Heading`, one blank
line between paragraphs, `| label | value |` rows). That text goes through the text
layouts (`layouts.parse_text_layout`), so labels ("Rating: M"), chapter headings, notes
and ratings are read exactly as in a .txt file. ZIP containers are opened with the
EPUB's bounds (`archive.SafeZip`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

from bot.library.parse.formats.archive import zip_names
from bot.library.parse.raw import RawStory

DOCUMENT_KINDS = ("docx", "odt", "rtf")
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


@dataclass(slots=True)
class Block:
    text: str
    level: int = 0  # 1-6 for a heading (1: the document's title style), 0 for a paragraph
    row: bool = False  # a table row: cells joined by " | "


def document_text(blocks: list[Block]) -> str:
    """Blocks as Markdown-style text the text parser reads: one blank line between
    paragraphs, headings as `#` lines (the highest level present is "#"), a table's rows
    on consecutive `| a | b |` lines."""
    top = min((b.level for b in blocks if b.level and b.text.strip()), default=1)
    groups: list[str] = []
    in_table = False
    for block in blocks:
        text = block.text.strip()
        if not text:
            continue
        if block.row:
            line = f"| {text} |"
            if in_table:
                groups[-1] += "\n" + line
            else:
                groups.append(line)
            in_table = True
            continue
        in_table = False
        if block.level:
            level = min(block.level - top + 1, 6)
            groups.append("#" * level + " " + " ".join(text.split()))
        else:
            groups.append(text)
    return "\n\n".join(groups) + "\n"


def zip_kind(data: bytes, filename: str) -> str | None:
    """Which ZIP container `data` is ("epub", "docx", "odt"), from its members; None when
    it is another ZIP or no ZIP at all."""
    ext = PurePath(filename).suffix.lower()
    if data[30:38] == b"mimetype":
        if data[38 : 38 + len(_ODT_MIMETYPE)] == _ODT_MIMETYPE:
            return "odt"
        if data[38:58].startswith(b"application/epub"):
            return "epub"
    names = zip_names(data)
    if not names:
        return {".epub": "epub", ".docx": "docx", ".odt": "odt"}.get(ext)
    if "META-INF/container.xml" in names or any(n.lower().endswith(".opf") for n in names):
        return "epub"
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names and ext in (".odt", ".ott", ".fodt", ""):
        return "odt"
    if "content.xml" in names and "mimetype" in names:
        return "odt"
    return None


def is_rtf(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:5] == b"{\\rtf"


def parse_document(kind: str, data: bytes, source_name: str) -> tuple[RawStory, str | None]:
    """Read a .docx / .odt / .rtf file; returns the raw record and the text encoding."""
    from bot.library.parse.layouts import parse_text_layout

    encoding: str | None = "utf-8"  # the XML of .docx and .odt
    if kind == "docx":
        from bot.library.parse.formats.docx import docx_blocks

        blocks = docx_blocks(data, source_name)
    elif kind == "odt":
        from bot.library.parse.formats.odt import odt_blocks

        blocks = odt_blocks(data, source_name)
    else:
        from bot.library.parse.formats.rtf import rtf_blocks

        blocks, encoding = rtf_blocks(data, source_name)
    # read as Markdown: `#` lines are headings, the first one the title
    raw = parse_text_layout(document_text(blocks), f"{PurePath(source_name).stem}.md")
    if raw.layout.startswith("text"):  # the generic reader: "docx", "docx-header"
        raw.layout = kind + raw.layout.removeprefix("text-markdown").removeprefix("text")
    else:  # a source layout pasted into a document: "docx-ffnet-text"
        raw.layout = f"{kind}-{raw.layout}"
    return raw, encoding
