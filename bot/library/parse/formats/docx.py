"""Word .docx (Word, Google Docs, LibreOffice exports) -> `Block`s, with python-docx.

Paragraphs and tables in document order; the "Title" style and "Heading n" styles (also
localised names such as "Überschrift 1", and outline levels set on a paragraph) are
headings; tables give one row per line. A generated table of contents ("TOC n" styles),
footnotes, comments and images are left out.
"""

from __future__ import annotations

import io
import logging
import re
from typing import TYPE_CHECKING

from bot.library.parse.formats import Block
from bot.library.parse.formats.archive import SafeZip

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

log = logging.getLogger(__name__)

_HEADING_STYLE = re.compile(r"(?:heading|überschrift|titre|título|titolo|kop)\s*(\d)", re.I)
_SKIP_STYLE = re.compile(r"^(?:toc\b|toc heading|index\b|table of figures)", re.I)
_TITLE_STYLE = re.compile(r"^(?:title|titel|titre|título|titolo)$", re.I)


def docx_blocks(data: bytes, source_name: str) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table

    archive = SafeZip(data, source_name, "Word document")
    if not archive.has("word/document.xml"):
        raise archive.reject("it has no word/document.xml")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as err:
        raise archive.reject("its parts cannot be read") from err
    # style id -> name, read once (python-docx's per-paragraph `style` scans every style)
    names: dict[str, str] = {}
    for el in document.styles.element.iterchildren(f"{{{_W}}}style"):
        name_el = el.find(f"{{{_W}}}name")
        if name_el is not None:
            names[el.get(f"{{{_W}}}styleId", "")] = name_el.get(f"{{{_W}}}val", "")
    blocks: list[Block] = []
    for item in document.iter_inner_content():
        if isinstance(item, Table):
            blocks.extend(_table(item))
            continue
        style = names.get(item._p.style or "", item._p.style or "")
        if _SKIP_STYLE.match(style):
            continue  # a generated table of contents or index: not story text
        text = item.text.replace("\t", " ")
        blocks.append(Block(text, level=_level(item, names)))
    return blocks


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _level(paragraph: Paragraph, names: dict[str, str]) -> int:
    style_id = paragraph._p.style or ""
    name = names.get(style_id, style_id)
    if _TITLE_STYLE.match(name.strip()):
        return 1
    m = _HEADING_STYLE.search(name)
    if m:
        return min(int(m.group(1)) + 1, 6)
    outline = paragraph._p.find(".//{*}outlineLvl")  # direct outline level, no style
    if outline is not None:
        value = outline.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "")
        if value.isdigit() and int(value) < 9:
            return min(int(value) + 2, 6)
    return 0


def _table(table: Table) -> list[Block]:
    rows: list[Block] = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or text != cells[-1]:  # merged cells repeat their text
                cells.append(text)
        if any(cells):
            rows.append(Block(" | ".join(cells), row=True))
    return rows
