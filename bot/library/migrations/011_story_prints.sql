-- Content fingerprints (issue 10 item 2): a re-upload under a changed title or author
-- spelling is found by its text. Each story keeps a bounded sample of its paragraph
-- fingerprints (bot/library/identity.py `text_prints`); an upload's are looked up here —
-- an index search by print, then the few stories sharing the most are compared by text.
CREATE TABLE story_prints (
    print    INTEGER NOT NULL,
    story_id INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    PRIMARY KEY (print, story_id)
) WITHOUT ROWID;
-- a story's prints, replaced when it is updated and deleted with it
CREATE INDEX story_prints_story ON story_prints (story_id);

-- Stories stored before this migration: their prints are computed in the background
-- (Library.fill_prints), a few at a time, and taken off this list as they are written.
CREATE TABLE story_prints_todo (story_id INTEGER PRIMARY KEY);
INSERT INTO story_prints_todo (story_id) SELECT id FROM stories;
