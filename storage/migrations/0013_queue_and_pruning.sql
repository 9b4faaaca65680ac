-- 0013: the staff queue at any size, the open tickets counted as they change, the outbox
-- read through its pending rows and pruned, an employee's open tickets indexed.
--
-- The staff queue (/queue, /mine) is filtered, counted, ordered and paged in SQL: each
-- view walks an index in the queue's order (due times first, nearest first, then the
-- tickets whose clock is stopped), so a page costs the same at any number of tickets.
CREATE INDEX tickets_queue ON tickets (resolution_due IS NULL, resolution_due, id)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_queue_by_assignee
    ON tickets (assignee_tg_id, resolution_due IS NULL, resolution_due, id)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_queue_by_client
    ON tickets (client_id, resolution_due IS NULL, resolution_due, id)
    WHERE status NOT IN ('closed', 'cancelled');

-- The open tickets by priority, kept up to date by the database itself: /metrics,
-- /healthz and the queue's header read a handful of rows instead of counting every open
-- ticket at each scrape.
CREATE TABLE open_tickets (
    priority TEXT    PRIMARY KEY,
    count    INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO open_tickets (priority, count)
    SELECT priority, count(*) FROM tickets
    WHERE status NOT IN ('closed', 'cancelled') GROUP BY priority;
CREATE TRIGGER open_tickets_added AFTER INSERT ON tickets
    WHEN NEW.status NOT IN ('closed', 'cancelled')
BEGIN
    INSERT INTO open_tickets (priority, count) VALUES (NEW.priority, 1)
        ON CONFLICT (priority) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER open_tickets_changed AFTER UPDATE OF status, priority ON tickets
    WHEN (OLD.status NOT IN ('closed', 'cancelled')) <> (NEW.status NOT IN ('closed', 'cancelled'))
      OR OLD.priority <> NEW.priority
BEGIN
    UPDATE open_tickets SET count = count - 1
        WHERE priority = OLD.priority AND OLD.status NOT IN ('closed', 'cancelled');
    INSERT INTO open_tickets (priority, count)
        SELECT NEW.priority, 1 WHERE NEW.status NOT IN ('closed', 'cancelled')
        ON CONFLICT (priority) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER open_tickets_deleted AFTER DELETE ON tickets
    WHEN OLD.status NOT IN ('closed', 'cancelled')
BEGIN
    UPDATE open_tickets SET count = count - 1 WHERE priority = OLD.priority;
END;

-- The outbox keeps delivered rows for OUTBOX_KEPT_DAYS, then they are deleted in small
-- batches (storage/pruning.py, oldest first along outbox_done_by_time). The queries of
-- delivery look at pending rows only, through indexes that hold nothing else: they stay
-- as small as the queue is, and SQLite's statistics (which count every row of the table
-- for a full index) can no longer make a scan of the whole table look cheaper.
DROP INDEX outbox_due;
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_done_by_time ON outbox (created_at) WHERE status <> 'pending';

-- An employee's open tickets (every message they write is routed among them), through an
-- index that holds only open tickets: the cost does not grow with their history.
CREATE INDEX tickets_open_by_employee ON tickets (employee_id, client_id)
    WHERE status NOT IN ('closed', 'cancelled');
