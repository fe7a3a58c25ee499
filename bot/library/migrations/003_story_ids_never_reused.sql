-- Story ids are never reused: buttons and links carry a story's id, so an id freed by a
-- removal must not name a later story. SQLite's rowid picks MAX(id) + 1, which reuses the
-- id of a removed newest story; the store inserts MAX(MAX(id), high) + 1 instead, where
-- `high` is the largest id ever removed (kept by the trigger; backfilled from the audit
-- log, which names every story ever added or removed).
CREATE TABLE story_id_high_water (
    one  INTEGER PRIMARY KEY CHECK (one = 1),
    high INTEGER NOT NULL
);
INSERT INTO story_id_high_water (one, high) VALUES (
    1,
    MAX(
        COALESCE((SELECT MAX(id) FROM stories), 0),
        COALESCE((SELECT MAX(story_id) FROM audit_log), 0)
    )
);
CREATE TRIGGER stories_id_high_water AFTER DELETE ON stories BEGIN
    UPDATE story_id_high_water SET high = MAX(high, old.id) WHERE one = 1;
END;
