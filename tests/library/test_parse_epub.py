"""EPUB reader: AO3 and FanFicFare books built here with zipfile, and bad archives."""

from __future__ import annotations

import io
import zipfile

import pytest

from bot.library.errors import StoryRejected
from bot.library.model import Status
from bot.library.parse.epub import parse_epub

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="{opf}" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>"""


def build_epub(
    files: dict[str, str | bytes],
    *,
    opf_path: str | None = None,
    mimetype: bool = True,
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        if mimetype:
            zf.writestr("mimetype", "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        if opf_path:
            zf.writestr("META-INF/container.xml", CONTAINER.format(opf=opf_path))
        for name, data in files.items():
            zf.writestr(name, data, compress_type=compression)
    return buf.getvalue()


def xhtml(body: str, title: str = "x") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>'
        f"{title}</title>"
        '<link href="stylesheet.css" rel="stylesheet" type="text/css"/></head>'
        f"<body>{body}</body></html>"
    )


# -------------------------------------------------------------------- AO3 EPUB

AO3_OPF = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" unique-identifier="uuid_id" version="2.0">
  <metadata xmlns:calibre="http://calibre.kovidgoyal.net/2009/metadata"
            xmlns:dc="http://purl.org/dc/elements/1.1/"
            xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:title>Salt and Ash</dc:title>
    <dc:creator opf:file-as="nightwalker_42" opf:role="aut">nightwalker_42</dc:creator>
    <dc:description>&lt;p&gt;Sunnydale is a crater.&lt;/p&gt;
      &lt;p&gt;Spike has never been good at rules.&lt;/p&gt;</dc:description>
    <dc:publisher>Archive of Our Own</dc:publisher>
    <dc:identifier id="uuid_id" opf:scheme="uuid">4b1f0d7e-2c55-4d33-9a6b-0001</dc:identifier>
    <dc:identifier opf:scheme="URL">https://archiveofourown.org/works/31415926</dc:identifier>
    <dc:language>en</dc:language>
    <dc:subject>Mature</dc:subject>
    <dc:subject>Buffy Summers/Spike</dc:subject>
    <dc:subject>Slow Burn</dc:subject>
    <meta name="calibre:series" content="The Cleveland Hellmouth"/>
    <meta name="calibre:series_index" content="2"/>
    <meta name="calibre:rating" content="8"/>
    <meta name="cover" content="cover"/>
  </metadata>
  <manifest>
    <item href="titlepage.xhtml" id="titlepage" media-type="application/xhtml+xml"/>
    <item href="Salt_and_Ash_split_000.xhtml" id="id1" media-type="application/xhtml+xml"/>
    <item href="Salt_and_Ash_split_001.xhtml" id="id2" media-type="application/xhtml+xml"/>
    <item href="Salt_and_Ash_split_002.xhtml" id="id3" media-type="application/xhtml+xml"/>
    <item href="Salt_and_Ash_split_003.xhtml" id="id4" media-type="application/xhtml+xml"/>
    <item href="stylesheet.css" id="css" media-type="text/css"/>
    <item href="toc.ncx" id="ncx" media-type="application/x-dtbncx+xml"/>
  </manifest>
  <spine toc="ncx">
    <itemref idref="titlepage"/>
    <itemref idref="id1"/>
    <itemref idref="id2"/>
    <itemref idref="id3"/>
    <itemref idref="id4"/>
  </spine>
  <guide>
    <reference href="titlepage.xhtml" title="Cover" type="cover"/>
  </guide>
</package>"""

AO3_PREFACE = """<div id="preface">
<p class="message"><b>Salt and Ash</b><br/>Posted originally on the
<a href="https://archiveofourown.org/">Archive of Our Own</a> at
<a href="https://archiveofourown.org/works/31415926">https://archiveofourown.org/works/31415926</a>.</p>
<div class="meta"><dl class="tags">
<dt>Rating:</dt><dd><a href="https://archiveofourown.org/tags/Mature/works">Mature</a></dd>
<dt>Archive Warning:</dt><dd><a href="#">Graphic Depictions Of Violence</a></dd>
<dt>Category:</dt><dd><a href="#">F/M</a></dd>
<dt>Fandom:</dt><dd><a href="#">Buffy the Vampire Slayer (TV)</a></dd>
<dt>Relationship:</dt><dd><a href="#">Buffy Summers/Spike</a></dd>
<dt>Character:</dt><dd><a href="#">Buffy Summers</a>, <a href="#">Spike (Buffyverse)</a></dd>
<dt>Additional Tags:</dt><dd><a href="#">Post-Season 7</a>, <a href="#">Slow Burn</a></dd>
<dt>Language:</dt><dd>English</dd>
<dt>Series:</dt><dd>Part 2 of <a href="#">The Cleveland Hellmouth</a></dd>
<dt>Stats:</dt><dd>Published: 2021-05-01 Completed: 2021-06-12 Words: 120 Chapters: 2/2</dd>
</dl>
<h1>Salt and Ash</h1>
<div class="byline">by <a rel="author" href="#">nightwalker_42</a></div>
<p>Summary</p><blockquote class="userstuff"><p>Sunnydale is a crater.</p>
<p>Spike has never been good at rules.</p></blockquote>
<p>Notes</p><blockquote class="userstuff"><p>For my beta.</p></blockquote>
</div></div>"""

AO3_CHAPTER = """<div class="userstuff"><div class="meta group">
<h2 class="heading">Chapter {n}: {title}</h2>
<p>Chapter Notes</p><blockquote class="userstuff"><p>Note for chapter {n}.</p></blockquote>
</div><div class="userstuff">{body}</div></div>"""

# calibre (which makes AO3's EPUBs) renames classes: "meta group" → "meta1" and so on
AO3_CHAPTER_CALIBRE = """<div class="userstuff" id="chapters"><div class="meta1">
<h2 class="heading1" id="calibre_toc_3">Chapter {n}: {title}</h2>
<p class="calibre3">Chapter Notes</p><blockquote class="userstuff1"><p class="calibre3">
Note for chapter {n}.</p></blockquote>
</div><div class="userstuff2">{body}</div></div>"""

AO3_AFTERWORD = """<div id="afterword"><div class="meta"><p>End Notes</p>
<blockquote class="userstuff"><p>Thanks for reading!</p></blockquote></div>
<p class="message">Please <a href="#">drop by the Archive and comment</a> to let the creator
know if you enjoyed their work!</p></div>"""


def ao3_epub() -> bytes:
    ch1 = AO3_CHAPTER.format(
        n=1,
        title="Crater",
        body="<p>The bus stopped at the edge of Sunnydale.</p><hr/>"
        "<p>Buffy stood at the lip of the crater, because <em>someone</em> had to.</p>",
    )
    ch2 = AO3_CHAPTER_CALIBRE.format(
        n=2,
        title="Cleveland",
        body='<p>Cleveland was grey.</p><p>"Hello, pet."<br/>She did not turn around.</p>',
    )
    return build_epub(
        {
            "content.opf": AO3_OPF,
            "titlepage.xhtml": xhtml('<div><img src="cover.jpeg" alt="cover"/></div>'),
            "Salt_and_Ash_split_000.xhtml": xhtml(AO3_PREFACE),
            "Salt_and_Ash_split_001.xhtml": xhtml(ch1),
            "Salt_and_Ash_split_002.xhtml": xhtml(ch2),
            "Salt_and_Ash_split_003.xhtml": xhtml(AO3_AFTERWORD),
            "stylesheet.css": "body { margin: 0 }",
            "toc.ncx": "<ncx/>",
        },
        opf_path="content.opf",
    )


def test_ao3_epub_every_field() -> None:
    raw = parse_epub(ao3_epub(), "salt.epub")
    assert raw.layout == "ao3-epub"
    assert raw.title == "Salt and Ash"
    assert raw.authors == ["nightwalker_42"]
    assert raw.rating == "Mature"  # from the preface, not calibre:rating "8"
    assert raw.warnings == ["Graphic Depictions Of Violence"]
    assert raw.fandoms == ["Buffy the Vampire Slayer (TV)"]
    assert raw.relationships == ["Buffy Summers/Spike"]
    assert raw.characters == ["Buffy Summers", "Spike (Buffyverse)"]
    assert raw.tags == ["Post-Season 7", "Slow Burn"]
    assert raw.language == "English"
    assert raw.summary == "Sunnydale is a crater.\n\nSpike has never been good at rules."
    assert raw.notes == [
        "For my beta.",
        "Note for chapter 1.",
        "Note for chapter 2.",
        "Thanks for reading!",
    ]
    assert raw.status_declared is Status.COMPLETE
    assert raw.total_chapters == 2
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [
        (1, "Chapter 1", "Crater"),
        (2, "Chapter 2", "Cleveland"),
    ]
    assert raw.chapters[0].text == (
        "The bus stopped at the edge of Sunnydale.\n\n* * *\n\n"
        "Buffy stood at the lip of the crater, because *someone* had to."
    )
    assert raw.chapters[1].text == 'Cleveland was grey.\n\n"Hello, pet."\nShe did not turn around.'
    body = "\n\n".join(c.text for c in raw.chapters)
    for chrome in (
        "Posted originally",
        "drop by the Archive",
        "cover",
        "Chapter Notes",
        "Note for",
    ):
        assert chrome not in body


# -------------------------------------------------------------- FanFicFare EPUB

FFF_OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package version="2.0" xmlns="http://www.idpf.org/2007/opf" unique-identifier="fanficfare-uid">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf"
          xmlns:calibre="http://calibre.kovidgoyal.net/2009/metadata">
<dc:identifier id="fanficfare-uid">fanficfare-uid:fanfiction.net-u1234567-s9876543</dc:identifier>
<dc:title id="id">Between the Stakes</dc:title>
<dc:creator opf:role="aut">Willowtree88</dc:creator>
<dc:contributor opf:role="bkp">FanFicFare [https://github.com/JimmXinu/FanFicFare]</dc:contributor>
<dc:rights></dc:rights>
<dc:date opf:event="publication">2014-05-02</dc:date>
<dc:date opf:event="modification">2014-06-12</dc:date>
<dc:description>&lt;div&gt;&lt;p&gt;Season 6 AU. Buffy keeps patrolling with Spike.&lt;/p&gt;
&lt;/div&gt;</dc:description>
<dc:subject>FanFiction</dc:subject>
<dc:subject>Buffy: The Vampire Slayer</dc:subject>
<dc:subject>Romance</dc:subject>
<dc:subject>Completed</dc:subject>
<dc:source>https://www.fanfiction.net/s/9876543/1/</dc:source>
<dc:publisher>fanfiction.net</dc:publisher>
<dc:language>en</dc:language>
<meta name="calibre:series" content=""/>
</metadata>
<manifest>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
<item id="style" href="OEBPS/stylesheet.css" media-type="text/css"/>
<item id="title_page" href="OEBPS/title_page.xhtml" media-type="application/xhtml+xml"/>
<item id="file0001" href="OEBPS/file0001.xhtml" media-type="application/xhtml+xml"/>
<item id="file0002" href="OEBPS/file0002.xhtml" media-type="application/xhtml+xml"/>
<item id="file0003" href="OEBPS/file0003.xhtml" media-type="application/xhtml+xml"/>
</manifest>
<spine toc="ncx">
<itemref idref="title_page" linear="yes"/>
<itemref idref="file0001" linear="yes"/>
<itemref idref="file0002" linear="yes"/>
<itemref idref="file0003" linear="yes"/>
</spine>
</package>"""

FFF_TITLE_PAGE = """<h3><a href="https://www.fanfiction.net/s/9876543/1/">Between the Stakes</a> by
<a class="authorlink" href="https://www.fanfiction.net/u/1234567/">Willowtree88</a></h3>
<div>
<b>Category:</b> Buffy: The Vampire Slayer<br />
<b>Genre:</b> Romance, Hurt/Comfort<br />
<b>Language:</b> English<br />
<b>Characters:</b> Buffy S., Spike, Dawn S.<br />
<b>Relationships:</b> Buffy S./Spike<br />
<b>Status:</b> Completed<br />
<b>Published:</b> 2014-05-02<br />
<b>Updated:</b> 2014-06-12<br />
<b>Packaged:</b> 2024-02-01 10:11:12<br />
<b>Rating:</b> T<br />
<b>Chapters:</b> 3<br />
<b>Words:</b> 9,876<br />
<b>Publisher:</b> fanfiction.net<br />
<b>Summary:</b> Season 6 AU. Buffy keeps patrolling with Spike after the Bronze.<br />
</div>"""


def fff_chapter(heading: str, paragraphs: list[str]) -> str:
    inner = "".join(f"<p>{p}</p>" for p in paragraphs)
    return xhtml(f'<h3 class="fff_chapter_title">{heading}</h3><div>{inner}</div>', heading)


def fff_epub() -> bytes:
    return build_epub(
        {
            "content.opf": FFF_OPF,
            "toc.ncx": "<ncx/>",
            "OEBPS/stylesheet.css": "p { text-indent: 1em }",
            "OEBPS/title_page.xhtml": xhtml(FFF_TITLE_PAGE, "Between the Stakes"),
            "OEBPS/file0001.xhtml": fff_chapter(
                "1. The Bronze", ["The Bronze was loud.", "Spike was <em>louder</em>."]
            ),
            "OEBPS/file0002.xhtml": fff_chapter("2. Patrol", ["Restfield was quiet."]),
            "OEBPS/file0003.xhtml": fff_chapter(
                "3. Chapter 3", ["Dawn found them at sunrise.", "Nobody explained."]
            ),
        },
        opf_path="content.opf",
    )


def test_fanficfare_epub_every_field() -> None:
    raw = parse_epub(fff_epub(), "stakes.epub")
    assert raw.layout == "fanficfare-epub"
    assert raw.title == "Between the Stakes"
    assert raw.authors == ["Willowtree88"]
    assert raw.rating == "T"
    assert raw.fandoms == ["Buffy: The Vampire Slayer"]
    assert raw.tags == ["Romance", "Hurt/Comfort"]
    assert raw.characters == ["Buffy S.", "Spike", "Dawn S."]
    assert raw.relationships == ["Buffy S./Spike"]
    assert raw.language == "English"
    assert raw.status_declared is Status.COMPLETE
    assert raw.total_chapters == 3
    assert raw.summary == "Season 6 AU. Buffy keeps patrolling with Spike after the Bronze."
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [
        (1, None, "The Bronze"),
        (2, None, "Patrol"),
        (3, "Chapter 3", None),
    ]
    assert raw.chapters[0].text == "The Bronze was loud.\n\nSpike was *louder*."
    assert raw.chapters[2].text == "Dawn found them at sunrise.\n\nNobody explained."
    body = "\n\n".join(c.text for c in raw.chapters)
    assert "Packaged" not in body and "Category" not in body and "fanfiction.net" not in body


def test_generic_epub_uses_opf_metadata_and_spine_order() -> None:
    opf = """<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">
    <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Wishes</dc:title>
    <dc:creator>Anya Jenkins</dc:creator><dc:language>en</dc:language>
    <dc:subject>Vengeance</dc:subject><dc:description>Be careful.</dc:description></metadata>
    <manifest><item id="nav" href="nav.xhtml" properties="nav" media-type="application/xhtml+xml"/>
    <item id="b" href="text/b.xhtml" media-type="application/xhtml+xml"/>
    <item id="a" href="text/a.xhtml" media-type="application/xhtml+xml"/></manifest>
    <spine><itemref idref="nav"/><itemref idref="a"/><itemref idref="b"/></spine></package>"""
    data = build_epub(
        {
            "EPUB/package.opf": opf,
            "EPUB/nav.xhtml": xhtml("<nav><ol><li>Prologue</li><li>Chapter 1</li></ol></nav>"),
            "EPUB/text/a.xhtml": xhtml("<h1>Prologue</h1><p>Once there was a wish.</p>"),
            "EPUB/text/b.xhtml": xhtml("<h2>Chapter 1: Granted</h2><p>And it was granted.</p>"),
        },
        opf_path="EPUB/package.opf",
    )
    raw = parse_epub(data, "wishes.epub")
    assert raw.layout == "epub"
    assert raw.title == "Wishes"
    assert raw.authors == ["Anya Jenkins"]
    assert raw.language == "en"
    assert raw.summary == "Be careful."
    assert raw.tags == ["Vengeance"]
    assert [(c.number, c.label, c.title, c.text) for c in raw.chapters] == [
        (1, "Prologue", None, "Once there was a wish."),
        (1, "Chapter 1", "Granted", "And it was granted."),
    ]


# ------------------------------------------------------------------ bad EPUBs


def rejected(data: bytes) -> str:
    with pytest.raises(StoryRejected) as err:
        parse_epub(data, "bad.epub")
    return str(err.value)


def test_not_a_zip_is_rejected() -> None:
    assert rejected(b"<html>this is not an epub</html>") == (
        "not a valid EPUB: the file is not a ZIP archive"
    )


def test_zip_without_package_document_is_rejected() -> None:
    message = rejected(build_epub({"OEBPS/chapter1.xhtml": xhtml("<p>text</p>")}))
    assert message.startswith("not a valid EPUB:")
    assert "container.xml" in message


def test_container_pointing_at_missing_opf_is_rejected() -> None:
    message = rejected(
        build_epub({"OEBPS/chapter1.xhtml": xhtml("<p>x</p>")}, opf_path="OEBPS/content.opf")
    )
    assert "package document" in message


def test_empty_spine_is_rejected() -> None:
    opf = '<package xmlns="http://www.idpf.org/2007/opf"><metadata/><manifest/><spine/></package>'
    assert "empty spine" in rejected(build_epub({"content.opf": opf}, opf_path="content.opf"))


def test_zip_bomb_is_rejected_before_expanding() -> None:
    bomb = b"\0" * (8 * 1024 * 1024)  # 8 MiB of zeros deflates to ~8 KiB
    message = rejected(
        build_epub({"content.opf": AO3_OPF, "Salt_and_Ash_split_001.xhtml": bomb}, opf_path="x")
    )
    assert message.startswith("not a valid EPUB: 'Salt_and_Ash_split_001.xhtml' is a compression")


def test_total_size_bound() -> None:
    chunk = bytes(range(256)) * 4096  # 1 MiB, stored uncompressed: passes the ratio check
    files: dict[str, str | bytes] = {f"OEBPS/blob{i}.bin": chunk for i in range(52)}
    files["content.opf"] = AO3_OPF
    message = rejected(build_epub(files, opf_path="content.opf", compression=zipfile.ZIP_STORED))
    assert message == "not a valid EPUB: it expands past 50 MiB"


def test_path_traversal_is_rejected() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/epub+zip")
        zf.writestr("../../etc/evil.xhtml", "<p>x</p>")
    assert "unsafe path" in rejected(buf.getvalue())


def test_encrypted_content_is_rejected() -> None:
    files = dict(
        zip(
            ["content.opf", "Salt_and_Ash_split_001.xhtml"],
            [AO3_OPF, xhtml("<p>x</p>")],
            strict=True,
        )
    )
    files["META-INF/encryption.xml"] = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
        '<EncryptedData><CipherData><CipherReference URI="Salt_and_Ash_split_001.xhtml"/>'
        "</CipherData></EncryptedData></encryption>"
    )
    assert "encrypted" in rejected(build_epub(files, opf_path="content.opf"))


def test_too_many_members_is_rejected() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(5001):
            zf.writestr(f"f{i}", "")
    assert "more than 5000 files" in rejected(buf.getvalue())


# ------------------------------------------------------- through parse_story


def test_parse_story_routes_epubs_here() -> None:
    from bot.library.parse import parse_story

    story = parse_story(ao3_epub(), "Salt and Ash.epub")
    assert story.layout == "ao3-epub"
    assert story.title == "Salt and Ash"
    assert story.authors == ["nightwalker_42"]
    assert str(story.rating.level) == "Mature"
    assert [p.name for p in story.pairings] == ["Buffy Summers/Spike"]
    assert str(story.status) == "complete"
    assert [c.label for c in story.chapters] == ["Chapter 1", "Chapter 2"]
    assert story.words == 30

    story = parse_story(fff_epub(), "stakes.epub")
    assert story.layout == "fanficfare-epub"
    assert str(story.rating.level) == "Teen"
    assert [p.name for p in story.pairings] == ["Buffy Summers/Spike"]
    assert story.total_chapters == 3


def test_parse_story_rejects_a_broken_epub_with_a_clear_message() -> None:
    from bot.library.parse import parse_story

    with pytest.raises(StoryRejected) as err:
        parse_story(b"PK\x03\x04 not really a zip", "broken.epub")
    assert "not a valid EPUB" in str(err.value)


def test_fanficfare_table_title_page_and_update_log_are_read_and_skipped() -> None:
    table_page = (
        '<h3><a href="https://archiveofourown.org/works/1">Quiet</a> by '
        '<a href="https://archiveofourown.org/users/sw">sw</a></h3><table>'
        "<tr><td><b>Fandoms:</b></td><td>Buffy the Vampire Slayer (TV)</td></tr>"
        "<tr><td><b>Rating:</b></td><td>Teen And Up Audiences</td></tr>"
        "<tr><td><b>Relationships:</b></td><td>Tara Maclay/Willow Rosenberg</td></tr>"
        "<tr><td><b>Status:</b></td><td>In-Progress</td></tr>"
        "<tr><td><b>Chapters:</b></td><td>1</td></tr>"
        '<tr><td colspan="2"><b>Summary:</b> Willow counts stars.</td></tr></table>'
    )
    opf = FFF_OPF.replace(
        '<item id="file0002" href="OEBPS/file0002.xhtml" media-type="application/xhtml+xml"/>',
        '<item id="log_page" href="OEBPS/log_page.xhtml" media-type="application/xhtml+xml"/>',
    ).replace('<itemref idref="file0002" linear="yes"/>', '<itemref idref="log_page"/>')
    data = build_epub(
        {
            "content.opf": opf,
            "OEBPS/title_page.xhtml": xhtml(table_page),
            "OEBPS/log_page.xhtml": xhtml(
                "<h3>Update Log</h3><p class='log_entry'><b>Updated:</b> "
                '<span id="dateUpdated">2024-01-01</span></p><hr/>'
            ),
            "OEBPS/file0001.xhtml": fff_chapter("Chapter 1", ["Willow counted stars."]),
        },
        opf_path="content.opf",
    )
    raw = parse_epub(data, "quiet.epub")
    assert raw.title == "Quiet"
    assert raw.authors == ["sw"]
    assert raw.fandoms == ["Buffy the Vampire Slayer (TV)"]
    assert raw.rating == "Teen And Up Audiences"
    assert raw.relationships == ["Tara Maclay/Willow Rosenberg"]
    assert raw.status_declared is Status.WIP
    assert raw.total_chapters is None  # a WIP's "Chapters: 1" is what was downloaded
    assert raw.summary == "Willow counts stars."
    assert [(c.number, c.label, c.text) for c in raw.chapters] == [
        (1, "Chapter 1", "Willow counted stars.")
    ]


def test_damaged_epubs_are_rejected_never_crash() -> None:
    import random

    rng = random.Random(20261121)
    bases = [ao3_epub(), fff_epub()]
    outcomes = {"parsed": 0, "rejected": 0}
    for _ in range(300):
        data = bytearray(rng.choice(bases))
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.2:
            data = data[: rng.randrange(len(data))]
        try:
            parse_epub(bytes(data), "damaged.epub")
            outcomes["parsed"] += 1
        except StoryRejected as err:
            assert str(err).startswith("not a valid EPUB: ")
            outcomes["rejected"] += 1
    assert outcomes["rejected"] > 0


def test_epub_chapter_notes_and_inner_headings() -> None:
    chapter = xhtml(
        "<p><b>Disclaimer:</b> Joss owns them.</p><p>A/N: This one is for Kitty.</p>"
        "<p>The library was dark.</p><h3>Interlude</h3><p>Giles read on.</p>"
        "<p>A/N: Reviews make me write faster!</p>"
    )
    data = build_epub(
        {
            "content.opf": FFF_OPF.replace('<itemref idref="file0002" linear="yes"/>', "").replace(
                '<itemref idref="file0003" linear="yes"/>', ""
            ),
            "OEBPS/title_page.xhtml": xhtml(FFF_TITLE_PAGE),
            "OEBPS/file0001.xhtml": chapter,
        },
        opf_path="content.opf",
    )
    raw = parse_epub(data, "notes.epub")
    assert raw.disclaimer == "Joss owns them."
    assert raw.notes == ["This one is for Kitty.", "Reviews make me write faster!"]
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [(1, None, None)]
    assert raw.chapters[0].text == "The library was dark.\n\nInterlude\n\nGiles read on."


# ------------------------------------------------ front and back matter, navigation


def _plain_book(docs: dict[str, str], ncx: str | None = None) -> bytes:
    items = "".join(
        f'<item id="d{i}" href="{name}" media-type="application/xhtml+xml"/>'
        for i, name in enumerate(docs)
    )
    refs = "".join(f'<itemref idref="d{i}"/>' for i in range(len(docs)))
    toc = ' toc="ncx"' if ncx else ""
    ncx_item = '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
    opf = (
        '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="2.0">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Plain Book</dc:title>'
        f"<dc:creator>Some One</dc:creator></metadata><manifest>{ncx_item if ncx else ''}"
        f"{items}</manifest><spine{toc}>{refs}</spine></package>"
    )
    files: dict[str, str | bytes] = {"content.opf": opf, **{n: xhtml(b) for n, b in docs.items()}}
    if ncx:
        files["toc.ncx"] = ncx
    return build_epub(files, opf_path="content.opf")


def test_front_and_back_matter_found_by_content_are_not_chapters() -> None:
    data = _plain_book(
        {
            "part0000.html": "<h1>Plain Book</h1><p>Some One</p>",  # title page: tiny
            "part0001.html": "<p><b>Rating:</b> NC-17</p><p><b>Fandom:</b> Naruto</p>"
            "<p><b>Pairing:</b> Kakashi/Iruka</p><p><b>Status:</b> Complete</p>",
            "part0002.html": '<h2>Contents</h2><p><a href="part0003.html">Chapter 1</a></p>'
            '<p><a href="part0004.html">Chapter 2</a></p>',
            "part0003.html": "<h2>Chapter 1</h2><p>Iruka graded papers until midnight.</p>",
            "part0004.html": "<h2>Chapter 2</h2><p>Kakashi came in through the window.</p>",
            "part0005.html": "<h2>Author's Note</h2><p>Thank you for reading this one!</p>",
            "part0006.html": "<p>This e-book was generated by FanFicFare.</p>",
        }
    )
    raw = parse_epub(data, "plain.epub")
    assert [(c.number, c.label) for c in raw.chapters] == [(1, "Chapter 1"), (2, "Chapter 2")]
    assert raw.rating == "NC-17"
    assert raw.fandoms == ["Naruto"]
    assert raw.relationships == ["Kakashi/Iruka"]
    assert raw.status_declared is Status.COMPLETE
    assert "Thank you for reading this one!" in raw.notes
    body = "\n\n".join(c.text for c in raw.chapters)
    assert "generated by" not in body and "Contents" not in body and "Some One" not in body


def test_chapter_titles_come_from_the_ncx_and_numbering_never_restarts() -> None:
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>'
        '<navPoint id="p"><navLabel><text>Title Page</text></navLabel><content src="t.html"/>'
        "</navPoint>"
        '<navPoint id="a"><navLabel><text>The Beginning</text></navLabel>'
        '<content src="a.html"/></navPoint>'
        '<navPoint id="b"><navLabel><text>The Middle</text></navLabel>'
        '<content src="b.html#top"/></navPoint></navMap></ncx>'
    )
    data = _plain_book(
        {
            "t.html": "<p>Plain Book</p><p>by Some One</p>",
            "a.html": "<p>It began with a letter.</p>",
            "b.html": "<p>It went on with a reply.</p>",
        },
        ncx=ncx,
    )
    raw = parse_epub(data, "nav.epub")
    assert [(c.number, c.title) for c in raw.chapters] == [
        (1, "The Beginning"),
        (2, "The Middle"),
    ]


def test_fanficfare_series_is_read() -> None:
    page = FFF_TITLE_PAGE.replace(
        "<b>Rating:</b> T<br />",
        '<b>Rating:</b> M<br />\n<b>Series:</b> <a href="https://x.invalid/s/1">Long Nights</a>'
        " [2]<br />",
    )
    data = build_epub(
        {
            "content.opf": FFF_OPF,
            "OEBPS/title_page.xhtml": xhtml(page, "Between the Stakes"),
            "OEBPS/file0001.xhtml": fff_chapter("1. The Bronze", ["The Bronze was loud."]),
            "OEBPS/file0002.xhtml": fff_chapter("2. Patrol", ["Restfield was quiet."]),
            "OEBPS/file0003.xhtml": fff_chapter("3. Chapter 3", ["Dawn found them."]),
        },
        opf_path="content.opf",
    )
    raw = parse_epub(data, "stakes.epub")
    assert raw.rating == "M"
    assert (raw.series, raw.series_part) == ("Long Nights", 2)
    assert raw.status_declared is Status.COMPLETE and raw.total_chapters == 3


def test_fanficfare_ao3_work_in_progress_keeps_its_declared_total() -> None:
    page = (
        '<h3><a href="https://archiveofourown.org/works/1">Orbit</a> by '
        '<a href="https://archiveofourown.org/users/pilot">pilot</a></h3><table class="full">'
        "<tr><td><b>Fandoms:</b></td><td>Star Wars</td></tr>"
        "<tr><td><b>Rating:</b></td><td>Explicit</td></tr>"
        "<tr><td><b>AO3 Categories:</b></td><td>M/M</td></tr>"
        "<tr><td><b>Relationships:</b></td><td>Finn/Poe Dameron</td></tr>"
        "<tr><td><b>Status:</b></td><td>In-Progress</td></tr>"
        "<tr><td><b>Chapters/Total Chapters:</b></td><td>2/10</td></tr>"
        "<tr><td><b>Chapters:</b></td><td>2</td></tr></table>"
    )
    data = build_epub(
        {
            "content.opf": FFF_OPF,
            "OEBPS/title_page.xhtml": xhtml(page, "Orbit"),
            "OEBPS/file0001.xhtml": fff_chapter("1. Launch", ["The engines caught."]),
            "OEBPS/file0002.xhtml": fff_chapter("2. Drift", ["They drifted for hours."]),
        },
        opf_path="content.opf",
    )
    raw = parse_epub(data, "orbit.epub")
    assert raw.rating == "Explicit"
    assert raw.status_declared is Status.WIP
    assert raw.total_chapters == 10
    assert raw.fandoms == ["Star Wars"] and "M/M" in raw.tags


def test_chapter_documents_in_a_declared_legacy_encoding() -> None:
    chapter = (
        '<?xml version="1.0" encoding="ISO-8859-15"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>c</title></head>'
        "<body><h2>Chapter 1</h2><p>Le café coûtait 5 € et le cœur battait.</p></body></html>"
    ).encode("iso8859_15")
    data = _plain_book({"c1.html": "<p>x</p>"})
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w") as out:
        for info in src.infolist():
            out.writestr(info, chapter if info.filename == "c1.html" else src.read(info))
    raw = parse_epub(buf.getvalue(), "euro.epub")
    assert raw.chapters[0].text == "Le café coûtait 5 € et le cœur battait."


def test_calibre_paragraph_headings_are_headings_not_text() -> None:
    data = _plain_book(
        {
            "index_split_000.html": '<p class="calibre3"><b>Chapter 1</b></p>'
            '<p class="calibre1">The lamps went out one by one.</p>',
            "index_split_001.html": '<p class="calibre3"><b>Chapter 2: Dawn</b></p>'
            '<p class="calibre1">Morning came grey over the harbour.</p>',
        }
    )
    raw = parse_epub(data, "calibre.epub")
    assert [(c.number, c.label, c.title) for c in raw.chapters] == [
        (1, "Chapter 1", None),
        (2, "Chapter 2", "Dawn"),
    ]
    assert raw.chapters[0].text == "The lamps went out one by one."


def test_one_document_holding_every_chapter_is_split_at_its_headings() -> None:
    ncx = (
        '<?xml version="1.0"?><ncx xmlns="http://www.daisy.org/z3986/2005/ncx/"><navMap>'
        '<navPoint id="a"><navLabel><text>Chapter 1</text></navLabel>'
        '<content src="book.html#c1"/></navPoint>'
        '<navPoint id="b"><navLabel><text>The Storm</text></navLabel>'
        '<content src="book.html#c2"/></navPoint>'
        '<navPoint id="c"><navLabel><text>Epilogue</text></navLabel>'
        '<content src="book.html#c3"/></navPoint></navMap></ncx>'
    )
    data = _plain_book(
        {
            "book.html": '<div class="calibre"><h2 id="c1">Chapter 1</h2><p>Calm seas.</p>'
            '<p>Then wind.</p><h2 id="c2">The Storm</h2><p>Waves broke the mast.</p>'
            '<h2 id="c3">Epilogue</h2><p>They reached the shore.</p></div>'
        },
        ncx=ncx,
    )
    raw = parse_epub(data, "book.epub")
    assert [(c.number, c.label, c.title, c.text) for c in raw.chapters] == [
        (1, "Chapter 1", None, "Calm seas.\n\nThen wind."),
        (2, None, "The Storm", "Waves broke the mast."),
        (3, "Epilogue", None, "They reached the shore."),
    ]
