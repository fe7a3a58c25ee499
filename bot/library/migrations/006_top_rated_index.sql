-- Top lists and sort-by-top scan a guild's stories in Bayesian order (which depends on
-- the guild's mean, so no index can hold the order itself): make that scan read only
-- this index, never the table (see BENCHMARKS.md, "Store"). Not partial, so it serves
-- sort-by-top over every story as well as top lists over the rated ones.
DROP INDEX stories_guild_rated;
CREATE INDEX stories_guild_ranking
    ON stories (guild_id, rating_count, rating_sum, rating_level, title COLLATE NOCASE);
