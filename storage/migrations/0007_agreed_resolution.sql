-- 0007: a change request's resolution time is agreed with the client (seed 001).
--
-- The moment agreed and when staff set it, on the ticket; every setting and change of it,
-- with who made it, in agreed_resolutions (the ticket's history of it).
ALTER TABLE tickets ADD COLUMN agreed_resolution_due TEXT;
ALTER TABLE tickets ADD COLUMN resolution_agreed_at TEXT;

CREATE TABLE agreed_resolutions (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    due         TEXT    NOT NULL,
    staff_tg_id INTEGER NOT NULL,
    at          TEXT    NOT NULL
);
CREATE INDEX agreed_resolutions_by_ticket ON agreed_resolutions (ticket_id);

-- Open change requests had a resolution time from the SLA table that nobody agreed to:
-- from now on it is to be agreed, so they keep no resolution due time (and no timers).
UPDATE tickets SET resolution_due = NULL, resolution_warning_at = NULL
    WHERE kind = 'request' AND request_type = 'change'
      AND status NOT IN ('closed', 'cancelled', 'resolved');
