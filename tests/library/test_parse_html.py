"""HTML layouts: AO3 downloads and work pages, FanFiction.net, eFiction, plain articles."""

from __future__ import annotations

from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from bot.library.decode import declared_charset
from bot.library.errors import StoryRejected
from bot.library.model import Status
from bot.library.parse.html import decode_html, parse_html
from bot.library.parse.html_meta import progress, split_heading
from bot.library.parse.html_notes import lift_front_matter
from bot.library.parse.html_text import node_paragraphs
from bot.library.parse.raw import RawStory
from bot.library.parse.vocabulary import apply_labelled

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"

CHROME = (
    "Archive of Our Own",
    "Posted originally",
    "drop by the Archive",
    "Kudos",
    "kudos",
    "Comments",
    "Log In",
    "Site Map",
    "Chapter Text",
    "Entire Work",
    "Follow/Fav",
    "Post Review",
    "Terms of Service",
    "Prev",
    "register",
    "Powered by",
    "Share this",
    "Leave a Reply",
    "Recent Posts",
    "email",
    "protected",
    "var ",
    "{",
)


def load(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def body_of(raw) -> str:
    return "\n\n".join(c.text for c in raw.chapters)


def assert_no_chrome(text: str) -> None:
    for needle in CHROME:
        assert needle not in text, needle


# ---------------------------------------------------------------- AO3 download


def test_ao3_download_multi_chapter_every_field() -> None:
    raw = parse_html(load("ao3_download_multi.html"), "salt.html")
    assert raw.layout == "ao3-html"
    assert raw.title == "Salt and Ash"
    assert raw.authors == ["nightwalker_42"]
    assert raw.rating == "Mature"
    assert raw.warnings == ["Graphic Depictions Of Violence", "Major Character Death"]
    assert raw.fandoms == ["Buffy the Vampire Slayer (TV)", "Angel: the Series"]
    assert raw.relationships == ["Buffy Summers/Spike", "Buffy Summers & Willow Rosenberg"]
    assert raw.characters == [
        "Buffy Summers",
        "Spike (Buffyverse)",
        "Willow Rosenberg",
        "Rupert Giles",
    ]
    assert raw.tags == ["Post-Season 7", "Angst with a Happy Ending", "Slow Burn"]
    assert raw.language == "English"
    assert raw.summary == (
        "Sunnydale is a crater. Cleveland has a Hellmouth of its own, and Buffy has *rules* "
        "about vampires who come back from the dead.\n\nSpike has never been good at rules."
    )
    assert raw.notes == [
        "Thank you to my beta, who told me the second chapter was too long. She was right.",
        "Giles makes tea. Nobody drinks it.",
        "Warning for a brief fight scene.",
        "Next chapter: the bleached problem gets a name.",
        "Comments keep me writing! Come say hi on tumblr.",
    ]
    assert raw.total_chapters is None  # "3/?"
    assert raw.status_declared is Status.WIP
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [
        (1, "Chapter 1", "Crater"),
        (2, "Chapter 2", "Cleveland"),
        (3, "Chapter 3", None),
    ]
    first = raw.chapters[0].text
    assert first.startswith("The bus stopped at the edge of what used to be Sunnydale")
    assert "because *someone* had to" in first
    assert '"I\'m **thinking**."' in first
    assert "\n\n* * *\n\n" in first  # <hr/> is a scene break
    assert raw.chapters[2].text.endswith('"Supposed to be a lot of things."')
    body = body_of(raw)
    assert "Giles makes tea" not in body  # chapter summary is not story text
    assert "Chapter End Notes" not in body and "bleached problem gets a name" not in body
    assert "\n\n\n" not in body
    assert_no_chrome(body)


def test_ao3_download_single_chapter() -> None:
    raw = parse_html(load("ao3_download_single.html"), "five.html")
    assert raw.title == "Five Times Xander Didn't Say It"
    assert raw.authors == ["quietstake", "moonfall"]
    assert raw.rating == "General Audiences"
    assert raw.warnings == ["No Archive Warnings Apply"]
    assert raw.relationships == ["Spike/Xander Harris"]
    assert raw.characters == ["Xander Harris", "Spike (Buffyverse)"]
    assert raw.fandoms == ["Buffy the Vampire Slayer (TV)"]
    assert raw.tags == ["5 Times Format", "Fluff"]
    assert raw.summary == "...and the one time he did."
    assert raw.notes == []
    assert raw.total_chapters == 1
    assert raw.status_declared is Status.COMPLETE
    assert len(raw.chapters) == 1
    chapter = raw.chapters[0]
    assert (chapter.number, chapter.label, chapter.title) == (1, None, None)
    assert chapter.text.startswith("**One.**\n\nThe first time, Spike was tied to a chair")
    assert '"You could just *not* talk," Xander said.' in chapter.text
    assert "Write to us at if you liked it." in chapter.text  # placeholder removed
    assert_no_chrome(chapter.text)


# ------------------------------------------------------------ AO3 work page


def test_ao3_work_page_with_site_chrome() -> None:
    raw = parse_html(load("ao3_work_page.html"), "lessons.html")
    assert raw.layout == "ao3-page"
    assert raw.title == "Lessons in Dusting"
    assert raw.authors == ["ginger_snap"]
    assert raw.rating == "Explicit"
    assert raw.warnings == ["Creator Chose Not To Use Archive Warnings"]
    assert raw.fandoms == ["Buffy the Vampire Slayer (TV)"]
    assert raw.relationships == ["Buffy Summers/Spike", "Dawn Summers & Spike"]
    assert raw.characters == ["Buffy Summers", "Spike (Buffyverse)", "Dawn Summers"]
    assert raw.tags == ["Training", "Sexual Tension", "Season 5"]
    assert raw.language == "English"
    assert raw.total_chapters == 12
    assert raw.status_declared is Status.WIP
    assert raw.summary == (
        "Giles is in England. Buffy needs a sparring partner. Spike needs the money."
        "\n\nNobody needs this to be complicated."
    )
    assert raw.notes == [
        "Written for the 2023 Seasonal Spuffy fest.",
        "Spike teaches. Buffy does not learn.",
        "Thanks for all the kudos on chapter one!",
        "Fic art by the wonderful slayerdraws.",
    ]
    assert len(raw.chapters) == 1
    chapter = raw.chapters[0]
    assert (chapter.number, chapter.label, chapter.title) == (2, "Chapter 2", "Footwork")
    assert chapter.text == (
        '"Your footwork," Spike said, "is *atrocious*."\n\n'
        "Buffy swung at him. He wasn't there.\n\n~\n\n"
        "Later, in the Magic Box, Dawn asked why Buffy was limping, and Buffy said "
        "**nothing** in a voice that meant everything."
    )
    assert_no_chrome(chapter.text)


AO3_ONESHOT_PAGE = """<!DOCTYPE html><html><head><title>Quiet - sw [Archive of Our Own]</title>
<meta name="generator" content="Archive of Our Own"></head><body>
<ul id="skiplinks"><li><a href="#main">Main Content</a></li></ul>
<header id="header"><h1>Archive of Our Own beta</h1><nav><a href="/works">Works</a></nav></header>
<div id="main" role="main"><div class="work"><div class="wrapper"><dl class="work meta group">
<dt class="rating tags">Rating:</dt><dd class="rating tags"><ul class="commas"><li>
<a class="tag" href="/tags/Teen">Teen And Up Audiences</a></li></ul></dd>
<dt class="warning tags">Archive Warning:</dt><dd class="warning tags"><ul class="commas"><li>
<a class="tag" href="/tags/x">No Archive Warnings Apply</a></li></ul></dd>
<dt class="stats">Stats:</dt><dd class="stats"><dl class="stats">
<dt class="published">Published:</dt><dd class="published">2020-01-01</dd>
<dt class="words">Words:</dt><dd class="words">17</dd>
<dt class="chapters">Chapters:</dt><dd class="chapters">1/1</dd>
<dt class="kudos">Kudos:</dt><dd class="kudos">9</dd></dl></dd></dl></div>
<div id="workskin"><div class="preface group"><h2 class="title heading">Quiet</h2>
<h3 class="byline heading">orphan_account</h3></div>
<div id="chapters" role="article"><h3 class="landmark heading" id="work">Work Text:</h3>
<div class="userstuff"><p>Willow counted the stars and got a different number every time.</p>
<p>Tara said that was the point.</p></div></div></div>
<div id="feedback"><div id="kudos">Kudos left by 9 users</div></div></div></div>
<div id="footer"><a href="/site_map">Site Map</a></div></body></html>"""


def test_ao3_work_page_single_chapter() -> None:
    raw = parse_html(AO3_ONESHOT_PAGE, "quiet.html")
    assert raw.layout == "ao3-page"
    assert raw.title == "Quiet"
    assert raw.authors == ["orphan_account"]
    assert raw.rating == "Teen And Up Audiences"
    assert raw.warnings == ["No Archive Warnings Apply"]
    assert raw.status_declared is Status.COMPLETE
    assert raw.total_chapters == 1
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [(1, None, None)]
    assert raw.chapters[0].text == (
        "Willow counted the stars and got a different number every time.\n\n"
        "Tara said that was the point."
    )


def test_ao3_note_that_only_points_elsewhere_is_not_a_note() -> None:
    page = AO3_ONESHOT_PAGE.replace(
        '<h3 class="byline heading">orphan_account</h3></div>',
        '<h3 class="byline heading">orphan_account</h3><div class="notes module">'
        '<h3 class="heading">Notes:</h3><blockquote class="userstuff">'
        "<p>(See the beginning of the work for notes.)</p></blockquote>"
        '<blockquote class="userstuff"><p>For T.</p></blockquote></div></div>',
    )
    assert page != AO3_ONESHOT_PAGE
    assert parse_html(page, "quiet.html").notes == ["For T."]


def test_chapter_body_labels_allow_curly_apostrophes() -> None:
    raw = RawStory()
    paragraphs = [
        "**Author\u2019s Note:** thanks to my beta.",
        "Disclaimer - not mine.",
        "The story starts.",
        "It goes on.",
        "A/N 2: reviews welcome",
    ]
    assert lift_front_matter(raw, paragraphs) == "The story starts.\n\nIt goes on."
    assert raw.notes == ["thanks to my beta.", "reviews welcome"]
    assert raw.disclaimer == "not mine."


# ---------------------------------------------------------------------- FFN


def test_fanfiction_net_chapter_page() -> None:
    raw = parse_html(load("ffnet_chapter.html"), "stakes.html")
    assert raw.layout == "ffnet-html"
    assert raw.title == "Between the Stakes"
    assert raw.authors == ["Willowtree88"]
    assert raw.rating == "Fiction T"  # as the site writes it (one info-line reader)
    assert raw.language == "English"
    assert raw.tags == ["Romance", "Hurt/Comfort"]
    assert raw.relationships == ["Buffy S./Spike"]
    assert raw.characters == ["Buffy S.", "Spike", "Dawn S."]
    assert raw.fandoms == ["Buffy: The Vampire Slayer"]
    assert raw.summary == (
        "Season 6 AU. Buffy keeps patrolling with Spike after the Bronze, and neither of "
        "them will say why. Spuffy, eventually."
    )
    assert raw.total_chapters == 3  # "Chapters: 3": the chapter count the site declares
    assert raw.status_declared is Status.WIP  # no "Status: Complete"
    assert raw.disclaimer == "Buffy belongs to Joss Whedon. I just borrow them."
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [(2, None, "Patrol")]
    text = raw.chapters[0].text
    assert text.startswith("The cemetery was quiet, which meant nothing.")
    assert "She *did* understand, was the problem.\n\n* * *\n\nThey walked" in text
    assert text.endswith("past the **Crawford Street** mansion, and neither of them mentioned it.")
    assert "Disclaimer" not in text
    assert_no_chrome(text)


def test_fanfiction_net_complete_oneshot() -> None:
    page = load("ffnet_chapter.html")
    page = page.replace(" - Chapters: 3", "").replace("id: 9876543", "Status: Complete - id: 1")
    start = page.index('<span style="float:right;">')
    end = page.index("</span>", page.index("</select>")) + len("</span>")
    page = page[:start] + page[end:]
    page = page.replace("Fiction  T", "Fiction  M").replace("[Buffy S., Spike] Dawn S.", "Anya")
    raw = parse_html(page, "oneshot.html")
    assert raw.rating == "Fiction M"
    assert raw.status_declared is Status.COMPLETE
    assert raw.total_chapters == 1
    assert raw.relationships == []
    assert raw.characters == ["Anya"]
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [(1, None, None)]


# ------------------------------------------------------------------ eFiction


def test_efiction_viewstory_page() -> None:
    raw = parse_html(load("efiction_viewstory.html"), "talk.html")
    assert raw.layout == "efiction-html"
    assert raw.title == "Let's Talk"
    assert raw.authors == ["Mistress Ember"]
    assert raw.rating == "PG-13"  # not "PG-13 [Reviews - 3]"
    assert raw.characters == ["Buffy", "Spike"]
    assert raw.tags == ["Angst", "Romance"]
    assert raw.warnings == []  # "Warnings: None"
    assert raw.summary == (
        "Years after Sunnydale, Buffy finds Spike in a San Francisco bar. They finally talk."
    )
    assert raw.notes == [
        "As a devout Spike and Buffy fan, I felt a bit cheated that there was never any "
        "real closure. Thanks for reading!"
    ]
    assert raw.total_chapters == 1
    assert raw.status_declared is Status.COMPLETE
    assert raw.disclaimer is None  # the site footer's disclaimer is chrome
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [(1, None, "Let's Talk")]
    assert raw.chapters[0].text == (
        "Spike sat quietly sipping his scotch in a dark corner of the San Francisco bar.\n\n"
        '"I was beginning to think you were a myth, pet." He said.\n\n'
        '"I thought a myth was something you\'re not sure is real." She looked different. '
        'Thinner… older.\n\n"Goodbye, William."'
    )
    assert_no_chrome(raw.chapters[0].text)


# ------------------------------------------------------------ plain article


def test_plain_article_page_goes_through_the_text_parser() -> None:
    raw = parse_html(load("article_wordpress.html"), "dreams.html")
    assert raw.layout.startswith("wordpress-html")
    assert raw.title == "Walking in Dreams"
    assert raw.authors == ["Sweetprincipale"]
    assert raw.rating == "NC-17"
    assert raw.relationships == ["Spike/Buffy"]
    assert raw.summary == (
        "Buffy dreams of a man she has never met. Spike has been dreaming of her for a "
        "hundred years."
    )
    assert raw.disclaimer == "Not mine. Joss owns them all."
    assert any("Summer of Spuffy" in n for n in raw.notes)
    body = body_of(raw)
    assert "She woke with his name in her mouth." in body
    assert "through the long walk to the Magic Box." in body
    for chrome in ("Skip to content", "Fic Index", "Recent Posts", "Leave a Reply", "Loved this"):
        assert chrome not in body
    assert_no_chrome(body)


def test_article_picks_the_element_with_most_paragraph_text() -> None:
    filler = " ".join(["word"] * 40)
    page = (
        "<html><head><title>A Story | My Site</title></head><body>"
        "<div class='top'><a href='/'>Home</a> <a href='/about'>About</a></div>"
        "<div class='wrap'><div class='x1'><p>Side note one.</p></div>"
        f"<div class='x2'><p>Rain fell on Sunnydale. {filler}</p><p>Xander sighed. {filler}</p>"
        f"<p>The end came quietly. {filler}</p></div></div>"
        "<div class='bottom'>Copyright 2004</div></body></html>"
    )
    raw = parse_html(page, "rain.html")
    body = body_of(raw)
    assert body.startswith("Rain fell on Sunnydale.")
    assert "Side note one" not in body and "Copyright" not in body and "Home" not in body
    # the page's <title> is only a fallback: nothing on the page declares it as the title
    assert raw.title is None and raw.title_fallback == "A Story"


# ------------------------------------------------------- HTML → text rules


def paragraphs(html: str) -> list[str]:
    tree = LexborHTMLParser(html)
    return node_paragraphs(tree.body, skip_chrome=True)


def test_blocks_breaks_rules_and_emphasis() -> None:
    html = (
        "<nav>Home</nav><p>Hello <em>dear </em>world&nbsp;&amp; more<!-- hidden --></p>"
        "<p>line one<br>line two<br><br>new paragraph</p><hr><hr>"
        "<div><i><p>it one</p><p>it two <b>bold</b></p></i></div>"
        "<p><b></b> </p><p>&nbsp;</p><p>Last <strong><em>both</em></strong>.</p>"
    )
    assert paragraphs(html) == [
        "Hello *dear* world & more",
        "line one\nline two",
        "new paragraph",
        "* * *",
        "*it one*",
        "*it two **bold***",
        "Last ***both***.",
    ]


def test_scripts_styles_forms_hidden_and_email_placeholders_dropped() -> None:
    html = (
        "<script>var x = 1;</script><style>p { color: red }</style>"
        "<form><input value='Search'><button>Go</button></form>"
        "<p style='display: none'>secret</p><p hidden>also secret</p>"
        "<p>Mail <a href='/cdn-cgi/l/email-protection' class='__cf_email__' "
        "data-cfemail='1d6e'>[email&#160;protected]</a> or "
        "<span class='__cf_email__'>[email protected]</span> today [email protected]</p>"
        "<footer>Footer</footer>"
    )
    assert paragraphs(html) == ["Mail or today"]


def test_pre_keeps_its_lines() -> None:
    assert paragraphs("<pre>  roses are red\n   violets</pre>") == ["  roses are red\n   violets"]


def test_deeply_nested_markup_does_not_recurse() -> None:
    html = "<div>" * 3000 + "<p>deep</p>" + "</div>" * 3000
    assert paragraphs(html) == ["deep"]


def test_heading_and_progress_helpers() -> None:
    assert split_heading("Chapter 1: The Beginning") == split_heading("Chapter 1 - The Beginning")
    h = split_heading("Chapter 12: Home")
    assert (h.number, h.label, h.title) == (12, "Chapter 12", "Home")
    h = split_heading("3. Prologue")
    assert (h.number, h.label, h.title) == (3, "Prologue", None)
    h = split_heading("Part III")
    assert (h.number, h.label, h.title) == (3, "Part III", None)
    h = split_heading("Partial Eclipse")
    assert (h.number, h.label, h.title) == (None, None, "Partial Eclipse")
    assert progress("3/20") == (3, 20, Status.WIP)
    assert progress("3/?") == (3, None, Status.WIP)
    assert progress("1,200/1,200") == (1200, 1200, Status.COMPLETE)
    h = split_heading("Chapter Mix-Up")  # letters that happen to be Roman numerals
    assert h.number is None


@pytest.mark.parametrize(
    ("label", "value", "status"),
    [
        ("Status", "Complete", Status.COMPLETE),
        ("Status", "Abandoned", Status.WIP),  # the status words of data/headers.toml
        ("Status", "One-shot", Status.COMPLETE),
        ("Completed", "No", Status.WIP),
        ("Completed", "2019-02-02", Status.COMPLETE),
        ("Status", "2019-02-02", None),  # a date means complete only after "Completed"
    ],
)
def test_html_status_labels_share_the_text_vocabulary(label, value, status) -> None:
    raw = RawStory()
    apply_labelled(raw, label, value)
    assert raw.status_declared is status


def test_html_labels_are_the_one_vocabulary() -> None:
    """HTML labels go through the text side's applier and table: French labels with a
    space before the colon, a site's own sense of a label, author links kept whole."""
    raw = RawStory()
    assert apply_labelled(raw, "Classement :", "NC-17")
    assert apply_labelled(raw, "Personnages", "Buffy, Spike")
    assert apply_labelled(raw, "Auteur", "Sel et Poivre", ["Salt and Pepper"])
    assert apply_labelled(raw, "Series", "Part 2 of Dark Days")
    assert apply_labelled(raw, "Stats", "Published: 2019-01-01 Words: 5,000 Chapters: 3/20")
    assert not apply_labelled(raw, "Favourite colour", "blue")
    assert raw.rating == "NC-17"
    assert raw.characters == ["Buffy", "Spike"]
    assert raw.authors == ["Salt and Pepper"]
    assert (raw.series, raw.series_part) == ("Dark Days", 2)
    assert (raw.total_chapters, raw.status_declared) == (20, Status.WIP)
    fff = RawStory()
    apply_labelled(fff, "Category", "Buffy: The Vampire Slayer", site="fanficfare")
    plain = RawStory()
    apply_labelled(plain, "Category", "Angst", site=None)
    assert (fff.fandoms, fff.tags, plain.tags) == (["Buffy: The Vampire Slayer"], [], ["Angst"])


# ------------------------------------------------------------------ charset


def test_decode_html_follows_meta_charset_for_legacy_pages() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "</head><body><p>Wait\x85 caf\xe9 \x93quoted\x94</p></body></html>"
    ).encode("latin-1")
    assert declared_charset(page) == "cp1252"
    text, encoding = decode_html(page)
    assert encoding == "cp1252"
    assert "Wait… café “quoted”" in text


def test_decode_html_latin1_label_means_windows_1252() -> None:
    page = b'<meta charset="ISO-8859-1"><p>It\x92s fine\x85</p>'
    text, encoding = decode_html(page)
    assert encoding == "cp1252"
    assert "It’s fine…" in text


def test_decode_html_prefers_real_utf8_over_a_wrong_label() -> None:
    page = '<meta charset="iso-8859-1"><p>Déjà vu — “yes”</p>'.encode()
    text, encoding = decode_html(page)
    assert encoding.replace("_", "-").startswith("utf-8")
    assert "Déjà vu — “yes”" in text


def test_decode_html_utf16_with_bom() -> None:
    page = "\ufeff<html><body><p>Slayer’s night</p></body></html>".encode("utf-16-le")
    text, encoding = decode_html(page)
    assert "utf-16" in encoding.replace("_", "-")
    assert "Slayer’s night" in text


@pytest.mark.parametrize(
    "name",
    [
        "ao3_download_multi.html",
        "ao3_download_single.html",
        "ao3_work_page.html",
        "ffnet_chapter.html",
        "efiction_viewstory.html",
    ],
)
def test_every_structured_fixture_has_text_and_no_markup(name: str) -> None:
    raw = parse_html(load(name), name)
    body = body_of(raw)
    assert body.strip()
    assert "<" not in body and "&nbsp;" not in body and "&amp;" not in body
    assert "\n\n\n" not in body


# ------------------------------------------------------- through parse_story


@pytest.mark.parametrize(
    ("name", "layout", "title", "level", "pairing", "status"),
    [
        (
            "ao3_download_multi.html",
            "ao3-html",
            "Salt and Ash",
            "Mature",
            "Buffy Summers/Spike",
            "wip",
        ),
        (
            "ao3_download_single.html",
            "ao3-html",
            "Five Times Xander Didn't Say It",
            "General",
            "Spike/Xander Harris",
            "complete",
        ),
        (
            "ao3_work_page.html",
            "ao3-page",
            "Lessons in Dusting",
            "Explicit",
            "Buffy Summers/Spike",
            "wip",
        ),
        (
            "ffnet_chapter.html",
            "ffnet-html",
            "Between the Stakes",
            "Teen",
            "Buffy Summers/Spike",
            "wip",
        ),
        ("efiction_viewstory.html", "efiction-html", "Let's Talk", "Teen", None, "complete"),
        (
            "article_wordpress.html",
            "wordpress-html",
            "Walking in Dreams",
            "Explicit",
            "Buffy Summers/Spike",
            None,
        ),
    ],
)
def test_parse_story_routes_html_here(name, layout, title, level, pairing, status) -> None:
    from bot.library.parse import parse_story

    story = parse_story((FIXTURES / name).read_bytes(), name)
    assert story.layout.startswith(layout)
    assert story.title == title
    assert str(story.rating.level) == level
    assert story.rating.inferred is False
    if pairing:
        assert pairing in [p.name for p in story.pairings if not p.inferred]
    if status:
        assert str(story.status) == status
    assert story.words > 0
    assert_no_chrome(story.body)


def test_parse_story_reads_a_legacy_encoded_page() -> None:
    from bot.library.parse import parse_story

    page = load("efiction_viewstory.html").replace("Thinner&hellip; older.", "Thinner\u2026 older.")
    page = page.replace('charset=UTF-8"', 'charset=windows-1252"')
    story = parse_story(page.encode("cp1252"), "talk.htm")
    assert "Thinner… older." in story.body


def test_livejournal_entry_with_a_long_comment_thread() -> None:
    """Comments outweigh the story; `<br>`-separated prose lines are paragraphs."""
    raw = parse_html(load("livejournal_entry.html"), "lj.html")
    assert raw.layout.startswith("livejournal-html")
    assert raw.title == "Walking in Dreams"
    assert raw.authors == ["Sweetprincipale"]
    assert raw.rating == "NC-17"
    assert raw.relationships == ["Spike/Buffy"]
    assert raw.summary == "Buffy dreams of a man she has never met."
    body = body_of(raw)
    assert body.startswith("She woke with his name in her mouth. *William.*")
    assert "\n\nThe dream lingered all through breakfast" in body
    assert body.endswith("a man with bleached hair standing at the rail.")
    for chrome in ("Comment number", "Reply", "reader1", "LiveJournal", "Log in", "Tags:"):
        assert chrome not in body


def test_verse_lines_stay_one_paragraph() -> None:
    html = "<p>Roses are red<br>violets are blue<br>stakes are for vamps<br>and so are you</p>"
    assert paragraphs(html) == [
        "Roses are red\nviolets are blue\nstakes are for vamps\nand so are you"
    ]


def test_fanfiction_net_crossover_breadcrumb() -> None:
    page = load("ffnet_chapter.html").replace(
        '<a class="xcontrast_txt" href="/tv/">TV Shows</a>',
        '<a class="xcontrast_txt" href="/crossovers/">Crossover</a>',
    )
    page = page.replace(
        ">Buffy: The Vampire Slayer</a>", ">Buffy: The Vampire Slayer + Angel Crossover</a>"
    )
    raw = parse_html(page, "x.html")
    assert raw.fandoms == ["Buffy: The Vampire Slayer", "Angel"]


def test_efiction_chapter_page_with_bold_title_and_no_info_block() -> None:
    """The page the first seed was scraped from: notes, a bold title line, the story."""
    page = """<html><head><title>Archive :: Let's Talk</title></head><body>
    <div id="menu"><a href="index.php">Home</a> <a href="search.php">Search</a></div>
    <div id="pagetitle"><a href="viewstory.php?sid=7">Let's Talk</a></div>
    <div class="notes"><div class="title"><span class="label">Author's Chapter Notes:</span>
    </div><div class="noteinfo">As a devout Spike and Buffy fan...</div></div>
    <div id="story"><p><b>Let's Talk</b></p><p>Spike sat quietly sipping his scotch.</p>
    <p>"Goodbye, William."</p><p>***</p></div>
    <div class="respond">You must login (<a href="user.php">register</a>) to review.</div>
    </body></html>"""
    raw = parse_html(page, "talk.html")
    assert raw.layout == "efiction-html"
    assert raw.title == "Let's Talk"
    assert raw.authors == []
    assert raw.notes == ["As a devout Spike and Buffy fan..."]
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [(1, None, "Let's Talk")]
    assert raw.chapters[0].text == 'Spike sat quietly sipping his scotch.\n\n"Goodbye, William."'


def test_efiction_printable_page_with_every_chapter() -> None:
    raw = parse_html(load("efiction_printable.html"), "grave.html")
    assert raw.layout == "efiction-html"
    assert raw.title == "Grave Matters"
    assert raw.authors == ["bloodyhell_77"]
    assert raw.rating == "NC-17"
    assert raw.warnings == ["Adult Themes", "Sexual Content"]
    assert raw.characters == ["Buffy", "Spike", "Xander"]
    assert raw.tags == ["Drama", "Romance"]
    assert raw.summary == "Spike has a crypt, a telly and a problem. The problem is blonde."
    assert raw.notes == [
        'Set after "Smashed". Thanks to my beta Kitty!',
        "Sorry for the wait!",
        "More soon, I promise.",
    ]
    assert raw.status_declared is Status.WIP  # "Completed: No"
    assert raw.total_chapters is None
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [
        (1, "Chapter One", "The Crypt"),
        (2, "Chapter Two", "The Bronze"),
    ]
    assert raw.chapters[0].text == (
        "The crypt smelled of damp stone and *Passions* reruns.\n\n"
        '**Spike:** "Bloody hell, Slayer. Knock."\n\n'
        "She didn't knock. She never knocked."
    )
    body = body_of(raw)
    for chrome in ("Back to top", "archived at", "Disclaimer", "Sorry for the wait"):
        assert chrome not in body


def test_mangled_pages_never_crash() -> None:
    import random

    rng = random.Random(7)
    pages = [decode_html(p.read_bytes())[0] for p in sorted(FIXTURES.glob("*.html"))]
    junk = ["<p>", "</p>", "<i>", "</b>", "<br>", "<hr>", "</div>", "<pre>", "&nbsp;", "<!--"]
    junk += ["\x00", "<dl><dt>Rating:</dt><dd>", "<select><option selected>1. A", "Summary"]
    for _ in range(150):
        page = rng.choice(pages)
        a, b = sorted(rng.randrange(len(page)) for _ in range(2))
        noise = "".join(rng.choice(junk) + rng.choice(["x", " y ", ""]) for _ in range(12))
        try:
            raw = parse_html(page[:a] + noise + page[b:], "mangled.html")
        except StoryRejected:
            continue  # a refusal with a reason is not a crash
        for chapter in raw.chapters:
            assert "\n\n\n" not in chapter.text
            assert "\x00" not in chapter.text and "\x01" not in chapter.text


def test_fanfiction_net_bold_heading_at_the_top_is_not_story_text() -> None:
    page = load("ffnet_chapter.html").replace(
        '<hr size="1" noshade>\n<p>The cemetery',
        '<p style="text-align:center;"><strong>Chapter 2: Patrol</strong></p>\n<p>The cemetery',
        1,
    )
    raw = parse_html(page, "x.html")
    assert raw.chapters[0].text.startswith("The cemetery was quiet")
    assert [(c.number, c.title) for c in raw.chapters] == [(2, "Patrol")]


def test_ao3_entire_work_page_has_every_chapter() -> None:
    page = load("ao3_work_page.html")
    start = page.index('<div class="chapter" id="chapter-2">')
    end = page.index('<div id="work_endnotes"')
    chapter_two = page[start : page.rindex("</div>", start, end)]
    chapter_three = chapter_two.replace("chapter-2", "chapter-3").replace(
        "Chapter 2</a>: Footwork", "Chapter 3</a>: Stakes"
    )
    page = page[:start] + chapter_two + chapter_three + page[page.rindex("</div>", start, end) :]
    raw = parse_html(page, "entire.html")
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [
        (2, "Chapter 2", "Footwork"),
        (3, "Chapter 3", "Stakes"),
    ]
    assert raw.chapters[0].text == raw.chapters[1].text


def test_hard_wrapped_lines_are_not_split_into_paragraphs() -> None:
    html = (
        "<p>Buffy walked through the cemetery with her stake held loosely in one<br>"
        "hand, listening for the telltale scrape of a coffin lid or the soft<br>"
        "shuffle of a fledgling clawing its way up through the fresh earth of<br>"
        "a new grave.</p>"
    )
    assert len(paragraphs(html)) == 1
    html = (
        "<div>Buffy walked through the cemetery with her stake held loosely.<br>"
        '"You\'re late," Spike said from the shadows by the old mausoleum door.<br>'
        "She did not answer him, because answering him only ever encouraged him.</div>"
    )
    assert len(paragraphs(html)) == 3


# ------------------------------------------------------------ pathological nesting


def test_deep_nesting_is_flattened_keeping_the_text() -> None:
    from bot.library.parse.html_depth import MAX_DEPTH, flatten_deep

    n = MAX_DEPTH * 2
    page = "<html><body>" + "<div>Level.\n" * n + "</div>" * n + "</body></html>"
    _flat, dropped = flatten_deep(page)
    assert dropped == 2 * (n - MAX_DEPTH)
    raw = parse_html(page, "deep.html")
    assert body_of(raw).count("Level.") == n


def test_ordinary_pages_are_not_touched_by_the_depth_guard() -> None:
    from bot.library.parse.html_depth import flatten_deep

    page = load("ao3_download_multi.html")
    assert flatten_deep(page) == (page, 0)


# --------------------------------------------------- fixtures with expected JSON

EXPECTED = sorted(FIXTURES.glob("*.json"))
_SAFETY = ["General", "Teen", "Not Rated", "Mature", "Explicit"]


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.stem)
def test_fixture_matches_its_expected_json(expected_path: Path) -> None:
    """Each fixture page beside a .json: the raw record (this layer's reading) and the
    finished story (title, authors, rating never below the stated level, status when
    declared, chapter headings, clean body ends, no site chrome) — or the refusal."""
    import json

    from bot.library.parse import parse_story

    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    page = expected_path.with_suffix(".html")
    data = page.read_bytes()
    if "rejected" in expected:
        with pytest.raises(StoryRejected) as err:
            parse_story(data, page.name)
        assert expected["rejected"] in str(err.value)
        return
    text, encoding = decode_html(data)
    assert encoding == expected["encoding"]
    raw = parse_html(text, page.name)
    for name, value in expected["raw"].items():
        got = getattr(raw, name)
        got = str(got) if name == "status_declared" else got
        assert got == value, name
    story = parse_story(data, page.name)
    assert story.layout is not None
    assert story.layout.split("/")[0] == expected["layout"].split("/")[0]
    want = expected["story"]
    assert story.title == want["title"]
    assert story.authors == want["authors"]
    assert story.rating.declared == want["rating_declared"]
    if "level_at_least" in want:
        level = str(story.rating.level)
        assert _SAFETY.index(level) >= _SAFETY.index(want["level_at_least"]), level
    if "status" in want:
        assert str(story.status) == want["status"]
    for name in ("series", "series_part", "fandoms", "characters", "notes", "summary", "tags"):
        if name in want:
            assert getattr(story, name) == want[name], name
    if "pairings" in want:
        assert [p.name for p in story.pairings] == want["pairings"]
    if "chapters" in want:
        assert [[c.number, c.label, c.title] for c in story.chapters] == want["chapters"]
    assert story.body.startswith(want["body_starts"])
    assert story.body.endswith(want["body_ends"])
    for needle in want.get("body_excludes", []):
        assert needle not in story.body, needle


def test_there_are_fixtures_for_every_html_layout() -> None:
    import json

    from bot.library.parse.html import LAYOUTS

    layouts = {
        json.loads(p.read_text(encoding="utf-8")).get("layout", "").split("/")[0] for p in EXPECTED
    }
    assert {layout.name for layout in LAYOUTS} - {"ao3-html", "ao3-page"} <= layouts
    assert "html-article" in layouts
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize(
    ("head", "codec"),
    [
        (b'<meta charset="x-mac-roman">', "mac-roman"),
        (b'<meta charset="macintosh">', "mac-roman"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-15">',
            "iso8859-15",
        ),
        (b'<?xml version="1.0" encoding="latin-9"?>', "iso8859-15"),
    ],
)
def test_declared_legacy_charsets_are_honoured(head: bytes, codec: str) -> None:
    assert declared_charset(head + b"<html><body>x</body></html>") == codec


def test_a_mac_roman_page_with_cr_line_ends_keeps_its_quotes_and_accents() -> None:
    text = (
        "<html><head><meta charset='x-mac-roman'></head><body>\r"
        "<p>\u201cCaf\u00e9,\u201d she said.</p>\r</body></html>"
    )
    data = text.encode("mac_roman")
    decoded, encoding = decode_html(data)
    assert encoding == "mac-roman"
    raw = parse_html(decoded, "cafe.html")
    assert body_of(raw) == "\u201cCaf\u00e9,\u201d she said."


def test_ffnet_unlabelled_disclaimer_running_note_and_review_plea_leave_the_text() -> None:
    page = load("ffnet_notes_in_text.html")
    start = page.index("<p><strong>Disclaimer:</strong>")
    end = page.index('<hr size="1" noshade>')
    page = (
        page[:start]
        + "<p>I don't own Naruto, sadly.</p>"
        + "<p><strong>A/N:</strong> Long time no see!</p>"
        + "<p>This one is for my sister, who wanted more umbrellas.</p>"
        + page[end:]
    )
    page = page.replace(
        "<p><strong>A/N:</strong> Next chapter: thunder! Please review, it keeps me writing!</p>",
        "<p>Please review!</p>",
    )
    raw = parse_html(page, "rain.html")
    text = raw.chapters[0].text
    assert raw.disclaimer == "I don't own Naruto, sadly."
    assert raw.notes == [
        "Long time no see!\n\nThis one is for my sister, who wanted more umbrellas.",
        "Please review!",
    ]
    assert text.startswith("The umbrella was yellow")
    assert text.endswith("and walked a little faster.")


def test_an_article_page_linking_to_the_next_chapter_is_one_part() -> None:
    page = load("generic_blog_unknown_site.html").replace(
        '<div class="sharebar">',
        '<p class="nav"><a href="/fic/2">Next chapter &raquo;</a></p><div class="sharebar">',
    )
    raw = parse_html(page, "hats.html")
    assert raw.more_chapters is True
    assert "Next chapter" not in body_of(raw)
    assert parse_html(load("generic_blog_unknown_site.html"), "x.html").more_chapters is False


@pytest.mark.parametrize("label", ["adult", "RTA-5042-1996-1400-1577-RTA", "Mature"])
def test_a_page_labelled_adult_in_its_head_is_never_general(label: str) -> None:
    from bot.library.parse import parse_story

    page = (
        f'<html><head><meta name="rating" content="{label}"><title>Sweet</title></head>'
        "<body><h1>Sweet</h1><p>by Nobody</p><p>They held hands in the park and it was nice."
        " The ducks were there too and they were also nice.</p><p>Then they went home and "
        "had tea, which was nice, and nobody minded at all.</p></body></html>"
    )
    story = parse_story(page.encode(), "sweet.html")
    assert story.rating.level.value == "Mature"
    general = parse_story(page.replace(label, "general").encode(), "sweet.html")
    assert general.rating.level.value == "General"


def test_fanficfare_chapter_count_of_a_wip_is_not_its_total() -> None:
    """FanFicFare's bare "Chapters: 2" counts what it downloaded: a total only when the
    story is complete (as in its EPUB and .txt exports)."""
    from bot.library.parse import parse_story

    page = (FIXTURES / "fanficfare_export.html").read_text(encoding="utf-8")
    assert parse_story(page.encode(), "done.html").total_chapters == 2
    wip = parse_story(page.replace("Completed", "In-Progress").encode(), "wip.html")
    assert (str(wip.status), wip.total_chapters) == ("wip", None)
