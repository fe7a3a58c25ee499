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
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from lxml import etree
from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.errors import StoryRejected
from bot.library.model import Chapter, Status
from bot.library.parse import html_ao3
from bot.library.parse.chapters import bare_number_heading, match_heading
from bot.library.parse.formats.archive import SafeZip
from bot.library.parse.html import decode_html
from bot.library.parse.html_meta import dedupe, labelled_values, progress, split_heading, to_int
from bot.library.parse.html_notes import lift_front_matter
from bot.library.parse.html_preamble import (
    merge_preamble,
    rating_lines,
    read_preamble,
)
from bot.library.parse.html_text import (
    clean_inline,
    inline_text,
    node_paragraphs,
    node_text,
    tidy_paragraphs,
)
from bot.library.parse.raw import RawStory
from bot.library.parse.series import apply_series, read_series
from bot.library.parse.vocabulary import apply_field, apply_labelled, field_of, is_rating
from bot.library.rules import label_key

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
    nav_names: list[str] = field(default_factory=list)  # nav.xhtml / toc.ncx, best first
    nav_titles: dict[str, str] = field(default_factory=dict)  # zip name -> its TOC label
    nav_labels: dict[str, list[str]] = field(default_factory=dict)  # zip name -> all labels

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
            media = (item.get("media-type") or "").lower()
            if "nav" in (item.get("properties") or "").split():
                pkg.nav_names.insert(0, name)
            elif media == "application/x-dtbncx+xml" or name.lower().endswith(".ncx"):
                pkg.nav_names.append(name)
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
    _read_nav(archive, pkg)

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
    declared_total: int | None = None
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
            if label.lower() in ("total chapters", "chapters/total chapters"):
                declared_total = progress(value)[1] or to_int(value)  # a real total (AO3's)
            if label.lower() in ("category", "categories") and raw.fandoms:
                continue  # FanFicFare's "Category" is the fandom: one declaration is enough
            apply_labelled(raw, label, value, items, site="fanficfare")
        summary = _fff_summary(root)
        if summary:
            raw.summary = summary
    raw.chapters = _spine_chapters(docs, pkg, raw)
    if raw.status_declared is not Status.COMPLETE:
        # FanFicFare's "Chapters:" counts what was downloaded; "Total Chapters:" is a total
        raw.total_chapters = declared_total
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
    """One chapter per spine document with story text. Front and back matter (cover,
    title page, information / preface page, contents, copyright, colophon, afterword) is
    not a chapter: its labelled values and rating statements go to `raw` (an afterword to
    the notes), and chapter numbering counts story documents only. A document without a
    heading takes its title from the book's navigation; one with neither, in a book whose
    navigation lists its chapters, continues the previous chapter (calibre splits long
    chapters into several files)."""
    chapters: list[Chapter] = []
    nav_lists_chapters = len(pkg.nav_titles) >= 2
    for doc in docs:
        tree = LexborHTMLParser(doc.html)
        body = tree.body or tree.root
        nav_title = pkg.nav_titles.get(doc.name)
        kind = _matter(doc, pkg, body, nav_title)
        if kind is not None:
            _read_matter(raw, body, kind)
            continue
        parts = _split_doc(body, pkg.nav_labels.get(doc.name, []), len(chapters) + 1, raw)
        if parts:  # several chapters in one document (calibre keeps short books whole)
            chapters.extend(parts)
            continue
        chapter = _chapter_doc(body, len(chapters) + 1, raw, nav_title)
        if chapter is None:
            continue
        untitled = chapter.label is None and chapter.title is None and nav_title is None
        if untitled and nav_lists_chapters and chapters and doc.name not in pkg.nav_titles:
            last = chapters[-1]
            chapters[-1] = Chapter(
                number=last.number,
                label=last.label,
                title=last.title,
                text=f"{last.text}\n\n{chapter.text}",
            )
            continue
        chapters.append(chapter)
    if not chapters:  # everything looked like front matter: a very short book; keep its text
        for doc in docs:
            tree = LexborHTMLParser(doc.html)
            body = tree.body or tree.root
            if _matter(doc, pkg, body, pkg.nav_titles.get(doc.name)) == "skip":
                continue
            chapter = _chapter_doc(body, len(chapters) + 1, None, None)
            if chapter is not None:
                chapters.append(chapter)
    return chapters


_MATTER_NAME = re.compile(
    r"(?:^|[/_\-])(?:preface|info(?:rmation)?|afterword|foreword|acknowledg\w*|dedication|"
    r"front_?matter|back_?matter|end_?matter|about)[^/]*$",
    re.IGNORECASE,
)
_LOG_NAME = re.compile(r"(?:^|[/_\-])log_?page[^/]*$", re.IGNORECASE)
_EPUB_TYPE = re.compile(r"""epub:type\s*=\s*["']([^"']+)""", re.IGNORECASE)
_SKIP_TYPES = {
    "cover", "titlepage", "halftitlepage", "toc", "landmarks", "loi", "lot", "index",
    "copyright-page", "colophon", "imprint", "seriespage", "errata",
}  # fmt: skip
_FRONT_TYPES = {"frontmatter", "preface", "foreword", "prologue-note", "dedication", "epigraph"}
_AFTER_TYPES = {"backmatter", "afterword", "acknowledgments", "rearnotes", "endnotes"}
_MATTER_TITLE = re.compile(
    r"^(?:title ?page|cover|(?:table of )?contents|toc|copyright(?: page)?|colophon|imprint|"
    r"preface|story info(?:rmation)?|information|info|about (?:this|the) (?:story|book|work|"
    r"e-?book|fic)|summary|foreword|dedication|metadata|update log|front ?matter|"
    r"back ?matter|credits)$",
    re.IGNORECASE,
)
_AFTER_TITLE = re.compile(
    r"^(?:afterword|after ?words?|end ?notes?|author'?s'? notes?|a/n|"
    r"acknowledge?ments?|about the author|postscript|notes)$",
    re.IGNORECASE,
)
_COLOPHON = re.compile(
    r"this (?:e-?book|book|epub|file|document) was (?:created|generated|produced|made|"
    r"converted|compiled|packaged)|(?:created|generated|produced|converted|packaged|made) "
    r"(?:with|by|using) (?:fanficfare|fanfictiondownloader|calibre|sigil|pandoc|fichub|"
    r"ficlab|flagfic|the archive)|all rights reserved|\u00a9|^\s*copyright\b",
    re.IGNORECASE | re.MULTILINE,
)
_LABEL_LINE = re.compile(r"^\s*[*_]*\s*([^\W\d_][^:\n]{0,30}?)\s*[*_]*\s*:\s*\S", re.MULTILINE)
_NOTE_FIELDS = ("notes", "disclaimer")  # "A/N:" lines open chapters, not metadata pages
_MATTER_MAX_CHARS = 4000  # longer documents are story text whatever they say


def _matter(doc: _Doc, pkg: _Package, body: LexborNode, nav_title: str | None) -> str | None:
    """What kind of front or back matter a spine document is: "skip" (cover, contents,
    copyright, colophon, update log), "meta" (title / information / preface page: read its
    labels), "after" (afterword: to the notes); None for story text."""
    if _LOG_NAME.search(doc.name):
        return "skip"
    start = doc.html.find("<body")
    types = set()
    for m in _EPUB_TYPE.finditer(doc.html[max(start, 0) : max(start, 0) + 3000]):
        types.update(m.group(1).lower().split())
        break  # the body's or the first section's type
    if types & _AFTER_TYPES:
        return "after"
    if types & (_SKIP_TYPES | _FRONT_TYPES):
        return "meta"
    if "bodymatter" in types or "chapter" in types:
        return None
    if doc.name in pkg.skip or "nav" in doc.properties.split() or _SKIP_NAME.search(doc.name):
        return "meta"
    heading = body.css_first(_HEADINGS)
    titles = [t for t in (nav_title, inline_text(heading) if heading else None) if t]
    for title in titles:
        plain = " ".join(title.strip(" :.*").split())
        if _AFTER_TITLE.match(plain):
            return "after"
        if _MATTER_TITLE.match(plain):
            return "meta"
    text = body.text(deep=True, separator="\n")
    if len(text) > _MATTER_MAX_CHARS:
        return None
    if _MATTER_NAME.search(doc.name):
        return "after" if re.search(r"after|acknowledg|about|back|end", doc.name, re.I) else "meta"
    if _COLOPHON.search(text):
        return "skip"
    title = pkg.first("title")
    words = len(text.split())
    if title and words <= 40 and " ".join(title.lower().split()) in " ".join(text.lower().split()):
        return "meta"  # a title page: the book's title, a byline, little else
    labels = {label_key(m.group(1)) for m in _LABEL_LINE.finditer(text)}
    if sum(1 for label in labels if field_of(label) not in (None, *_NOTE_FIELDS)) >= 3:
        return "meta"  # a page of "Rating: … / Fandom: … / Pairing: …" lines
    links = body.css("a[href]")
    if len(links) >= 3 and words and sum(len(a.text().split()) for a in links) / words > 0.6:
        return "skip"  # a table of contents
    return None


def _read_matter(raw: RawStory, body: LexborNode, kind: str) -> None:
    """Labelled values and rating statements of a front- or back-matter page go to `raw`
    (filling what is still empty; every rating statement is rating evidence); an
    afterword's text goes to the notes."""
    if kind == "skip":
        return
    paragraphs = node_paragraphs(body)
    site = "fanficfare" if raw.layout == FFF_LAYOUT else None
    merge_preamble(raw, read_preamble(paragraphs, site))
    for line in rating_lines(paragraphs):
        if line != raw.rating and line not in raw.rating_evidence:
            raw.rating_evidence.append(line)
    if kind == "after":
        heading = body.css_first(_HEADINGS)
        drop = [heading] if heading is not None else ()
        text = "\n\n".join(tidy_paragraphs(node_paragraphs(body, drop=drop)))
        if text and text not in raw.notes:
            raw.notes.append(text)


def _chapter_doc(
    body: LexborNode, index: int, raw: RawStory | None = None, nav_title: str | None = None
) -> Chapter | None:
    """One spine document as a chapter; a heading that opens it is the chapter heading,
    else the navigation's title for it. With `raw`, disclaimer / author-note paragraphs at
    either end move there."""
    heading = body.css_first(_HEADINGS)
    head = None
    if heading is not None:
        heading_text = inline_text(heading)
        opening = " ".join(body.text(deep=True, separator=" ")[:2000].split())
        if heading_text and opening.startswith(heading_text[:60]):
            head = split_heading(heading_text)
        else:
            heading = None  # a heading inside the story text
    if head is not None and head.label is None and (head.title or "").strip().isdigit():
        head = replace(head, number=int(head.title.strip()), title=None)  # "<h2>3</h2>"
    if nav_title:
        nav_head = split_heading(nav_title)
        if head is None:
            head = nav_head
        elif head.title is None and nav_head.title and nav_head.number in (None, head.number):
            head = replace(nav_head, number=head.number or nav_head.number)
    paragraphs = node_paragraphs(body, drop=[heading] if heading is not None else ())
    if heading is None and paragraphs:
        # calibre-style "<p class="calibre3"><b>Chapter 1</b></p>": a heading in a paragraph
        first = paragraphs[0].strip("*_ \n")
        para_head = match_heading(first) or bare_number_heading(first)
        nav_text = " ".join((nav_title or "").split()).lower()
        if para_head is not None or (nav_text and " ".join(first.split()).lower() == nav_text):
            paragraphs = paragraphs[1:]
            better = para_head is not None and (
                head is None
                or (
                    head.title is None
                    and para_head.title
                    and head.number in (None, para_head.number)
                )
            )
            if better:
                head = para_head
    if raw is not None:
        text = lift_front_matter(raw, paragraphs)
    else:
        text = "\n\n".join(tidy_paragraphs(paragraphs))
    if not text:
        return None
    if head is None:
        return Chapter(number=index, label=None, title=None, text=text)
    return Chapter(number=head.number or index, label=head.label, title=head.title, text=text)


def _split_doc(body: LexborNode, nav_labels: list[str], index: int, raw: RawStory) -> list[Chapter]:
    """A document holding several chapters: split at its headings (h1–h4) that read as
    chapter headings ("Chapter 2", "Epilogue") or that the navigation lists; [] when it
    has fewer than two."""
    labels = {" ".join(x.split()).lower() for x in nav_labels}
    marks: list[str] = []
    for node in body.css(_HEADINGS):
        text = inline_text(node)
        if text and (match_heading(text) or " ".join(text.split()).lower() in labels):
            marks.append(text)
    if len(marks) < 2:
        return []
    paragraphs = node_paragraphs(body)
    keys = [" ".join(p.strip("*_ ").split()) for p in paragraphs]
    cuts: list[int] = []
    start = 0
    for mark in marks:
        key = " ".join(mark.split())
        try:
            at = keys.index(key, start)
        except ValueError:
            continue
        cuts.append(at)
        start = at + 1
    if len(cuts) < 2:
        return []
    chapters: list[Chapter] = []
    before = paragraphs[: cuts[0]]
    if any(p.strip() for p in before):
        text = lift_front_matter(raw, before)
        if text:
            chapters.append(Chapter(number=index, label=None, title=None, text=text))
    for n, cut in enumerate(cuts):
        end = cuts[n + 1] if n + 1 < len(cuts) else len(paragraphs)
        text = lift_front_matter(raw, paragraphs[cut + 1 : end])
        if not text:
            continue
        head = split_heading(keys[cut])
        number = head.number or index + len(chapters)
        chapters.append(Chapter(number=number, label=head.label, title=head.title, text=text))
    return chapters


# ------------------------------------------------------------------- navigation

_MAX_NAV_ENTRIES = 5000


def _read_nav(archive: SafeZip, pkg: _Package) -> None:
    """Chapter titles from the EPUB 3 navigation document or the EPUB 2 `toc.ncx`: the
    first label that points at each spine document."""
    for name in pkg.nav_names:
        if not archive.has(name):
            continue
        data = archive.read(name)
        base = posixpath.dirname(name)
        entries: list[tuple[str, str]] = []
        if name.lower().endswith(".ncx"):
            try:
                root = etree.fromstring(data, _XML_PARSER)
            except (etree.XMLSyntaxError, ValueError):
                continue
            if root is None:
                continue
            for point in root.iter("{*}navPoint"):
                label = " ".join(
                    " ".join(
                        "".join(t.itertext()) for t in point.iterfind("{*}navLabel/{*}text")
                    ).split()
                )
                content = point.find("{*}content")
                if content is not None and label:
                    entries.append((content.get("src") or "", label))
                if len(entries) >= _MAX_NAV_ENTRIES:
                    break
        else:
            tree = LexborHTMLParser(_xhtml_to_html(_decode_xml(data)))
            navs = tree.css("nav")
            nav = next(
                (n for n in navs if "toc" in (n.attributes.get("epub:type") or "").split()),
                navs[0] if navs else None,
            )
            if nav is None:
                continue
            for a in nav.css("a[href]")[:_MAX_NAV_ENTRIES]:
                label = inline_text(a)
                if label:
                    entries.append((a.attributes.get("href") or "", label))
        titles: dict[str, str] = {}
        labels: dict[str, list[str]] = {}
        for href, label in entries:
            target = unquote(href.split("#")[0])
            if not target or "://" in target:
                continue
            name_in_zip = posixpath.normpath(posixpath.join(base, target))
            titles.setdefault(name_in_zip, label)
            labels.setdefault(name_in_zip, []).append(label)
        if titles:
            pkg.nav_titles = titles
            pkg.nav_labels = labels
            return


def _generic(docs: list[_Doc], pkg: _Package, source_name: str) -> RawStory:
    raw = RawStory(layout=GENERIC_LAYOUT)
    raw.chapters = _spine_chapters(docs, pkg, raw)
    for subject in pkg.meta.get("subject", []):
        if not is_rating(subject):  # (a rating subject is rating evidence: _apply_opf)
            apply_field(raw, "tags", subject, key="keywords")  # "A/B" is a pairing
    return raw


def _apply_opf(raw: RawStory, pkg: _Package) -> None:
    """OPF Dublin Core fills what the documents did not declare; a subject that is a
    rating ("Explicit", "Teen And Up Audiences", "NC-17": AO3's and calibre's tags hold
    it there) is rating evidence."""
    for subject in pkg.meta.get("subject", []):
        if is_rating(subject) and subject != raw.rating and subject not in raw.rating_evidence:
            raw.rating_evidence.append(subject)
    if raw.title is None:
        raw.title = pkg.first("title")
    if not raw.authors:
        raw.authors = dedupe(pkg.meta.get("author", []))
    if raw.summary is None and (desc := pkg.first("description")):
        tree = LexborHTMLParser(desc)
        raw.summary = node_text(tree.body or tree.root) or None
    if raw.language is None:
        raw.language = pkg.first("language")
    series = pkg.named_meta.get("calibre:series") or pkg.named_meta.get("belongs-to-collection")
    if series and raw.series is None:
        part = pkg.named_meta.get("calibre:series_index") or pkg.named_meta.get("group-position")
        name, _ = read_series(series)
        apply_series(raw, name, _series_index(part))
    for name, content in pkg.named_meta.items():
        if ":" in name or name in ("cover", "belongs-to-collection", "group-position"):
            continue  # calibre:*, dcterms:* — book-keeping (calibre:rating is stars, not age)
        apply_labelled(raw, name, clean_inline(content))


def _series_index(text: str | None) -> int | None:
    """calibre's series_index ("2", "2.0"); a fraction (2.5) or nonsense is no part."""
    try:
        value = float(text or "")
    except ValueError:
        return None
    return int(value) if value.is_integer() and 0 < value < 10_000 else None
