-- Which destinations received a story, kept when the delivery log is
-- pruned, so a kill or a correction still reaches everyone who had it.
CREATE TABLE push_received (
	article_id     BIGINT NOT NULL,
	destination_id BIGINT NOT NULL REFERENCES push_destinations(id) ON DELETE CASCADE,
	PRIMARY KEY (article_id, destination_id)
);
CREATE INDEX push_received_destination ON push_received (destination_id);
INSERT INTO push_received (article_id, destination_id)
	SELECT DISTINCT article_id, destination_id FROM push_deliveries;
DROP INDEX push_deliveries_article;
-- Pruning walks the log from its oldest rows.
CREATE INDEX push_deliveries_created ON push_deliveries (created_at) WHERE status <> 'pending';
