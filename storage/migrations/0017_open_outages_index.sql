-- 0017: a client's open mass outages are found through an index of the outages alone.
--
-- Every message an employee writes looks for an open outage of their company (to offer to
-- join it), and every registration too: without this index that read every ticket of the
-- client, 50 ms and more after a year of tickets. Outages are few: the index stays small.
CREATE INDEX tickets_outages_by_client ON tickets (client_id, id) WHERE outage = 1;
