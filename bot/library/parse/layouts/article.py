"""Any other page: a plain article (author sites, blogs, archives the parser has no layout
for, a French archive's chapter page).

The story text is the page's main content: a well-known content element (`.entry-content`,
`article`, `#story`…) when one holds most of the page's text, else what readability-lxml
(a maintained main-content extractor, Mozilla Readability's method) picks. Navigation,
headers, footers, sidebars, comment threads and forms, share boxes and widgets are removed
first. The text is read by the text parser, so a header block or byline written in the
text is still recognised; what the page says above the text — a "Rating / Pairing /
Summary" block in `<b>` labels, a table or a definition list — is read by
`html_preamble` and kept (never the site's name from `<title>` as the title).
"""

from __future__ import annotations

import logging
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from bot.library.model import Chapter
from bot.library.parse.chapters import Heading
from bot.library.parse.html_meta import split_heading
from bot.library.parse.html_preamble import (
    is_label_line,
    known_label,
    merge_preamble,
    rating_lines,
    read_preamble,
)
from bot.library.parse.html_text import (
    SKIP_TAGS,
    inline_text,
    markup_paragraphs,
    node_paragraphs,
    remove_nodes,
    tidy_paragraphs,
    within,
)
from bot.library.parse.raw import RawStory
from bot.library.parse.text import parse_text

log = logging.getLogger(__name__)

NAME = "html-article"
READABILITY_MAX_CHARS = 2_000_000  # larger pages: the paragraph-density fallback


def detect(tree: LexborHTMLParser) -> float:
    """The fallback: any page is an article, at the lowest confidence."""
    return 0.0


def extract(tree: LexborHTMLParser, source_name: str) -> RawStory:
    return extract_article(tree, source_name)


_CONTENT_SELECTORS = (
    "[itemprop='articleBody']",
    ".entry-content",
    ".post-content",
    ".post-body",
    ".article-body",
    ".story-content",
    "#story",
    ".story",
    "article",
    "main",
    "[role='main']",
    "#content",
    ".content",
)
_CHROME_SELECTOR = ", ".join(
    f"[{attr}*='{word}' i]"
    for attr in ("class", "id")
    for word in (
        "comment",
        "sidebar",
        "share",
        "social",
        "related",
        "widget",
        "breadcrumb",
        "cookie",
        "advert",
        "banner",
        "subscribe",
        "newsletter",
        "pagination",
        "navigation",
        "navbar",
        "menu",
        "skip-link",
        "skiplink",
        "sharedaddy",
        "jp-relatedposts",
        "post-navigation",
        "rating",
        "postratings",
    )
)
_SITE_TITLE = re.compile(r"site|logo|brand|blog-title|masthead|banner", re.I)
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|»«–—:]|::|-)\s+")


def _text_len(node: LexborNode) -> int:
    return len(node.text(deep=True))


def _selected_content(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> LexborNode | None:
    """The largest element matching the first of `selectors` that holds at least half the
    page's text."""
    body = tree.body or tree.root
    total = _text_len(body)
    if total == 0:
        return None
    for selector in selectors:
        nodes = tree.css(selector)
        if not nodes:
            continue
        best = max(nodes, key=_text_len)
        if _text_len(best) >= 0.5 * total:
            return best
    return None


def _densest_paragraphs(tree: LexborHTMLParser) -> LexborNode | None:
    """The element whose own paragraphs hold most of the page's paragraph text."""
    body = tree.body or tree.root
    total = _text_len(body)
    scores: dict[int, int] = {}
    parents: dict[int, LexborNode] = {}
    p_total = 0
    for p in body.css("p"):
        parent = p.parent
        if parent is None:
            continue
        n = len(p.text(deep=True))
        p_total += n
        scores[parent.mem_id] = scores.get(parent.mem_id, 0) + n
        parents[parent.mem_id] = parent
    if scores and p_total >= 0.3 * total:
        best_id = max(scores, key=scores.__getitem__)
        if scores[best_id] >= 0.5 * p_total:
            return parents[best_id]
    return None


def _richest_text_block(tree: LexborHTMLParser) -> LexborNode | None:
    """The element whose own text (not its child blocks') is most of the page's text: a
    story written with `<br>`s in one table cell or `<font>` of an old layout table."""
    body = tree.body or tree.root
    total = _text_len(body)
    if total == 0:
        return None
    best, best_len = None, 0
    for node in body.traverse(include_text=False):
        if node.tag in _INLINE_TAGS:
            continue
        children = list(node.iter())
        if all(c.tag in _INLINE_TAGS or c.tag == "-text" for c in children):
            own = _text_len(node)  # no child blocks: all its text is its own
        else:
            own = len(node.text(deep=False, separator="")) + sum(
                _text_len(c) for c in children if c.tag in _INLINE_TAGS and c.tag != "br"
            )
        if own > best_len:
            best, best_len = node, own
    if best is not None and best_len >= 0.7 * total:
        return best
    return None


_INLINE_TAGS = frozenset(
    {"a", "b", "i", "em", "strong", "font", "span", "u", "s", "small", "big", "sup", "sub", "br"}
)


def _readability_paragraphs(tree: LexborHTMLParser) -> list[str] | None:
    """The main content as readability-lxml picks it (None when it finds none)."""
    markup = tree.html or ""
    if len(markup) > READABILITY_MAX_CHARS or not markup.strip():
        return None
    from readability import Document  # imported on first use: most pages never need it

    try:
        summary = Document(markup).summary(html_partial=True)
    except Exception:  # readability gives up on some markup: the heuristics decide
        log.info("readability could not read the page", exc_info=True)
        return None
    node = LexborHTMLParser(summary).body
    if node is None:
        return None
    paragraphs = tidy_paragraphs(node_paragraphs(node))
    return paragraphs if any(len(p) >= 40 for p in paragraphs) else None


def _page_title(tree: LexborHTMLParser) -> str | None:
    """The story's title from `<title>`: of "Story :: Site" / "Site - Story" the part that
    is not the site's name (`og:site_name`, the banner) — None when only the site is left."""
    title = inline_text(tree.css_first("title"))
    if not title:
        return None
    parts = [p.strip() for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if not parts:
        return None
    site_names = set()
    meta = tree.css_first("meta[property='og:site_name'], meta[name='application-name']")
    if meta is not None and meta.attributes.get("content"):
        site_names.add((meta.attributes.get("content") or "").strip().casefold())
    for node in tree.css("[class*='logo' i] img[alt], img[class*='logo' i][alt]"):
        site_names.add((node.attributes.get("alt") or "").strip().casefold())
    headings = {inline_text(h).casefold() for h in tree.css("h1, h2")}
    for part in parts:  # a part that is the page's heading is the story's title
        if part.casefold() in headings and part.casefold() not in site_names:
            return part
    rest = [p for p in parts if p.casefold() not in site_names]
    if len(parts) > 1 and len(rest) == len(parts) and _looks_like_site(parts[0]):
        rest = rest[1:]
    return rest[0] if rest else None


_SITE_WORDS = re.compile(
    r"\b(?:archive|archives|fanfic(?:tion)?s?|fan fiction|library|journal|blog|site|"
    r"livejournal|dreamwidth|tumblr|wordpress|home)\b",
    re.I,
)


def _looks_like_site(text: str) -> bool:
    return bool(_SITE_WORDS.search(text))


def extract_article(
    tree: LexborHTMLParser,
    source_name: str,
    *,
    name: str = NAME,
    selectors: tuple[str, ...] = (),
) -> RawStory:
    """The page's main content as text, read by the text parser; the page's own label
    block above the text kept. `selectors`: a layout's own content elements, tried first."""
    page_title = _page_title(tree)
    goes_on = _links_to_next_part(tree)
    tree.strip_tags(sorted(SKIP_TAGS - {"head", "title"}))
    body = tree.body or tree.root
    _remove_chrome(body)
    container = _selected_content(tree, (*selectors, *_CONTENT_SELECTORS))
    container = container or _densest_paragraphs(tree) or _richest_text_block(tree)
    readable = None if container is not None else _readability_paragraphs(tree)
    if container is None and readable is None:
        container = body
    byline = _byline_node_text(body, container)
    if container is not None:
        preamble = _preamble_of(body, container)
        preamble += _lift_label_blocks(container)
        heading = _outside_heading(tree, container)
        paragraphs = tidy_paragraphs(node_paragraphs(container))
    else:
        page = tidy_paragraphs(markup_paragraphs(body.html or ""))
        paragraphs = readable or []
        preamble = _before(page, paragraphs)
        heading = None
    if heading and (not paragraphs or paragraphs[0] != heading):
        paragraphs.insert(0, heading)
    raw = parse_text("\n\n".join(paragraphs), source_name)
    raw.layout = f"{name}/{raw.layout}" if raw.layout else name
    if heading and raw.summary == heading:
        raw.summary = None  # the heading put above a label block is not a summary
    if heading:
        _heading_out_of_text(raw, heading)
        preamble = [*preamble, heading]
    lifted = _leading_labels(raw)
    if lifted:
        preamble = [*preamble, *lifted]
    if preamble:
        merge_preamble(raw, read_preamble(preamble))
        for line in rating_lines(preamble):
            if line not in raw.rating_evidence and line != raw.rating:
                raw.rating_evidence.append(line)
        _heading_and_byline(raw, tree, preamble)
    if not raw.authors and byline:
        raw.authors = [byline]
    if goes_on:
        raw.more_chapters = True  # a "Next chapter" link: this page is one part
    if raw.title is None and page_title and page_title in preamble:
        raw.title = page_title  # the <title>'s story part, shown again above the text
    if raw.title is None and raw.title_fallback is None:
        raw.title_fallback = page_title
    return raw


_NEXT_PART = re.compile(
    r"^\W*(?:next\s+(?:chapter|part|page)|chapter\s+suivant|chapitre\s+suivant|"
    r"partie\s+suivante|n(?:ä|ae)chstes\s+kapitel|siguiente\s+cap[ií]tulo|"
    r"capitolo\s+successivo|continued\s+in\s+(?:part|chapter)\b)",
    re.IGNORECASE,
)


def _links_to_next_part(tree: LexborHTMLParser) -> bool:
    """The page links to a next chapter or part ("Next Chapter »", "Chapitre suivant")."""
    return any(_NEXT_PART.match(inline_text(a)) for a in tree.css("a[href]")[:2000])


_BYLINE = re.compile(
    r"^(?:by|written by|par|écrit par|von|de|por|di|door|av|автор:?)\s+(?P<name>\S.{0,60})$",
    re.IGNORECASE,
)


_POSTED_BY = re.compile(r"\bby\s+(?P<name>[^\s·|•,].{0,60})$", re.IGNORECASE)
_NAME_END = re.compile(r"\s+[·|•–—]\s*|\s+-\s+|,\s|\s+on\s+\d")


def _heading_and_byline(raw: RawStory, tree: LexborHTMLParser, preamble: list[str]) -> None:
    """Near the title, above the text: the story's heading (an `<h1>`/`<h2>` that is not
    the site's banner) is its title, a "by Name" / "par Name" line under it the author,
    and a chapter heading ("Chapter 2: The Storm") the chapter's number and title."""
    index: dict[str, int] = {}
    for i, para in enumerate(preamble):
        index.setdefault(para, i)
    title_at = index.get(raw.title) if raw.title else None
    for selector in ("h1", "h2", "h3"):
        for node in tree.css(selector):
            text = inline_text(node)
            if text not in index or _is_site_heading(node):
                continue
            head = split_heading(text)
            if head.label:
                _chapter_heading(raw, head)
            elif raw.title is None and title_at is None and selector != "h3":
                raw.title = text
                title_at = index[text]
    if not raw.authors and title_at is not None:
        for para in preamble[title_at + 1 : title_at + 3]:
            m = _BYLINE.match(para.strip()) or _POSTED_BY.search(para.strip())
            if m:
                name = _NAME_END.split(m.group("name"))[0].strip(" .")
                if name:
                    raw.authors = [name]
                break


def _chapter_heading(raw: RawStory, head: Heading) -> None:
    if len(raw.chapters) != 1:
        return
    only = raw.chapters[0]
    if only.label is None and only.title is None:
        raw.chapters[0] = Chapter(
            number=head.number if head.number is not None else only.number,
            label=head.label,
            title=head.title,
            text=only.text,
        )


_AUTHOR_LINKS = (
    "a[rel='author'], [itemprop='author'], .author a, .byline a, .post-author a, "
    ".entry-author a, a.author, .posted-by a, .postinfo a[href*='/u'], .meta a[href*='author']"
)


def _byline_node_text(body: LexborNode, container: LexborNode | None) -> str | None:
    """The page's author link outside the story text (WordPress "by <a rel=author>")."""
    for node in body.css(_AUTHOR_LINKS):
        inside = container is not None and container.mem_id != body.mem_id
        if inside and within(node, {container.mem_id}):  # type: ignore[union-attr]
            continue
        name = inline_text(node)
        if name and len(name) <= 60 and not _SITE_WORDS.search(name):
            return name
    return None


_MAX_LABEL_BLOCK = 4000  # characters: a label table, not a layout table holding the story


def _lift_label_blocks(container: LexborNode) -> list[str]:
    """Label tables and definition lists inside the text's element ("Rating | NC17" rows,
    `<dt>Pairing</dt><dd>…</dd>`): taken out of the text, returned as "Label: value"
    lines for the preamble reader. A block needs two labels the vocabulary knows."""
    lines_out: list[str] = []
    blocks = []
    candidates = container.css("table, dl")
    too_long = _too_long(candidates, _MAX_LABEL_BLOCK)
    for node in candidates:
        if node.mem_id in too_long:
            continue
        pairs: list[tuple[str, str]] = []
        if node.tag == "table":
            for row in node.css("tr"):
                cells = row.css("th, td")
                if len(cells) == 2:
                    pairs.append((inline_text(cells[0]), inline_text(cells[1])))
        else:
            label = None
            for child in node.iter():
                if child.tag == "dt":
                    label = inline_text(child)
                elif child.tag == "dd" and label:
                    pairs.append((label, inline_text(child)))
                    label = None
        known = [(k.rstrip(":").strip(), v) for k, v in pairs if known_label(k) and v]
        if len(known) >= 2:
            lines_out.extend(f"{k}: {v}" for k, v in known)
            blocks.append(node)
    remove_nodes(container, blocks)
    return ["\n".join(lines_out)] if lines_out else []


def _too_long(nodes: list[LexborNode], limit: int) -> set[int]:
    """The `mem_id`s of `nodes` (in document order) whose text is longer than `limit`.

    A node's text holds its descendants' text, so once one is too long every node around
    it is too: the nodes are measured innermost first and the ones around a long one are
    not measured again — each text is read once, not once per enclosing node (nested
    tables made that quadratic)."""
    wanted = {node.mem_id for node in nodes}
    long: set[int] = set()
    around_long: set[int] = set()  # every node on the way up from a long one
    for node in reversed(nodes):  # a node's descendants come after it in document order
        if node.mem_id in long or _text_len(node) <= limit:
            continue
        cur: LexborNode | None = node
        while cur is not None and cur.mem_id not in around_long:
            around_long.add(cur.mem_id)
            if cur.mem_id in wanted:
                long.add(cur.mem_id)
            cur = cur.parent
    return long


def _heading_out_of_text(raw: RawStory, heading: str) -> None:
    """The page's heading put above the text and left there by the text parser: it is
    the title (when none is declared), not the story's first paragraph."""
    if not raw.chapters:
        return
    first = raw.chapters[0]
    top, _, rest = first.text.partition("\n\n")
    if top.strip() != heading or not rest.strip():
        return
    raw.chapters[0] = Chapter(first.number, first.label, first.title, rest)
    if raw.title is None:
        raw.title = heading


def _leading_labels(raw: RawStory) -> list[str]:
    """Paragraphs at the top of the text made only of known "Label: value" lines (labels
    the text parser left in, e.g. a French "Titre :" block): they leave the text and are
    read as the preamble."""
    if not raw.chapters:
        return []
    first = raw.chapters[0]
    paras = first.text.split("\n\n")
    taken: list[str] = []
    for para in paras[:4]:
        lines = [x for x in para.split("\n") if x.strip()]
        if lines and all(is_label_line(x) for x in lines):
            taken.append(para)
        elif taken or len(para.split()) > 12:
            break
        else:
            taken.append(para)  # a short line before the labels (the title heading)
    if not any(all(is_label_line(x) for x in p.split("\n") if x.strip()) for p in taken):
        return []
    while taken and not all(is_label_line(x) for x in taken[-1].split("\n") if x.strip()):
        taken.pop()
    rest = "\n\n".join(paras[len(taken) :])
    if not rest.strip():
        return []
    raw.chapters[0] = Chapter(first.number, first.label, first.title, rest)
    return taken


def _preamble_of(body: LexborNode, container: LexborNode) -> list[str]:
    """The paragraphs of the page before `container` (after chrome removal)."""
    if container.mem_id == body.mem_id:
        return []
    whole = body.html or ""
    inner = container.html or ""
    at = whole.find(inner) if inner else -1
    if at <= 0:
        return []
    return tidy_paragraphs(markup_paragraphs(whole[:at]))


def _before(page: list[str], story: list[str]) -> list[str]:
    """The page's paragraphs before the first paragraph of the story text."""
    if not story:
        return []
    first = story[0]
    for i, para in enumerate(page):
        if para == first or (len(first) >= 40 and first[:40] in para):
            return page[:i]
    return []


def _has_ancestor(node: LexborNode, tags: frozenset[str]) -> bool:
    cur = node.parent
    while cur is not None:
        if cur.tag in tags:
            return True
        cur = cur.parent
    return False


def _is_site_header(header: LexborNode) -> bool:
    if _has_ancestor(header, _ARTICLE_TAGS):
        return False  # an article's own header holds its title and byline
    return header.css_first("nav") is not None or bool(_SITE_TITLE.search(_marks(header)))


def _marks(node: LexborNode) -> str:
    """A node's class, id and role, for telling site chrome by name."""
    attrs = node.attributes or {}
    return f"{attrs.get('class') or ''} {attrs.get('id') or ''} {attrs.get('role') or ''}"


def _remove_chrome(body: LexborNode) -> None:
    """Drop navigation, comments, sharing, widgets… — but never a block holding a large
    share of the page's text (a wrapper whose class happens to say "has-sidebar")."""
    total = len(body.text(deep=True))
    if total == 0:
        return
    chrome = [
        node
        for node in body.css(f"{_CHROME_SELECTOR}, nav, footer, aside, menu, header")
        if (node.tag != "header" or _is_site_header(node)) and _text_len(node) < 0.4 * total
    ]
    remove_nodes(body, chrome)


_ARTICLE_TAGS = frozenset({"article"})


def _outside_heading(tree: LexborHTMLParser, container: LexborNode) -> str | None:
    """The story's `<h1>` when it sits outside the chosen content (WordPress entry titles)."""
    if container.css_first("h1, h2") is not None:
        return None
    found = [h1 for h1 in tree.css("h1") if not _is_site_heading(h1)]
    if len(found) > 1:
        found = [h for h in found if "title" in (h.attributes.get("class") or "")]
    return inline_text(found[0]) or None if len(found) == 1 else None


_PAGE_CHROME = frozenset({"nav", "footer", "aside", "menu"})


def _is_site_heading(h1: LexborNode) -> bool:
    """A site's name in its banner, not a story title."""
    depth = 0
    cur: LexborNode | None = h1
    while cur is not None:
        if cur.tag in _PAGE_CHROME:
            return True
        if (depth < 3 or cur.tag == "header") and _SITE_TITLE.search(_marks(cur)):
            return True
        depth += 1
        cur = cur.parent
    return False
