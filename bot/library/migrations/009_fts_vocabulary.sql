-- The words of the full-text index (one row per distinct term, with how many stories hold
-- it), read by the search box to correct a typed word before it goes to FTS5.
CREATE VIRTUAL TABLE stories_fts_vocab USING fts5vocab (stories_fts, 'row');
