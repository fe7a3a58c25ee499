-- storybot library schema, version 1.
-- Every story belongs to one guild (server); the same file added in two guilds is two stories.
-- Chapter text lives here and is read one chapter at a time.

CREATE TABLE stories (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    title           TEXT    NOT NULL,            -- display title: declared, else the fallback
    title_declared  INTEGER NOT NULL DEFAULT 1 CHECK (title_declared IN (0, 1)),
    rating_level    TEXT    NOT NULL
        CHECK (rating_level IN ('General', 'Teen', 'Mature', 'Explicit', 'Not Rated')),
    rating_declared TEXT,
    rating_inferred INTEGER NOT NULL DEFAULT 0 CHECK (rating_inferred IN (0, 1)),
    status          TEXT    NOT NULL DEFAULT 'unknown'
        CHECK (status IN ('complete', 'wip', 'unknown')),
    words           INTEGER NOT NULL DEFAULT 0 CHECK (words >= 0),
    chapter_count   INTEGER NOT NULL DEFAULT 0 CHECK (chapter_count >= 0),
    total_chapters  INTEGER CHECK (total_chapters IS NULL OR total_chapters >= 0),
    summary         TEXT,
    notes           TEXT    NOT NULL DEFAULT '[]',  -- JSON list of author notes
    disclaimer      TEXT,
    epigraph        TEXT,
    spoilers        TEXT,
    language        TEXT,
    source_name     TEXT,
    layout          TEXT,
    encoding        TEXT,
    content_hash    TEXT    NOT NULL,            -- sha256 of normalised title, authors, body
    identity_key    TEXT,                        -- normalised declared title + authors
    created_at      TEXT    NOT NULL,            -- ISO 8601, UTC
    updated_at      TEXT    NOT NULL,
    added_by        INTEGER
);
CREATE INDEX stories_guild_title ON stories (guild_id, title COLLATE NOCASE);
CREATE INDEX stories_guild_hash ON stories (guild_id, content_hash);
CREATE INDEX stories_guild_identity ON stories (guild_id, identity_key);
CREATE INDEX stories_guild_created ON stories (guild_id, created_at);
CREATE INDEX stories_guild_words ON stories (guild_id, words);

CREATE TABLE chapters (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    position INTEGER NOT NULL CHECK (position >= 1),   -- 1-based index in the story
    number   INTEGER,                                  -- the number the heading gives
    label    TEXT,                                     -- "Chapter 1", "Part III", "Prologue"
    title    TEXT,
    words    INTEGER NOT NULL CHECK (words >= 0),
    text     TEXT    NOT NULL,
    PRIMARY KEY (story_id, position)
) WITHOUT ROWID;

CREATE TABLE authors (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE story_authors (
    story_id  INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    author_id INTEGER NOT NULL REFERENCES authors (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (story_id, author_id)
) WITHOUT ROWID;
CREATE INDEX story_authors_author ON story_authors (author_id);

CREATE TABLE characters (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE story_characters (
    story_id     INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    character_id INTEGER NOT NULL REFERENCES characters (id),
    position     INTEGER NOT NULL,
    PRIMARY KEY (story_id, character_id)
) WITHOUT ROWID;
CREATE INDEX story_characters_character ON story_characters (character_id);

-- A pairing is a set of canonical characters; `name` is "A/B" with names sorted.
CREATE TABLE pairings (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE
);
CREATE TABLE pairing_characters (
    pairing_id   INTEGER NOT NULL REFERENCES pairings (id) ON DELETE CASCADE,
    character_id INTEGER NOT NULL REFERENCES characters (id),
    PRIMARY KEY (pairing_id, character_id)
) WITHOUT ROWID;
CREATE TABLE story_pairings (
    story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    pairing_id INTEGER NOT NULL REFERENCES pairings (id),
    inferred   INTEGER NOT NULL DEFAULT 0 CHECK (inferred IN (0, 1)),
    position   INTEGER NOT NULL,
    PRIMARY KEY (story_id, pairing_id)
) WITHOUT ROWID;
CREATE INDEX story_pairings_pairing ON story_pairings (pairing_id);

-- Free-form tags, fandoms and archive warnings share one table, told apart by kind.
CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('tag', 'fandom', 'warning')),
    name TEXT NOT NULL COLLATE NOCASE,
    UNIQUE (kind, name)
);
CREATE TABLE story_tags (
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    tag_id   INTEGER NOT NULL REFERENCES tags (id),
    position INTEGER NOT NULL,
    PRIMARY KEY (story_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX story_tags_tag ON story_tags (tag_id);

CREATE TABLE reader_ratings (
    guild_id   INTEGER NOT NULL,
    story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    review     TEXT CHECK (review IS NULL OR length(review) <= 300),
    created_at TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    UNIQUE (story_id, user_id)
);
CREATE INDEX reader_ratings_guild_user ON reader_ratings (guild_id, user_id);

CREATE TABLE reading_positions (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    chapter    INTEGER NOT NULL CHECK (chapter >= 1),
    passage    INTEGER NOT NULL CHECK (passage >= 0),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, story_id)
) WITHOUT ROWID;
CREATE INDEX reading_positions_story ON reading_positions (story_id);

CREATE TABLE guild_settings (
    guild_id INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,                  -- JSON
    PRIMARY KEY (guild_id, key)
) WITHOUT ROWID;

-- Survives the story it names (no foreign key): who added, edited or removed what, when.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    actor_id INTEGER,
    action   TEXT    NOT NULL
        CHECK (action IN ('added', 'updated', 'edited', 'removed', 'setting')),
    story_id INTEGER,
    title    TEXT,
    detail   TEXT    NOT NULL DEFAULT '{}',     -- JSON
    at       TEXT    NOT NULL
);
CREATE INDEX audit_log_guild ON audit_log (guild_id, id);

-- Full-text index over what people search for; rowid = stories.id. The store rewrites a
-- story's row in the same transaction as the story; deleting a story deletes its row.
CREATE VIRTUAL TABLE stories_fts USING fts5 (
    title, authors, summary, tags,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
    DELETE FROM stories_fts WHERE rowid = old.id;
END;
