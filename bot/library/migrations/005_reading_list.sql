-- A reader's list of stories to read later (AO3's "Marked for Later") and the stories
-- they read to the end ("finished"). Both go with the story they name.
CREATE TABLE reading_list (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    story_id   INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    added_at   TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, story_id)
) WITHOUT ROWID;
CREATE INDEX reading_list_story ON reading_list (story_id);

CREATE TABLE finished_stories (
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    finished_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id, story_id)
) WITHOUT ROWID;
CREATE INDEX finished_stories_story ON finished_stories (story_id);
