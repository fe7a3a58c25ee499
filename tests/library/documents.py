"""Build .docx / .odt / .rtf test documents in memory (no binary fixtures are stored).

A document is a list of blocks: ["title", text], ["heading1".."heading6", text],
["p", text], ["table", [[cell, ...], ...]].
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

Blocks = list[list]


def build_docx(blocks: Blocks) -> bytes:
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "title":
            document.add_heading(content, 0)
        elif kind.startswith("heading"):
            document.add_heading(content, int(kind[-1]))
        elif kind == "table":
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(content)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_ODT_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" office:version="1.2"'
)


def _odt_text(text: str) -> str:
    """Text with ODF's own markup for runs of spaces and line breaks."""
    return escape(text).replace("\n", "<text:line-break/>").replace("  ", ' <text:s c="1"/>')


def build_odt(blocks: Blocks) -> bytes:
    body: list[str] = []
    for kind, content in blocks:
        if kind == "title":
            body.append(f'<text:p text:style-name="P1">{_odt_text(content)}</text:p>')
        elif kind.startswith("heading"):
            level = kind[-1]
            body.append(
                f'<text:h text:style-name="Heading_20_{level}" text:outline-level="{level}">'
                f"{_odt_text(content)}</text:h>"
            )
        elif kind == "table":
            rows = "".join(
                "<table:table-row>"
                + "".join(
                    f'<table:table-cell office:value-type="string"><text:p>{_odt_text(c)}'
                    "</text:p></table:table-cell>"
                    for c in row
                )
                + "</table:table-row>"
                for row in content
            )
            body.append(f'<table:table table:name="T1">{rows}</table:table>')
        else:
            body.append(f'<text:p text:style-name="Standard">{_odt_text(content)}</text:p>')
    content_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_ODT_NS}>'
        '<office:automatic-styles><style:style style:name="P1" style:family="paragraph" '
        'style:parent-style-name="Title"/></office:automatic-styles>'
        f"<office:body><office:text>{''.join(body)}</office:text></office:body>"
        "</office:document-content>"
    )
    styles_xml = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-styles {_ODT_NS}>'
        '<office:styles><style:style style:name="Title" style:family="paragraph"/>'
        "</office:styles></office:document-styles>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text"
        )  # stored, first: how ODF files are recognised
        zf.writestr("content.xml", content_xml, zipfile.ZIP_DEFLATED)
        zf.writestr("styles.xml", styles_xml, zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _rtf_escape(text: str) -> str:
    out: list[str] = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) < 128:
            out.append(ch)
        else:
            try:
                out.append("\\'" + ch.encode("cp1252").hex())
            except UnicodeEncodeError:
                out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
    return "".join(out)


def build_rtf(blocks: Blocks) -> bytes:
    """RTF as Word writes it: a cp1252 header, a font table, one \\par per paragraph."""
    parts = [
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}"
        "{\\*\\generator Test;}\\f0\\fs24\n"
    ]
    for kind, content in blocks:
        if kind == "table":
            for row in content:
                cells = "".join(f"{_rtf_escape(c)}\\cell " for c in row)
                parts.append(f"\\trowd\\cellx3000\\cellx6000 {cells}\\row\n")
            continue
        text = _rtf_escape(content)
        if kind == "title" or kind.startswith("heading"):
            text = "{\\b " + text + "}"
        parts.append(f"\\pard {text}\\par\n")
    parts.append("}")
    return "".join(parts).encode("ascii")
