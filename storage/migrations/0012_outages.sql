-- 0012: a mass outage is one incident (a parent ticket) with the tickets of the people it
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
