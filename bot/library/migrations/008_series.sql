-- Series: the series a story declares ("Series: Dark Days", AO3 "Part 2 of Dark Days")
-- and its part in it (NULL when not declared). Stories of one series are linked by name
-- (NOCASE, like every other name); nothing to backfill: earlier stories declare none.
ALTER TABLE stories ADD COLUMN series TEXT;
ALTER TABLE stories ADD COLUMN series_part INTEGER;
CREATE INDEX stories_series ON stories (guild_id, series COLLATE NOCASE, series_part)
    WHERE series IS NOT NULL;
