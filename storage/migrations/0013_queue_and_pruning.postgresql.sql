-- 0013 on PostgreSQL: the same tables, columns and indexes as 0013_queue_and_pruning.sql
-- (tests/storage/test_migrations_postgresql.py compares them). Index expressions take
-- their own parentheses here, and the counts of open tickets are kept by a trigger
-- function instead of SQLite's trigger bodies.
CREATE INDEX tickets_queue ON tickets ((resolution_due IS NULL), resolution_due, id)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_queue_by_assignee
    ON tickets (assignee_tg_id, (resolution_due IS NULL), resolution_due, id)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_queue_by_client
    ON tickets (client_id, (resolution_due IS NULL), resolution_due, id)
    WHERE status NOT IN ('closed', 'cancelled');

CREATE TABLE open_tickets (
    priority TEXT    PRIMARY KEY,
    count    BIGINT  NOT NULL
);
INSERT INTO open_tickets (priority, count)
    SELECT priority, count(*) FROM tickets
    WHERE status NOT IN ('closed', 'cancelled') GROUP BY priority;

CREATE FUNCTION open_tickets_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status NOT IN ('closed', 'cancelled') THEN
        UPDATE open_tickets SET count = count - 1 WHERE priority = OLD.priority;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.status NOT IN ('closed', 'cancelled') THEN
        INSERT INTO open_tickets AS o (priority, count) VALUES (NEW.priority, 1)
            ON CONFLICT (priority) DO UPDATE SET count = o.count + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER open_tickets_added AFTER INSERT ON tickets FOR EACH ROW
    WHEN (NEW.status NOT IN ('closed', 'cancelled'))
    EXECUTE FUNCTION open_tickets_count();
CREATE TRIGGER open_tickets_changed AFTER UPDATE OF status, priority ON tickets FOR EACH ROW
    WHEN ((OLD.status NOT IN ('closed', 'cancelled')) <> (NEW.status NOT IN ('closed', 'cancelled'))
          OR OLD.priority <> NEW.priority)
    EXECUTE FUNCTION open_tickets_count();
CREATE TRIGGER open_tickets_deleted AFTER DELETE ON tickets FOR EACH ROW
    WHEN (OLD.status NOT IN ('closed', 'cancelled'))
    EXECUTE FUNCTION open_tickets_count();

DROP INDEX outbox_due;
CREATE INDEX outbox_pending_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_done_by_time ON outbox (created_at) WHERE status <> 'pending';

CREATE INDEX tickets_open_by_employee ON tickets (employee_id, client_id)
    WHERE status NOT IN ('closed', 'cancelled');
