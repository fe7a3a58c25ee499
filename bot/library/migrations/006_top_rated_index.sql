-- Top lists scan every rated story of a guild (the Bayesian order depends on the guild's
-- mean, so no index can hold it): make that scan read only this index, not the table
-- (about 4x faster at 100,000 rated stories; see BENCHMARKS.md, "Store").
DROP INDEX stories_guild_rated;
CREATE INDEX stories_guild_rated
    ON stories (guild_id, rating_count, rating_sum, rating_level, title COLLATE NOCASE)
    WHERE rating_count > 0;
