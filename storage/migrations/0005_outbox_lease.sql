-- 0005: an outbox row being sent is marked as leased.
--
-- Claiming a row moves its next_attempt_at past the lease, as a retry's backoff does; the
-- mark tells the two apart. Only one bot process runs on a database (the start-up holds
-- the database lock), so at start every row still leased was in flight when its process
-- died: it is due again at once rather than after its lease.
ALTER TABLE outbox ADD COLUMN leased_until TEXT;
