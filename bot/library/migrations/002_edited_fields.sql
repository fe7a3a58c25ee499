-- Which metadata fields a moderator has edited (JSON list of field names, e.g. ["title"]).
-- Re-importing a longer version of a story updates it in place but keeps these fields.
ALTER TABLE stories ADD COLUMN edited_fields TEXT NOT NULL DEFAULT '[]';
