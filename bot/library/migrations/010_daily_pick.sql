-- The daily pick (/settings daily-pick): one row per guild and UTC day, claimed in the
-- same transaction that chooses the story, so two bot processes on one library (or a
-- restart) never feature twice on one day. status: 'claimed' (chosen, being posted),
-- 'posted', 'failed' (could not post: detail says why), 'none' (no story qualified).
-- A story 'claimed' or 'posted' on a day is not picked again for 30 days.
CREATE TABLE featured (
    guild_id   INTEGER NOT NULL,
    day        TEXT    NOT NULL,              -- the UTC date, YYYY-MM-DD
    story_id   INTEGER,                       -- NULL when no story qualified
    channel_id INTEGER NOT NULL,
    status     TEXT    NOT NULL
        CHECK (status IN ('claimed', 'posted', 'failed', 'none')),
    message_id INTEGER,
    detail     TEXT,                          -- why a post failed, in plain words
    at         TEXT    NOT NULL,
    PRIMARY KEY (guild_id, day)
);
CREATE INDEX featured_story ON featured (guild_id, story_id, day);

-- The log learns the daily pick's outcomes (a CHECK cannot be altered: rebuild the table).
CREATE TABLE audit_log_new (
    id       INTEGER PRIMARY KEY,
    guild_id INTEGER NOT NULL,
    actor_id INTEGER,
    action   TEXT    NOT NULL
        CHECK (action IN ('added', 'updated', 'edited', 'removed', 'setting',
                          'trashed', 'restored', 'emptied_trash', 'daily_pick')),
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
