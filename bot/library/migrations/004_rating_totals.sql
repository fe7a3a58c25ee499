-- Each story's rating count and sum, kept ready (top lists, sort-by-top and community
-- scores read them instead of aggregating every rating); each guild's too (the mean in
-- the Bayesian average). Triggers keep them in the rating's own transaction on every
-- rate, re-rate and removal (a removed story's ratings go with it), so they are exact
-- under any concurrency; this migration backfills them.
ALTER TABLE stories ADD COLUMN rating_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE stories ADD COLUMN rating_sum INTEGER NOT NULL DEFAULT 0;
UPDATE stories SET
    rating_count = (SELECT COUNT(*) FROM reader_ratings r WHERE r.story_id = stories.id),
    rating_sum = (SELECT COALESCE(SUM(stars), 0) FROM reader_ratings r WHERE r.story_id = stories.id);
CREATE INDEX stories_guild_rated ON stories (guild_id, rating_count) WHERE rating_count > 0;

CREATE TABLE guild_rating_totals (
    guild_id INTEGER PRIMARY KEY,
    n        INTEGER NOT NULL DEFAULT 0,
    total    INTEGER NOT NULL DEFAULT 0
);
INSERT INTO guild_rating_totals (guild_id, n, total)
    SELECT guild_id, COUNT(*), SUM(stars) FROM reader_ratings GROUP BY guild_id;

CREATE TRIGGER reader_ratings_totals_insert AFTER INSERT ON reader_ratings BEGIN
    UPDATE stories SET rating_count = rating_count + 1, rating_sum = rating_sum + new.stars
        WHERE id = new.story_id;
    INSERT INTO guild_rating_totals (guild_id, n, total) VALUES (new.guild_id, 1, new.stars)
        ON CONFLICT (guild_id) DO UPDATE SET n = n + 1, total = total + excluded.total;
END;
CREATE TRIGGER reader_ratings_totals_update AFTER UPDATE OF stars, story_id, guild_id
    ON reader_ratings BEGIN
    UPDATE stories SET rating_count = rating_count - 1, rating_sum = rating_sum - old.stars
        WHERE id = old.story_id;
    UPDATE stories SET rating_count = rating_count + 1, rating_sum = rating_sum + new.stars
        WHERE id = new.story_id;
    UPDATE guild_rating_totals SET n = n - 1, total = total - old.stars
        WHERE guild_id = old.guild_id;
    INSERT INTO guild_rating_totals (guild_id, n, total) VALUES (new.guild_id, 1, new.stars)
        ON CONFLICT (guild_id) DO UPDATE SET n = n + 1, total = total + excluded.total;
END;
CREATE TRIGGER reader_ratings_totals_delete AFTER DELETE ON reader_ratings BEGIN
    UPDATE stories SET rating_count = rating_count - 1, rating_sum = rating_sum - old.stars
        WHERE id = old.story_id;
    UPDATE guild_rating_totals SET n = n - 1, total = total - old.stars
        WHERE guild_id = old.guild_id;
END;
