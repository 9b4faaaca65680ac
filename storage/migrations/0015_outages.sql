-- 0015: a mass outage is one incident (a parent ticket) with the tickets of the people it
-- stopped as its children.
--
-- A parent is a ticket of its own (`outage` = 1): one card in the staff chat, and what staff
-- do on it reaches every child. A child keeps its own status and SLA record. A proposal is
-- the staff chat's "looks like a mass outage, link them?", one per cluster of tickets.
ALTER TABLE tickets ADD COLUMN outage INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN parent_id INTEGER REFERENCES tickets (id);
CREATE INDEX tickets_by_parent ON tickets (parent_id) WHERE parent_id IS NOT NULL;

CREATE TABLE outage_proposals (
    id          INTEGER PRIMARY KEY,
    client_id   INTEGER NOT NULL REFERENCES clients (id),
    category    TEXT    NOT NULL,
    ticket_ids  TEXT    NOT NULL,  -- JSON list of the tickets proposed, in order
    proposed_at TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'open',  -- open, linked, dismissed
    parent_id   INTEGER REFERENCES tickets (id),
    edits       INTEGER NOT NULL DEFAULT 0  -- how many times its message was edited
);
CREATE INDEX outage_proposals_by_client ON outage_proposals (client_id, state);

-- The open tickets kept by priority (0013) count what staff work on: a mass outage stands
-- for its children, as in the queue, so a child linked under it no longer counts apart.
DROP TRIGGER open_tickets_added;
DROP TRIGGER open_tickets_changed;
DROP TRIGGER open_tickets_deleted;
CREATE TRIGGER open_tickets_added AFTER INSERT ON tickets
    WHEN NEW.status NOT IN ('closed', 'cancelled') AND NEW.parent_id IS NULL
BEGIN
    INSERT INTO open_tickets (priority, count) VALUES (NEW.priority, 1)
        ON CONFLICT (priority) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER open_tickets_changed AFTER UPDATE OF status, priority, parent_id ON tickets
    WHEN (OLD.status NOT IN ('closed', 'cancelled') AND OLD.parent_id IS NULL)
         <> (NEW.status NOT IN ('closed', 'cancelled') AND NEW.parent_id IS NULL)
      OR OLD.priority <> NEW.priority
BEGIN
    UPDATE open_tickets SET count = count - 1
        WHERE priority = OLD.priority
          AND OLD.status NOT IN ('closed', 'cancelled') AND OLD.parent_id IS NULL;
    INSERT INTO open_tickets (priority, count)
        SELECT NEW.priority, 1
        WHERE NEW.status NOT IN ('closed', 'cancelled') AND NEW.parent_id IS NULL
        ON CONFLICT (priority) DO UPDATE SET count = count + 1;
END;
CREATE TRIGGER open_tickets_deleted AFTER DELETE ON tickets
    WHEN OLD.status NOT IN ('closed', 'cancelled') AND OLD.parent_id IS NULL
BEGIN
    UPDATE open_tickets SET count = count - 1 WHERE priority = OLD.priority;
END;
DELETE FROM open_tickets;
INSERT INTO open_tickets (priority, count)
    SELECT priority, count(*) FROM tickets
    WHERE status NOT IN ('closed', 'cancelled') AND parent_id IS NULL GROUP BY priority;
