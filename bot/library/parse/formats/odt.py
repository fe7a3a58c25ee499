"""OpenDocument text (.odt: LibreOffice, Google Docs, Word exports) -> `Block`s, with odfpy.

Headings (`text:h`, their outline level) and paragraphs in document order, through lists,
sections and tables (one row per line); a paragraph whose style derives from "Title" is
the title heading. Notes, frames and images are left out.
"""

from __future__ import annotations

import io
import logging
import xml.sax
import zipfile
from typing import Any

from bot.library.parse.formats import Block
from bot.library.parse.formats.archive import SafeZip

log = logging.getLogger(__name__)

_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_CONTAINERS = {
    (_TEXT, "list"),
    (_TEXT, "list-item"),
    (_TEXT, "list-header"),
    (_TEXT, "section"),
    (_TABLE, "table-header-rows"),
    (_TABLE, "table-rows"),
    (_TABLE, "table-row-group"),
}
_SKIP = {(_TEXT, "note"), (_TEXT, "tracked-changes"), (_TEXT, "sequence-decls")}


def odt_blocks(data: bytes, source_name: str) -> list[Block]:
    from odf import teletype
    from odf.opendocument import load

    archive = SafeZip(data, source_name, "OpenDocument file")
    if not archive.has("content.xml"):
        raise archive.reject("it has no content.xml")
    try:
        document = load(io.BytesIO(data))
    except (xml.sax.SAXException, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise archive.reject("its content.xml is not readable XML") from err
    parents = _style_parents(document)
    blocks: list[Block] = []
    stack = list(reversed(document.text.childNodes))
    while stack:
        node = stack.pop()
        qname = getattr(node, "qname", None)
        if qname is None or qname in _SKIP:
            continue
        if qname == (_TEXT, "h"):
            level = node.getAttrNS(_TEXT, "outline-level") or "1"
            level_n = int(level) if str(level).isdigit() else 1
            blocks.append(Block(teletype.extractText(node), level=min(level_n + 1, 6)))
        elif qname == (_TEXT, "p"):
            style = node.getAttrNS(_TEXT, "style-name") or ""
            title = _is_title(style, parents)
            blocks.append(Block(teletype.extractText(node), level=1 if title else 0))
        elif qname == (_TABLE, "table"):
            blocks.extend(_table(node, teletype))
        elif qname in _CONTAINERS:
            stack.extend(reversed(node.childNodes))
    return blocks


def _style_parents(document: Any) -> dict[str, str]:
    """Paragraph style name -> its parent style (automatic styles derive from named ones)."""
    parents: dict[str, str] = {}
    for container in (document.automaticstyles, document.styles):
        for node in container.childNodes:
            if getattr(node, "qname", None) != (_STYLE, "style"):
                continue
            name = node.getAttrNS(_STYLE, "name") or ""
            parent = node.getAttrNS(_STYLE, "parent-style-name") or ""
            display = node.getAttrNS(_STYLE, "display-name") or ""
            if name:
                parents[name] = parent or (display if display != name else "")
    return parents


def _is_title(style: str, parents: dict[str, str]) -> bool:
    seen: set[str] = set()
    while style and style not in seen:
        if style.lower() in ("title", "titel", "titre"):
            return True
        seen.add(style)
        style = parents.get(style, "")
    return False


def _table(table: Any, teletype: Any) -> list[Block]:
    rows: list[Block] = []
    stack = list(reversed(table.childNodes))
    while stack:
        node = stack.pop()
        qname = getattr(node, "qname", None)
        if qname == (_TABLE, "table-row"):
            cells = [
                " ".join(teletype.extractText(cell).split())
                for cell in node.childNodes
                if getattr(cell, "qname", None) == (_TABLE, "table-cell")
            ]
            if any(cells):
                rows.append(Block(" | ".join(cells), row=True))
        elif qname in _CONTAINERS:
            stack.extend(reversed(node.childNodes))
    return rows
