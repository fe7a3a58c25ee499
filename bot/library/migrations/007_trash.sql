-- The trash: /library remove moves a story here for 30 days instead of deleting it.
-- A trashed story keeps every row (chapters, links, ratings, reviews, reading places);
-- its stories, reader_ratings and reading_positions rows carry the guild id negated, so
-- every guild-scoped read leaves it out. Restore negates them back; emptying deletes.
CREATE TABLE trash (
    story_id   INTEGER PRIMARY KEY REFERENCES stories (id) ON DELETE CASCADE,
    guild_id   INTEGER NOT NULL,
    removed_at TEXT    NOT NULL,
    removed_by INTEGER
);
CREATE INDEX trash_guild ON trash (guild_id, removed_at);

-- The log learns the trash's actions (a CHECK cannot be altered: rebuild the table).
CREATE TABLE audit_log_new (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    actor_id INTEGER,
    action   TEXT    NOT NULL
        CHECK (action IN ('added', 'updated', 'edited', 'removed', 'setting',
                          'trashed', 'restored', 'emptied_trash')),
    story_id INTEGER,
    title    TEXT,
    detail   TEXT    NOT NULL DEFAULT '{}',     -- JSON
    at       TEXT    NOT NULL
);
INSERT INTO audit_log_new (id, guild_id, actor_id, action, story_id, title, detail, at)
    SELECT id, guild_id, actor_id, action, story_id, title, detail, at FROM audit_log;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_guild ON audit_log (guild_id, id);
