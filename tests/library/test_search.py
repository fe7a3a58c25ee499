"""The in-memory fuzzy search index: what people type finds what they meant."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.library.model import Chapter, ParsedStory, Rating, RatingLevel
from bot.library.search import SearchIndex, SearchIndexes
from bot.library.search_text import normalize
from bot.library.store import Store

LIBRARY = [
    (1, "Let's Talk", ["Sarah Connor"], False),
    (2, "Home", ["Bob"], False),
    (3, "Homecoming Queen", ["Bob"], True),
    (4, "The Dark Lord Returns", ["Jane Doe"], False),
    (5, "Dark", ["Quill"], False),
    (6, "Lord of Light", ["Quill"], False),
    (7, "Let's Talk About Spike", ["Willowtree"], True),
    (8, "Café au Lait", ["Zoë"], False),
    (9, "Once More, With Feeling", ["Sarah Connor"], False),
    (10, "Buffy & Willow", ["Quill", "Bob"], False),
    (11, "君の名は", ["Makoto"], False),
    (12, "Spike's Last Stand", ["Willowtree"], False),
]
FILLER = [
    "Shadows of the Moon",
    "Winter Roses",
    "A Kiss at Midnight",
    "The Last Dragon",
    "Burning Bright",
    "Dust and Ashes",
    "Echoes in the Dark",
    "Silver Crown",
]


def make_index() -> SearchIndex:
    index = SearchIndex()
    for story_id, title, authors, adult in LIBRARY:
        index.add(story_id, title, authors, adult=adult)
    for n, title in enumerate(FILLER, start=100):
        index.add(n, title, ["Anon"])
    return index


def ids(hits) -> list[int]:
    return [h.story_id for h in hits]


def test_normalize_folds_case_accents_apostrophes_and_punctuation():
    assert normalize("Let’s  TALK — About Café!") == "lets talk about cafe"
    assert normalize("Buffy & Willow") == "buffy and willow"
    assert normalize("Don't") == normalize("dont") == "dont"
    assert normalize("  ...  ") == ""


def test_exact_title_first_and_scores_100():
    hits = make_index().search("Home")
    assert hits[0].story_id == 2
    assert hits[0].score == 100.0
    assert hits[0].title == "Home"
    assert hits[0].authors == ("Bob",)


def test_missing_punctuation_and_case():
    assert make_index().search("lets talk")[0].story_id == 1
    assert make_index().search("ONCE MORE WITH FEELING")[0].story_id == 9


def test_one_and_two_typos():
    index = make_index()
    assert index.search("lets tlak")[0].story_id == 1
    assert index.search("the drak lord retrns")[0].story_id == 4
    assert index.search("homecomign quen")[0].story_id == 3
    assert index.search("hmoe")[0].story_id == 2


def test_word_order():
    index = make_index()
    assert index.search("returns the dark lord")[0].story_id == 4
    assert index.search("feeling once more with")[0].story_id == 9


def test_prefix_while_typing():
    index = make_index()
    assert index.autocomplete("the dark lo")[0].story_id == 4
    assert index.autocomplete("homec")[0].story_id == 3
    assert index.autocomplete("once mo")[0].story_id == 9
    # a whole-title prefix outranks a title that merely holds the words
    assert ids(index.search("let's talk ab"))[0] == 7


def test_short_title_does_not_crowd_out_the_intended_one():
    # plain WRatio gives "Dark" 90 for any query containing "dark"
    hits = make_index().search("the dark lord retruns", limit=3)
    assert hits[0].story_id == 4
    assert hits[0].score > next(h.score for h in hits if h.story_id == 5)


def test_author_names_are_searchable():
    index = make_index()
    assert set(ids(index.search("Jane Doe"))) == {4}
    assert set(ids(index.search("willowtre", limit=5))) >= {7, 12}


def test_author_filter():
    index = make_index()
    assert set(ids(index.search("", author="Quill"))) == {5, 6, 10}
    assert ids(index.search("dark", author="quil")) == [5]
    assert index.search("dark", author="Nobody Atall") == []
    by_bob = ids(index.search("", author="bob", limit=10))
    assert by_bob == [10, 2, 3]  # alphabetical: buffy…, home, homecoming…


def test_adult_filter():
    index = make_index()
    assert 3 in ids(index.search("homecoming queen"))
    assert 3 not in ids(index.search("homecoming queen", include_adult=False))
    assert 7 not in ids(index.autocomplete("let", include_adult=False))
    assert 7 in ids(index.autocomplete("let"))


def test_remove_and_replace():
    index = make_index()
    before = len(index)
    index.remove(2)
    assert len(index) == before - 1
    assert 2 not in ids(index.search("home"))
    index.remove(2)  # unknown ids are ignored
    index.add(4, "The Dark Lord Retires", ["Jane Doe"])
    assert len(index) == before - 1
    hits = index.search("dark lord retires")
    assert hits[0].story_id == 4 and hits[0].title == "The Dark Lord Retires"
    assert "Returns" not in {h.title.split()[-1] for h in index.search("dark lord returns")}
    assert ids(index.search("", author="Jane Doe")) == [4]


def test_many_changes_compact_without_losing_anything():
    index = SearchIndex()
    for n in range(3000):
        index.add(n, f"Story number {n}", ["Writer"])
    for n in range(0, 3000, 2):
        index.remove(n)
    for n in range(1, 3000, 2):
        index.add(n, f"Tale {n}", ["Writer"])  # replaces: old titles must be gone
    assert len(index) == 1500
    assert index.search("tale 1501")[0].story_id == 1501
    assert all(h.title.startswith("Tale") for h in index.search("story number 1501"))
    live = sorted((f"Tale {n}" for n in range(1, 3000, 2)), key=normalize)
    assert [h.title for h in index.autocomplete("", limit=4)] == live[:4]


def test_empty_query_autocomplete_lists_titles_alphabetically():
    index = make_index()
    titles = [h.title for h in index.autocomplete("", limit=5)]
    everything = sorted(
        [t for _, t, _, _ in LIBRARY] + FILLER,
        key=normalize,
    )
    assert titles == everything[:5]
    assert len(index.autocomplete("   ", limit=50)) == len(LIBRARY) + len(FILLER)
    assert index.search("") == []
    assert index.search("!!!") == []


def test_unicode_titles():
    index = make_index()
    assert index.search("cafe au lait")[0].story_id == 8
    assert index.search("Café")[0].story_id == 8
    assert index.search("君の名は")[0].story_id == 11
    assert index.autocomplete("君の")[0].story_id == 11
    assert ids(index.search("", author="zoe")) == [8]


def test_nothing_close_finds_nothing():
    assert make_index().search("xqzvvk wprrt") == []


def test_a_very_long_query_is_cut_not_refused():
    index = make_index()
    assert index.search("the dark lord returns " * 200)[0].story_id == 4
    assert index.search("the dark lord returns " + "x" * 5000)[0].story_id == 4


def test_limits_are_respected():
    index = make_index()
    assert len(index.autocomplete("", limit=3)) == 3
    assert len(index.search("the", limit=2)) <= 2
    assert index.search("home", limit=0) == []


titles = st.text(
    alphabet=st.characters(categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd")),
    min_size=1,
    max_size=40,
).filter(lambda t: normalize(t) != "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=titles, others=st.lists(titles, max_size=30))
def test_a_titles_own_normal_form_finds_it_first(target, others):
    index = SearchIndex()
    for n, other in enumerate(others):
        index.add(n, other)
    index.add(999, target, ["Someone"])
    hits = index.search(normalize(target), limit=len(others) + 1)
    assert hits, target
    # equal normalised titles are indistinguishable; the target is among the first of them
    first = [h for h in hits if normalize(h.title) == normalize(target)]
    assert normalize(hits[0].title) == normalize(target)
    assert 999 in {h.story_id for h in first}


def _story(title: str, authors: list[str], level: RatingLevel) -> ParsedStory:
    return ParsedStory(
        title=title,
        authors=authors,
        rating=Rating(declared=str(level), level=level, inferred=False),
        chapters=[Chapter(number=1, label=None, title=None, text=f"Once upon a time, {title}.")],
    )


async def test_load_from_a_real_store(tmp_path):
    store = await Store.open(tmp_path / "library.db")
    try:
        a = await store.stories.import_story(
            1, _story("Let's Talk", ["Sarah"], RatingLevel.GENERAL), actor_id=None
        )
        b = await store.stories.import_story(
            1, _story("Midnight Heat", ["Sarah"], RatingLevel.EXPLICIT), actor_id=None
        )
        c = await store.stories.import_story(
            2, _story("Other Guild Story", ["Max"], RatingLevel.TEEN), actor_id=None
        )
        indexes = SearchIndexes()
        await indexes.load(store.stories)
    finally:
        await store.close()
    assert len(indexes) == 2
    assert ids(indexes.get(1).search("lets talk")) == [a.story_id]
    assert ids(indexes.get(1).search("midnight heat", include_adult=False)) == []
    assert ids(indexes.get(1).search("midnight heat")) == [b.story_id]
    assert ids(indexes.get(2).search("other guild")) == [c.story_id]
    assert ids(indexes.get(1).search("", author="sarah")) == [a.story_id, b.story_id]
    assert len(indexes.get(3)) == 0  # unknown guilds get an empty index
