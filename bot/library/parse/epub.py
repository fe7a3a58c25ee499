"""EPUB files (AO3 downloads, FanFicFare, any other EPUB 2/3) → `RawStory`.

The archive is opened defensively (`formats.archive.SafeZip`: size, member-count and
compression-ratio bounds, no absolute or ".." paths, no encryption);
`META-INF/container.xml` names the OPF package, whose Dublin Core metadata and spine
give the story's fields and reading order.
AO3 EPUBs carry the "Download → HTML" markup (preface `dl.tags`, chapter headings,
afterword), so their spine documents are joined and read by the AO3 download reader;
FanFicFare EPUBs have a `title_page.xhtml` of "<b>Label:</b> value" lines and one
document per chapter with an `<h3>` title.
"""

from __future__ import annotations

import logging
import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree
from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.errors import StoryRejected
from bot.library.model import Chapter, Status
from bot.library.parse import html_ao3
from bot.library.parse.formats.archive import SafeZip
from bot.library.parse.html import decode_html
from bot.library.parse.html_meta import apply_label, dedupe, labelled_values, split_heading
from bot.library.parse.html_notes import lift_front_matter
from bot.library.parse.html_text import inline_text, node_paragraphs, node_text, tidy_paragraphs
from bot.library.parse.raw import RawStory

log = logging.getLogger(__name__)

AO3_LAYOUT = "ao3-epub"
FFF_LAYOUT = "fanficfare-epub"
GENERIC_LAYOUT = "epub"

_NS = {
    "c": "urn:oasis:names:tc:opendocument:xmlns:container",
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
}
_XML_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=False, load_dtd=False
)
_SKIP_NAME = re.compile(
    r"(?:^|[/_\-])(?:cover|title_?page|titlepage|toc|toc_page|nav|contents|copyright|"
    r"colophon|jacket|about_?the_?author|log_?page)[^/]*$",
    re.IGNORECASE,
)
_SELF_CLOSING = re.compile(
    r"<((?!(?:br|hr|img|meta|link|input|col|area|base|wbr|source|param|embed|track)\b)"
    r"[A-Za-z][\w:.\-]*)(\s[^<>]*?)?\s*/>"
)
_BODY = re.compile(r"<body\b[^>]*>(.*)</body\s*>", re.IGNORECASE | re.DOTALL)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([\w.:\-]+)""", re.I)
_HEADINGS = "h1, h2, h3, h4"


def _reject(reason: str, source_name: str) -> StoryRejected:
    return StoryRejected(f"not a valid EPUB: {reason}", source_name=source_name)


def _xml(data: bytes, what: str, source_name: str) -> etree._Element:
    try:
        root = etree.fromstring(data, _XML_PARSER)
    except (etree.XMLSyntaxError, ValueError) as err:
        raise _reject(f"{what} is not readable XML", source_name) from err
    if root is None:
        raise _reject(f"{what} is not readable XML", source_name)
    return root


def _decode_xml(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    m = _XML_ENCODING.match(data[:200])
    codec = m.group(1).decode("ascii") if m else "utf-8"
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return decode_html(data)[0]


def _xhtml_to_html(text: str) -> str:
    """XHTML → text an HTML5 parser reads the same way (`<div/>` is not self-closing there)."""
    return _SELF_CLOSING.sub(r"<\1\2></\1>", text)


# ---------------------------------------------------------------------- package


@dataclass(slots=True)
class _Doc:
    href: str
    name: str  # path inside the zip
    properties: str = ""
    html: str = ""


@dataclass(slots=True)
class _Package:
    meta: dict[str, list[str]] = field(default_factory=dict)
    named_meta: dict[str, str] = field(default_factory=dict)
    spine: list[_Doc] = field(default_factory=list)
    manifest_names: list[str] = field(default_factory=list)
    skip: set[str] = field(default_factory=set)  # zip names of cover/toc/title pages

    def first(self, key: str) -> str | None:
        values = self.meta.get(key)
        return values[0] if values else None


def _opf_path(archive: SafeZip, source_name: str) -> str:
    if archive.has("META-INF/container.xml"):
        root = _xml(archive.read("META-INF/container.xml"), "META-INF/container.xml", source_name)
        for rootfile in root.iter("{*}rootfile"):
            path = unquote(rootfile.get("full-path") or "")
            media = rootfile.get("media-type") or "application/oebps-package+xml"
            if path and "oebps-package" in media and archive.has(path):
                return path
    opfs = [n for n in archive.infos if n.lower().endswith(".opf")]
    if len(opfs) == 1:
        return opfs[0]
    if not archive.has("META-INF/container.xml"):
        raise _reject("META-INF/container.xml is missing", source_name)
    raise _reject("the package document (.opf) named by container.xml is missing", source_name)


def _read_package(archive: SafeZip, source_name: str) -> _Package:
    opf_name = _opf_path(archive, source_name)
    root = _xml(archive.read(opf_name), opf_name, source_name)
    base = posixpath.dirname(opf_name)
    pkg = _Package()
    metadata = root.find("{*}metadata")
    if metadata is not None:
        for el in metadata.iter():
            if not isinstance(el.tag, str):
                continue
            local = etree.QName(el).localname.lower()
            ns = etree.QName(el).namespace or ""
            if ns == _NS["dc"]:
                text = "".join(el.itertext()).strip()
                if not text:
                    continue
                role = (el.get(f"{{{_NS['opf']}}}role") or el.get("role") or "").lower()
                key = "author" if local == "creator" and role in ("", "aut") else local
                pkg.meta.setdefault(key, []).append(text)
            elif local == "meta":
                name = el.get("name") or el.get("property") or ""
                content = el.get("content") or "".join(el.itertext()).strip()
                if name and content:
                    pkg.named_meta[name.lower()] = content
    manifest: dict[str, _Doc] = {}
    manifest_el = root.find("{*}manifest")
    if manifest_el is not None:
        for item in manifest_el.iter("{*}item"):
            href = unquote(item.get("href") or "")
            if not href:
                continue
            name = posixpath.normpath(posixpath.join(base, href)) if base else href
            manifest[item.get("id") or href] = _Doc(href, name, item.get("properties") or "")
            pkg.manifest_names.append(name)
    spine_el = root.find("{*}spine")
    if spine_el is not None:
        toc_id = spine_el.get("toc")
        for ref in spine_el.iter("{*}itemref"):
            doc = manifest.get(ref.get("idref") or "")
            if doc is None or ref.get("idref") == toc_id:
                continue
            if (ref.get("linear") or "yes").lower() == "no":
                pkg.skip.add(doc.name)
            pkg.spine.append(doc)
    guide = root.find("{*}guide")
    if guide is not None:
        for ref in guide.iter("{*}reference"):
            kind = (ref.get("type") or "").lower()
            href = unquote((ref.get("href") or "").split("#")[0])
            if kind in ("cover", "toc", "title-page", "titlepage", "copyright-page") and href:
                pkg.skip.add(posixpath.normpath(posixpath.join(base, href)) if base else href)
    if not pkg.spine:
        raise _reject("its package document lists no chapters (empty spine)", source_name)
    return pkg


# ------------------------------------------------------------------- extraction


def parse_epub(data: bytes, source_name: str) -> RawStory:
    """Parse an EPUB's bytes; `StoryRejected` when it is not a usable EPUB."""
    archive = SafeZip(data, source_name, "EPUB")
    pkg = _read_package(archive, source_name)
    if archive.has("META-INF/rights.xml"):
        raise _reject("the book is DRM-protected", source_name)
    if archive.has("META-INF/encryption.xml"):
        enc = archive.read("META-INF/encryption.xml").decode("utf-8", "replace")
        if re.search(r"\.(?:x?html?|opf|ncx)\b", enc, re.IGNORECASE):
            raise _reject("the book is encrypted (DRM-protected)", source_name)
    for doc in pkg.spine:
        if archive.has(doc.name):
            doc.html = _xhtml_to_html(_decode_xml(archive.read(doc.name)))
        else:
            log.info("%s: spine document %s is missing", source_name, doc.name)
    docs = [d for d in pkg.spine if d.html]
    if not docs:
        raise _reject("none of its chapter documents are in the archive", source_name)

    publisher = " ".join(pkg.meta.get("publisher", []) + pkg.meta.get("source", []))
    identifiers = " ".join(pkg.meta.get("identifier", []) + pkg.meta.get("contributor", []))
    if (
        "archiveofourown" in (publisher + identifiers).lower()
        or "archive of our own" in (publisher.lower())
        or any('id="preface"' in d.html or 'class="tags"' in d.html for d in docs[:3])
    ):
        raw = _ao3(docs, pkg, source_name)
    elif "fanficfare" in identifiers.lower() or any(
        "title_page" in d.name.lower() for d in pkg.spine
    ):
        raw = _fanficfare(docs, pkg, source_name)
    else:
        raw = _generic(docs, pkg, source_name)
    _apply_opf(raw, pkg)
    return raw


def _is_skipped(doc: _Doc, pkg: _Package) -> bool:
    return (
        doc.name in pkg.skip or "nav" in doc.properties.split() or bool(_SKIP_NAME.search(doc.name))
    )


def _ao3(docs: list[_Doc], pkg: _Package, source_name: str) -> RawStory:
    bodies = []
    for doc in docs:
        if "nav" in doc.properties.split() or (
            _SKIP_NAME.search(doc.name) and 'id="preface"' not in doc.html
        ):
            continue
        m = _BODY.search(doc.html)
        bodies.append(m.group(1) if m else doc.html)
    tree = LexborHTMLParser(f"<html><body>{''.join(bodies)}</body></html>")
    raw = html_ao3.extract_download(tree, source_name, joined=True)
    raw.layout = AO3_LAYOUT
    return raw


def _fanficfare(docs: list[_Doc], pkg: _Package, source_name: str) -> RawStory:
    raw = RawStory(layout=FFF_LAYOUT)
    for doc in docs:
        if "title_page" not in doc.name.lower() and "titlepage" not in doc.name.lower():
            continue
        tree = LexborHTMLParser(doc.html)
        root = tree.body or tree.root
        heading = root.css_first("h3, h2, h1")
        if heading is not None:
            links = heading.css("a")
            if links:
                raw.title = inline_text(links[0]) or None
                raw.authors = dedupe([inline_text(a) for a in links[1:] if inline_text(a)])
        for label, value, items in labelled_values(root, "b, strong, dt"):
            if label.lower() in ("summary", "description"):
                continue
            if label.lower() in ("category", "categories") and not raw.fandoms:
                apply_label(raw, "Fandom", value, items)
            else:
                apply_label(raw, label, value, items)
        summary = _fff_summary(root)
        if summary:
            raw.summary = summary
    raw.chapters = _spine_chapters(docs, pkg, raw)
    if raw.status_declared is not Status.COMPLETE:
        raw.total_chapters = None  # FanFicFare's "Chapters:" counts what was downloaded
    return raw


def _fff_summary(root: LexborNode) -> str | None:
    """FanFicFare puts the summary after "<b>Summary:</b>", sometimes as a block."""
    for label in root.css("b, strong"):
        if inline_text(label).rstrip(":").lower() not in ("summary", "description"):
            continue
        parts: list[str] = []
        sib = label.next
        while sib is not None:
            if sib.tag in ("b", "strong") and inline_text(sib).endswith(":"):
                break
            if sib.tag == "-text":
                parts.append(" ".join((sib.text_content or "").split()))
            elif sib.tag == "br":
                if parts and parts[-1] == "\n":
                    break
                parts.append("\n")
            elif sib.tag and not sib.tag.startswith("-"):
                parts.append("\n\n".join(node_paragraphs(sib)) if sib.child else "")
            sib = sib.next
        lines = [" ".join(x.split()) for x in "".join(parts).split("\n")]
        text = "\n".join(x for x in lines if x).strip()
        return text or None
    return None


def _spine_chapters(docs: list[_Doc], pkg: _Package, raw: RawStory) -> list[Chapter]:
    """One chapter per spine document with text (cover, contents and title pages skipped)."""
    chapters: list[Chapter] = []
    for doc in docs:
        if _is_skipped(doc, pkg):
            continue
        chapter = _chapter_doc(doc, len(chapters) + 1, raw)
        if chapter is not None:
            chapters.append(chapter)
    return chapters


def _chapter_doc(doc: _Doc, index: int, raw: RawStory | None = None) -> Chapter | None:
    """One spine document as a chapter; a heading that opens it is the chapter heading.
    With `raw`, disclaimer / author-note paragraphs at either end move there."""
    tree = LexborHTMLParser(doc.html)
    body = tree.body or tree.root
    heading = body.css_first(_HEADINGS)
    head = None
    if heading is not None:
        heading_text = inline_text(heading)
        opening = " ".join(body.text(deep=True, separator=" ")[:2000].split())
        if heading_text and opening.startswith(heading_text[:60]):
            head = split_heading(heading_text)
        else:
            heading = None  # a heading inside the story text
    paragraphs = node_paragraphs(body, drop=[heading] if heading is not None else ())
    if raw is not None:
        text = lift_front_matter(raw, paragraphs)
    else:
        text = "\n\n".join(tidy_paragraphs(paragraphs))
    if not text:
        return None
    if head is None:
        return Chapter(number=index, label=None, title=None, text=text)
    return Chapter(number=head.number or index, label=head.label, title=head.title, text=text)


def _generic(docs: list[_Doc], pkg: _Package, source_name: str) -> RawStory:
    raw = RawStory(layout=GENERIC_LAYOUT)
    raw.chapters = _spine_chapters(docs, pkg, raw)
    raw.tags = dedupe([*raw.tags, *pkg.meta.get("subject", [])])
    return raw


def _apply_opf(raw: RawStory, pkg: _Package) -> None:
    """OPF Dublin Core fills what the documents did not declare."""
    if raw.title is None:
        raw.title = pkg.first("title")
    if not raw.authors:
        raw.authors = dedupe(pkg.meta.get("author", []))
    if raw.summary is None and (desc := pkg.first("description")):
        tree = LexborHTMLParser(desc)
        raw.summary = node_text(tree.body or tree.root) or None
    if raw.language is None:
        raw.language = pkg.first("language")
    for name, content in pkg.named_meta.items():
        if ":" in name or name == "cover":
            continue  # calibre:*, dcterms:* — book-keeping (calibre:rating is stars, not age)
        apply_label(raw, name, content)
