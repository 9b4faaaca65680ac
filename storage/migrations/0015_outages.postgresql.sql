-- 0015 on PostgreSQL: the same tables, columns and indexes as 0015_outages.sql
-- (tests/storage/test_migrations_postgresql.py compares them); the counts of open tickets
-- leave out the children of a mass outage, through the trigger function of 0013.
ALTER TABLE tickets ADD COLUMN outage BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN parent_id BIGINT REFERENCES tickets (id);
CREATE INDEX tickets_by_parent ON tickets (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE outage_proposals (
    id          BIGSERIAL PRIMARY KEY,
    client_id   BIGINT  NOT NULL REFERENCES clients (id),
    category    TEXT    NOT NULL,
    ticket_ids  TEXT    NOT NULL,
    proposed_at TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'open',
    parent_id   BIGINT  REFERENCES tickets (id),
    edits       BIGINT  NOT NULL DEFAULT 0
);
CREATE INDEX outage_proposals_by_client ON outage_proposals (client_id, state);

DROP TRIGGER open_tickets_added ON tickets;
DROP TRIGGER open_tickets_changed ON tickets;
DROP TRIGGER open_tickets_deleted ON tickets;
CREATE OR REPLACE FUNCTION open_tickets_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
       AND OLD.status NOT IN ('closed', 'cancelled') AND OLD.parent_id IS NULL THEN
        UPDATE open_tickets SET count = count - 1 WHERE priority = OLD.priority;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE')
       AND NEW.status NOT IN ('closed', 'cancelled') AND NEW.parent_id IS NULL THEN
        INSERT INTO open_tickets AS o (priority, count) VALUES (NEW.priority, 1)
            ON CONFLICT (priority) DO UPDATE SET count = o.count + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER open_tickets_added AFTER INSERT ON tickets FOR EACH ROW
    WHEN (NEW.status NOT IN ('closed', 'cancelled') AND NEW.parent_id IS NULL)
    EXECUTE FUNCTION open_tickets_count();
CREATE TRIGGER open_tickets_changed AFTER UPDATE OF status, priority, parent_id ON tickets
    FOR EACH ROW
    WHEN ((OLD.status NOT IN ('closed', 'cancelled') AND OLD.parent_id IS NULL)
          <> (NEW.status NOT IN ('closed', 'cancelled') AND NEW.parent_id IS NULL)
          OR OLD.priority <> NEW.priority)
    EXECUTE FUNCTION open_tickets_count();
CREATE TRIGGER open_tickets_deleted AFTER DELETE ON tickets FOR EACH ROW
    WHEN (OLD.status NOT IN ('closed', 'cancelled') AND OLD.parent_id IS NULL)
    EXECUTE FUNCTION open_tickets_count();
DELETE FROM open_tickets;
INSERT INTO open_tickets (priority, count)
    SELECT priority, count(*) FROM tickets
    WHERE status NOT IN ('closed', 'cancelled') AND parent_id IS NULL GROUP BY priority;
