"""Plain-text and Markdown layouts, one fixture per layout (tests/fixtures/text/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.library.errors import StoryRejected
from bot.library.model import RatingLevel, Status
from bot.library.parse import parse_story
from bot.library.parse.chapters import match_heading, numbered_headings
from bot.library.parse.text import parse_text

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "text"


def parse(name: str):
    return parse_story((FIXTURES / name).read_bytes(), name)


def chapter_rows(story):
    return [(c.number, c.label, c.title) for c in story.chapters]


def test_ao3_download_layout():
    story = parse("ao3_download.txt")
    assert story.title == "The Long Way Home"
    assert story.authors == ["quietmagpie"]
    assert story.rating.declared == "Teen And Up Audiences"
    assert story.rating.level == RatingLevel.TEEN
    assert not story.rating.inferred
    assert story.warnings == ["No Archive Warnings Apply"]
    assert [p.name for p in story.pairings] == ["Tara Maclay/Willow Rosenberg"]
    assert not story.pairings[0].inferred
    # "&" is platonic: kept as a tag, never a pairing
    assert "Buffy Summers & Willow Rosenberg" in story.tags
    assert story.fandoms == ["Buffy the Vampire Slayer"]
    assert story.characters[:2] == ["Willow Rosenberg", "Tara Maclay"]
    assert story.summary == "Willow drives west with no plan. Tara comes anyway."
    assert story.notes == [
        "Written for a prompt about road trips. Thank you to my beta.",
        "The diner is real; the pie is not.",
        "Also, Dawn's air freshener is canon in my heart.",
        "Next chapter: the motel.",
        "Thanks for reading! Comments make my day.",
    ]
    assert chapter_rows(story) == [(1, "Chapter 1", "Gas Stations"), (2, "Chapter 2", "Motels")]
    assert story.total_chapters == 2
    assert story.status == Status.COMPLETE
    assert story.language == "English"
    body = story.body
    assert body.startswith("The car smelled like old coffee")
    assert body.endswith("Tara kissed her forehead and turned off the lamp.")
    for chrome in ("Posted originally", "Please drop by", "Afterword", "End Notes", "Rating:"):
        assert chrome not in body


def test_label_header_block():
    story = parse("label_block.txt")
    assert story.title == "Cold Comfort"
    assert story.authors == ["Nightjar"]
    assert story.rating.declared == "NC-17"
    assert story.rating.level == RatingLevel.EXPLICIT
    assert [p.name for p in story.pairings] == ["Buffy Summers/Spike"]
    assert story.characters[:3] == ["Spike", "Buffy Summers", "Rupert Giles"]
    assert story.fandoms == ["Buffy the Vampire Slayer"]
    assert story.warnings == ["Sexual content", "mild violence"]
    assert story.spoilers == 'Through "Crush" (season 5)'
    assert story.summary.startswith("A patrol goes wrong")
    assert story.disclaimer.startswith("Joss owns them.")
    assert story.notes == ["Many thanks to R. for the beta."]
    assert story.status == Status.COMPLETE
    assert story.body.startswith("The rain had not stopped")
    # "The End" is an end marker, not story text
    assert story.body.endswith("and neither would she.")
    assert chapter_rows(story) == [(1, None, None)]


def test_title_and_byline():
    story = parse("byline.txt")
    assert story.title == "Small Hours"
    assert story.authors == ["Wren Calloway"]
    assert story.rating.declared is None
    assert story.rating.inferred
    assert story.rating.level in (RatingLevel.GENERAL, RatingLevel.TEEN)
    assert story.body.startswith("Dawn could not sleep.")
    assert story.status == Status.UNKNOWN  # nothing says it is finished
    assert story.characters == ["Buffy Summers", "Dawn Summers"]


def test_yaml_front_matter_markdown():
    story = parse("front_matter.md")
    assert story.layout == "text-front-matter"
    assert story.title == "Lessons in Latin"
    assert story.authors == ["inkwell_owl"]
    assert story.rating.level == RatingLevel.TEEN
    assert [p.name for p in story.pairings] == ["Jenny Calendar/Rupert Giles"]
    assert story.tags == ["Library", "Fluff"]
    assert story.status == Status.WIP
    assert chapter_rows(story) == [
        (1, "Chapter 1", "Declensions"),
        (2, "Chapter 2", "Conjugations"),
    ]
    # Markdown emphasis is kept
    assert "*It's not dead*" in story.body


def test_markdown_headings():
    story = parse("markdown_headings.md")
    assert story.title == "The Watcher's Garden"
    assert story.authors == ["Fennel Brightwater"]
    assert story.rating.declared == "General Audiences"
    assert story.summary == "Giles plants roses. Nothing goes wrong, for once."
    assert chapter_rows(story) == [
        (None, "Prologue", None),
        (1, "Chapter One", None),
        (2, "Chapter Two", None),
        (None, "Epilogue", None),
    ]
    assert story.status == Status.COMPLETE  # ends with an epilogue
    assert "##" not in story.body


def test_multi_chapter_with_notes_and_continuation():
    story = parse("multi_chapter.txt")
    assert story.title == "Nightfall Road"
    assert story.authors == ["Oriel Vance"]
    assert story.rating.level == RatingLevel.TEEN
    assert [p.name for p in story.pairings] == ["Angel/Cordelia Chase"]
    assert "Angel (TV)" in story.fandoms
    assert chapter_rows(story) == [
        (1, "Chapter 1", None),
        (2, "Chapter 2", None),
        (3, "Chapter 3", None),
    ]
    assert story.notes == [
        "This is my first fic, please be gentle!",
        "Please review! Let me know if I should continue.",
    ]
    assert story.status == Status.WIP
    assert "To be continued" not in story.body
    assert "A/N" not in story.body
    assert story.chapters[0].text.startswith("Cordelia hated the office")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("cp1252.txt", "cp1252"), ("utf16_bom.txt", "utf-16-le"), ("crlf.txt", "utf-8")],
)
def test_encodings_and_line_endings(name, encoding):
    story = parse(name)
    assert story.encoding == encoding
    assert story.title == "Faith’s Night Out"
    assert story.authors == ["Reyna Holt"]
    assert story.rating.declared == "R"
    assert story.rating.level == RatingLevel.MATURE
    body = story.body
    assert "\r" not in body
    assert "\x85" not in body
    assert "she did… The music" in body  # cp1252 0x85 is an ellipsis, not a line break
    assert "“You’re late,” Buffy said" in body
    assert len(story.chapters[0].text.split("\n\n")) == 4
    assert story.words == 65


def test_fanfiction_net_page_text():
    story = parse("ffn_page.txt")
    assert story.title == "Under the Same Sky"
    assert story.authors == ["lantern_fish"]
    assert story.rating.declared == "Fiction K+"
    assert story.rating.level == RatingLevel.GENERAL
    assert story.language == "English"
    assert story.tags == ["Romance", "Humor"]
    assert [p.name for p in story.pairings] == ["Anya Jenkins/Xander Harris"]
    assert story.summary == "Xander and Anya plan a wedding. Nobody survives the seating chart."
    assert story.disclaimer.startswith("I don't own Buffy.")
    assert story.status == Status.COMPLETE
    assert story.notes == ["Thanks for reading! Reviews are love."]
    assert story.body.startswith('"Your cousin Carol')
    assert story.body.endswith("where it stayed until morning.")


def test_fanfiction_net_info_line_reads_like_the_html_page():
    text = (
        "Between the Stakes\nBy: Willowtree88\n\n"
        "Rated: Fiction T - English - Romance/Hurt/Comfort - [Buffy S., Spike] Dawn S. - "
        "Words: 1,234 - Status: Complete - id: 42\n\n"
        + "The crypt was cold and Spike was not in it, which was the first bad sign. "
        * 5
    )
    raw = parse_text(text, "stakes.txt")
    assert raw.tags == ["Romance", "Hurt/Comfort"]
    assert raw.characters == ["Buffy S.", "Spike", "Dawn S."]
    assert raw.relationships == ["Buffy S./Spike"]
    assert raw.rating == "Fiction T"
    assert raw.status_declared is Status.COMPLETE


def test_efiction_page_text():
    story = parse("efiction_page.txt")
    assert story.title == "Stone Cold"
    assert story.authors == ["Marrow"]
    assert story.rating.declared == "PG-13"
    assert story.characters == ["Drusilla", "Spike"]
    assert story.fandoms == ["Buffy the Vampire Slayer"]
    assert story.tags == ["Angst", "Drama"]
    assert story.warnings == ["Character Death"]
    assert story.notes == ["Set in season two, before the Judge."]
    assert story.total_chapters == 1
    assert story.status == Status.COMPLETE
    assert "You must login" not in story.body
    assert story.body.endswith("exactly as she had said it would.")


def test_hard_wrapped_mailing_list_post():
    story = parse("hard_wrapped.txt")
    assert story.title == "Ashes"
    assert story.authors == ["Mordant Quill"]
    assert story.rating.declared == "PG"
    assert [p.name for p in story.pairings] == ["Buffy Summers/Spike"]  # from the subject
    paragraphs = story.body.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[0].startswith("The fire had burned itself out by morning, and Buffy stood")
    assert "\n" not in paragraphs[0]
    assert "Subject:" not in story.body


def test_one_paragraph_per_line():
    story = parse("no_blank_lines.txt")
    assert story.title == "Blue Door"
    assert story.authors == ["Sable Reed"]
    assert len(story.body.split("\n\n")) == 6
    assert story.characters == ["Oz", "Willow Rosenberg"]


def test_cloudflare_placeholder_and_contact_line():
    text = (
        "Email: [email\u00a0protected] AIM: QuietStorm77\n\n"
        "Summary: Spike finds a kitten.\n\n"
        "Spike found the kitten in a skip behind the Magic Box. Write to me at "
        "[email protected] if you liked it, he did not say, because he was a vampire.\n\n"
        "He called it Buffy. He would never tell her that.\n"
    )
    raw = parse_text(text, "kitten.txt")
    assert raw.author_fallback == "QuietStorm77"
    assert raw.authors == []
    assert raw.summary == "Spike finds a kitten."
    body = "\n\n".join(c.text for c in raw.chapters)
    assert "protected" not in body
    assert "Email" not in body
    assert body.startswith("Spike found the kitten")


def test_unlabelled_summary_and_disclaimer_before_heading():
    text = (
        "Glass Houses\n\nby Tamsin Roe\n\n"
        "Willow breaks a mirror and seven years of something else.\n\n"
        "Disclaimer-free zone: none of these characters are mine, they belong to Joss.\n\n"
        "Part One\n\n"
        "The mirror broke on a Thursday. Willow swept it up and did not look too closely.\n"
    )
    story = parse_story(text.encode(), "glass.txt")
    assert story.title == "Glass Houses"
    assert story.authors == ["Tamsin Roe"]
    assert story.summary == "Willow breaks a mirror and seven years of something else."
    assert story.disclaimer.startswith("Disclaimer-free zone")
    assert chapter_rows(story) == [(1, "Part One", None)]


def test_total_chapters_and_status_from_ao3_counts():
    head = "Title: Counting\nAuthor: Abacus\nChapters: {}\n\nChapter 1\n\nOne two three four.\n"
    assert parse_story(head.format("1/3").encode(), "a.txt").status == Status.WIP
    assert parse_story(head.format("1/3").encode(), "a.txt").total_chapters == 3
    assert parse_story(head.format("1/?").encode(), "a.txt").status == Status.WIP
    assert parse_story(head.format("1/1").encode(), "a.txt").status == Status.COMPLETE


def test_declared_total_with_first_chapter_only_is_unknown():
    text = "Total Chapters: 12\n\nA summary of sorts.\n\nChapter 1: Start\n\nIt began badly.\n"
    story = parse_story(text.encode(), "t.txt")
    assert story.total_chapters == 12
    assert story.status == Status.UNKNOWN
    assert story.summary == "A summary of sorts."
    assert chapter_rows(story) == [(1, "Chapter 1", "Start")]


def test_missing_title_gets_file_name_fallback():
    story = parse_story(b"Just a story. It has words and ends here.\n", "my_old_fic.txt")
    assert story.title is None
    assert story.title_fallback == "my old fic"
    assert story.display_title == "my old fic"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Chapter 1", (1, "Chapter 1", None)),
        ("Chapter One", (1, "Chapter One", None)),
        ("Chapter 1: Release", (1, "Chapter 1", "Release")),
        ("CHAPTER TWENTY-ONE - The End", (21, "CHAPTER TWENTY-ONE", "The End")),
        ("Part III", (3, "Part III", None)),
        ("Prologue", (None, "Prologue", None)),
        ("Epilogue: After", (None, "Epilogue", "After")),
        ("Interlude", (None, "Interlude", None)),
        ("## Chapter 2: Name", (2, "Chapter 2", "Name")),
        ("**Chapter 4**", (4, "Chapter 4", None)),
        ("Ch. 5 - Fire", (5, "Ch. 5", "Fire")),
    ],
)
def test_chapter_headings(line, expected):
    h = match_heading(line)
    assert h is not None
    assert (h.number, h.label, h.title) == expected


@pytest.mark.parametrize(
    "line",
    [
        "Part of me wanted to go.",
        "Part one of the plan",
        "Chapter Notes",
        'Chapter 1: He said, "Go."',
        "Prologues are overrated, she thought, and many other things besides that.",
    ],
)
def test_not_chapter_headings(line):
    assert match_heading(line) is None


def test_bare_numbers_are_headings_only_in_sequence():
    lines = ["1.", "text", "more", "2. The Return", "x", "3", "y"]
    assert numbered_headings(lines) == {0, 3, 5}
    assert numbered_headings(["In 1999 it rained.", "5", "x"]) == set()


def test_numbered_chapters_in_a_story():
    text = "Title: Numbers\n\n1\n\nFirst part text here.\n\n2\n\nSecond part text here.\n"
    story = parse_story(text.encode(), "n.txt")
    assert [c.number for c in story.chapters] == [1, 2]
    assert story.chapters[1].text == "Second part text here."


def test_lone_first_line_is_the_title_but_a_dateline_is_not():
    prose = "Spike sat in the dark corner of the bar and watched the door for a long time. " * 2
    story = parse_story(f"Let's Talk\n\n{prose}\n\nShe came in.\n".encode(), "a.txt")
    assert story.title == "Let's Talk"
    assert story.body.startswith("Spike sat")
    dated = parse_story(f"Sunnydale, 1998\n\n{prose}\n".encode(), "b.txt")
    assert dated.title is None
    assert dated.body.startswith("Sunnydale, 1998")


def test_contact_details_never_become_author_names():
    text = (
        'Title: "Quoted"\nAuthor: Jane Doe (jane@example.org)\n'
        "Pairing: Buffy/Spike, implied Willow/Tara\n\n(A/N: a short note)\n\n"
        "The story starts here and goes on for a while.\n"
    )
    story = parse_story(text.encode(), "q.txt")
    assert story.title == "Quoted"
    assert story.authors == ["Jane Doe"]
    assert [p.name for p in story.pairings] == [
        "Buffy Summers/Spike",
        "Tara Maclay/Willow Rosenberg",
    ]
    assert story.notes == ["a short note"]
    assert story.body == "The story starts here and goes on for a while."


def test_dialogue_is_not_an_epigraph():
    text = '"Run!"\n\n— and she ran, as fast as she could, past the crypts.\n\nMore story.\n'
    story = parse_story(text.encode(), "r.txt")
    assert story.epigraph is None
    assert story.body.startswith('"Run!"')


def test_quoted_mail_header_lines():
    text = "> Title: Quoted Mail\n> Author: Someone\n\nBody text of the story is here.\n"
    story = parse_story(text.encode(), "m.txt")
    assert (story.title, story.authors) == ("Quoted Mail", ["Someone"])
    assert story.body == "Body text of the story is here."


def test_setext_title_in_markdown():
    text = "The Slayer's Tea\n================\n\nby Pip\n\nShe poured the tea and waited.\n"
    story = parse_story(text.encode(), "t.md")
    assert story.title == "The Slayer's Tea"
    assert story.authors == ["Pip"]
    assert story.body == "She poured the tea and waited."


def test_efiction_chapter_page_with_navigation():
    story = parse("efiction_chapter.txt")
    assert story.title == "Borrowed Time"
    assert story.authors == ["Quill and Ink"]
    assert story.notes == [
        'This follows "Spare Change" but you don\'t need to have read it.',
        "Thanks to everyone who asked for more!",
        "One more part to go. Feedback is always welcome.",
    ]
    # links to other chapters: this file is one part, not a finished one-shot
    assert story.status == Status.UNKNOWN
    assert chapter_rows(story) == [(None, None, "Borrowed Time")]
    for chrome in ("Reviews", "Table of Contents", "Next Chapter", "Favorites", "login"):
        assert chrome not in story.body
    assert story.body.endswith('"I know," said Oz.')


@pytest.mark.parametrize(
    ("text", "body", "labels"),
    [
        (
            "Title: X\nAuthor: Y\nRating: PG\nOnce upon a time there was a girl.\nShe slayed.\n",
            "Once upon a time there was a girl.\nShe slayed.",
            [None],
        ),
        (
            "Title: X\nRating: PG\nChapter 1\nText one here.\n\nChapter 2\n\nText two.",
            "Text one here.\n\nText two.",
            ["Chapter 1", "Chapter 2"],
        ),
        ("Title: X\n***\nStory right after the stars.\n", "Story right after the stars.", [None]),
    ],
)
def test_header_and_body_in_one_block(text, body, labels):
    story = parse_story(text.encode(), "x.txt")
    assert story.title == "X"
    assert story.body == body
    assert [c.label for c in story.chapters] == labels


def test_markers_between_chapters_and_asides_to_readers():
    text = (
        "Title: Markers\n\nChapter 1\n\nBuffy patrolled alone.\n\nTo be continued...\n\n"
        "Chapter 2\n\nThanks for all the reviews, you guys!\n\nSpike found her by the crypt.\n\n"
        "End of Chapter 2\n\nCh 3\n\n"
        '"Tell me what you think," she said, and he did.\n\nThe End\n'
    )
    story = parse_story(text.encode(), "m.txt")
    assert [c.label for c in story.chapters] == ["Chapter 1", "Chapter 2", "Ch 3"]
    assert [c.text for c in story.chapters] == [
        "Buffy patrolled alone.",
        "Spike found her by the crypt.",
        '"Tell me what you think," she said, and he did.',
    ]
    assert story.notes == ["Thanks for all the reviews, you guys!"]
    assert story.status == Status.COMPLETE  # only the last chapter's marker decides


@pytest.mark.parametrize(
    ("declared", "title", "total", "number", "status"),
    [
        ("Ashes (2/5)", "Ashes", 5, 2, Status.UNKNOWN),
        ("Ashes, Part 3 of 3", "Ashes", 3, 3, Status.UNKNOWN),
        ("Ashes 1/?", "Ashes", None, 1, Status.WIP),
        ("Love 24/7", "Love 24/7", None, 1, Status.UNKNOWN),
    ],
)
def test_part_numbers_in_titles(declared, title, total, number, status):
    story = parse_story(f"Title: {declared}\n\nStory text.\n".encode(), "p.txt")
    assert (story.title, story.total_chapters) == (title, total)
    assert [c.number for c in story.chapters] == [number]
    assert story.status == status


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("Rating - PG-13/R", "Mature"),
        ("Rated: PG to PG-13", "Teen"),
        ("Rating: NC17 (sex)", "Explicit"),
    ],
)
def test_rating_ranges_take_the_higher_level(line, level):
    story = parse_story(f"{line}\n\nStory text here.\n".encode(), "r.txt")
    assert str(story.rating.level) == level
    assert not story.rating.inferred


def test_prologue_before_the_first_heading_is_story_not_header():
    text = (
        'Title: X\nAuthor: Y\n\n"Where are you going?" Buffy asked, though she knew.\n\n'
        "Spike did not answer. He never did, not when it mattered.\n\n"
        "The night was long and the cemetery was quiet.\n\nChapter 1\n\nMorning came.\n"
    )
    story = parse_story(text.encode(), "x.txt")
    assert story.summary is None
    assert [c.label for c in story.chapters] == [None, "Chapter 1"]
    assert story.chapters[0].text.startswith('"Where are you going?"')


def test_one_summary_paragraph_may_open_with_dialogue():
    text = (
        "Voice in the Dark\n\nby someone_else\n\n"
        '"You came back," Buffy said. A story about what happens after the last patrol.\n\n'
        "Part I\n\nThe cemetery was quiet.\n\nPart II\n\nThe crypt was not.\n"
    )
    story = parse_story(text.encode(), "v.txt")
    assert story.title == "Voice in the Dark"
    assert story.summary.startswith('"You came back," Buffy said.')
    assert [c.label for c in story.chapters] == ["Part I", "Part II"]


def test_blog_post_with_chrome_and_comments():
    story = parse("blog_post.txt")
    assert story.title == "Small Mercies"
    assert story.authors == ["moonlit_grove"]  # the poster, when no author is named
    assert story.rating.declared == "PG"
    assert [p.name for p in story.pairings] == ["Tara Maclay/Willow Rosenberg"]
    assert story.tags == ["fic", "fluff"]  # "willow/tara" is the relationship itself
    assert story.body.endswith("Tara had kissed it off twice.")
    for chrome in ("Share this", "Mood", "thoughts on", "reader_one", "More please"):
        assert chrome not in story.body


def test_title_and_byline_repeated_around_chapters_leave_the_text():
    text = (
        "Title: Echo\nAuthor: Pip\n\nChapter 1\n\nEcho\n\nby Pip\n\nText one.\n\n"
        "Echo\n\nChapter 2\n\nText two.\n"
    )
    story = parse_story(text.encode(), "e.txt")
    assert [c.text for c in story.chapters] == ["Text one.", "Text two."]


def test_author_site_markdown_post():
    story = parse("author_site.md")
    assert story.title == "The Long Night"
    assert story.rating.declared == "T"
    assert story.rating.level == RatingLevel.TEEN
    # a relationship tag is a declared pairing, not a free tag
    assert [(p.name, p.inferred) for p in story.pairings] == [("Buffy Summers/Spike", False)]
    assert story.tags == ["fic", "angst"]
    assert story.fandoms == ["Buffy the Vampire Slayer"]
    body = story.body
    assert "<!--" not in body and "<i>" not in body and "](" not in body
    assert "*Great Expectations*" in body
    assert body.endswith("(Her favourite kind of night.)")
    assert "---" in body  # a scene break inside the story is kept


def test_a_labelled_summary_wins_over_a_guessed_one():
    text = (
        "Glass\n\nby X\n\nFor my friend Jo, who asked.\n\nSummary: Willow breaks a mirror.\n\n"
        "Chapter 1\n\nThe mirror broke.\n"
    )
    story = parse_story(text.encode(), "g.txt")
    assert story.summary == "Willow breaks a mirror."
    assert story.notes == ["For my friend Jo, who asked."]


def test_ao3_work_page_copied_from_the_browser():
    story = parse("ao3_work_page_copy.txt")
    assert story.title == "Cold Comfort"
    assert story.rating.declared == "Teen And Up Audiences"
    assert [p.name for p in story.pairings] == ["Buffy Summers/Spike"]
    assert story.summary == "Buffy visits the crypt."
    assert story.notes == ["For Jo."]
    assert story.total_chapters == 1
    assert story.status == Status.COMPLETE
    assert story.body.startswith("Buffy pushed the crypt door open")
    assert story.body.endswith("She closed it. She stayed.")
    for chrome in ("Kudos", "Comments", "Entire Work", "Work Text", "Log In"):
        assert chrome not in story.body


def test_label_values_keep_emphasis_they_close_but_lose_stray_markers():
    text = (
        "**Title:** Quiet Hours\n**Rating:** PG-13\n"
        "Summary: One long night on patrol…*sigh*\n\n"
        "Buffy walked the cemetery alone, counting stakes and stars.\n\n"
        "Nothing rose before dawn, and she went home to sleep.\n"
    )
    story = parse_story(text.encode(), "quiet.txt")
    assert story.title == "Quiet Hours"
    assert story.rating.declared == "PG-13"
    assert story.summary == "One long night on patrol…*sigh*"


_PROSE = (
    "Mulder looked at the file for a long time and then closed it, and Scully watched him "
    "do it, and neither of them said anything about the light in the sky. "
) * 4


@pytest.mark.parametrize(
    ("tail", "status", "notes"),
    [
        ("THE END\n\n-- \nJane Doe\njane@example.com\nhttp://example.com/fic\n", "complete", []),
        ("-- \nJane Doe <jane@example.com>\n", "unknown", []),
        ("Please review!\n\nEnd file.\n", "unknown", ["Please review!"]),
        ("To be continued\n\n-- Jane\n", "wip", []),
        ("Fin.\n\n~ Jane\n", "complete", []),
    ],
)
def test_sign_offs_never_stay_at_the_end_of_the_body(tail, status, notes):
    text = f"Title: Lights\nAuthor: Jane\n\n{_PROSE}\n\n{_PROSE}\n\n{tail}"
    story = parse_story(text.encode(), "lights.txt")
    assert story.body.endswith("the light in the sky.")
    assert str(story.status) == status
    assert story.notes == notes


def test_a_double_dash_scene_break_with_story_after_it_is_not_a_signature():
    text = f"Title: Lights\n\n{_PROSE}\n\n--\n\n{_PROSE}\n\n{_PROSE}\n"
    story = parse_story(text.encode(), "lights.txt")
    assert story.words > 250


def test_keywords_ship_and_relationship_lines_give_relationships():
    text = (
        "Title: Lights\nAuthor: Jane\nKEYWORDS: Mulder/Scully romance, angst\n"
        "Ship: Finn/Poe Dameron\nRelationships: Rey & Finn\n\n" + _PROSE
    )
    raw = parse_text(text, "lights.txt")
    assert raw.relationships == ["Mulder/Scully", "Finn/Poe Dameron", "Rey & Finn"]
    assert "romance" in raw.tags and "angst" in raw.tags


def test_genres_and_category_codes_in_keywords_are_not_pairings():
    raw = parse_text(f"Title: L\nKeywords: Hurt/Comfort, M/M, Humor/Romance\n\n{_PROSE}", "l.txt")
    assert raw.relationships == []


@pytest.mark.parametrize(
    ("line", "series", "part"),
    [
        ("Series: Dark Days [2]", "Dark Days", 2),
        ("Series: Part 3 of Dark Days", "Dark Days", 3),
        ("Series: Dark Days, Part III", "Dark Days", 3),
        ("Part 2 of the Dark Days series", "Dark Days", 2),
        ('Part II of "Dark Days"', "Dark Days", 2),
        ("Part 2 of 5", None, None),
        ("Series: Dark Days", "Dark Days", None),
        ("Series: None", None, None),
    ],
)
def test_series_declarations(line, series, part):
    story = parse_story(f"Title: Lights\n{line}\nRating: PG\n\n{_PROSE}".encode(), "l.txt")
    assert (story.series, story.series_part) == (series, part)
    assert story.title == "Lights"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "Archive of Our Own\n\nThis work is only available to registered users of the "
            "Archive. If you already have an account, log in now.\n",
            "registered users",
        ),
        (
            "Adult Content Warning\n\nThis work could have adult content. If you continue, you "
            "have agreed that you are willing to see such content.\n\nYes, Continue\n",
            "adult-content warning",
        ),
        ("404 Not Found\n\nThe page you were looking for doesn't exist.\n", "error page"),
        ("Story Not Found\n\nUnable to locate story. Code 1.\n", "error page"),
    ],
)
def test_pages_that_are_not_stories_are_refused_with_a_reason(text, words):
    with pytest.raises(StoryRejected, match=words):
        parse_story(text.encode(), "page.txt")


def test_a_long_story_may_mention_a_404():
    text = (
        f"Title: Lights\n\n{_PROSE}\n\nThe screen said 404 Not Found and Mulder swore.\n\n{_PROSE}"
    )
    assert parse_story(text.encode(), "l.txt").words > 100


def test_no_evidence_of_status_is_unknown_and_the_lone_chapter_is_chapter_one():
    story = parse_story(f"Title: Lights\n\n{_PROSE}".encode(), "l.txt")
    assert story.status == Status.UNKNOWN
    assert [c.number for c in story.chapters] == [1]
