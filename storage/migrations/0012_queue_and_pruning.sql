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
