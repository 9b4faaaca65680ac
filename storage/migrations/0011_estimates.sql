-- 0010: a task's estimate, approved by the client before the work (seed 003).
--
-- Every estimate staff put on a ticket, who was to decide on it, and the decision: who
-- made it and when (the monthly report shows the latest one of each ticket). The ticket
-- says whether one waits for the client: its resolution clock stands still meanwhile.
ALTER TABLE tickets ADD COLUMN awaiting_estimate INTEGER NOT NULL DEFAULT 0;

CREATE TABLE estimates (
    id                     INTEGER PRIMARY KEY,
    ticket_id              INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    minutes                INTEGER NOT NULL,
    amount                 INTEGER,
    billed_separately      INTEGER NOT NULL DEFAULT 0,
    staff_tg_id            INTEGER NOT NULL,
    at                     TEXT    NOT NULL,
    approver_employee_id   INTEGER NOT NULL REFERENCES employees (id),
    decision               TEXT,
    decided_by_employee_id INTEGER REFERENCES employees (id),
    decided_at             TEXT
);
CREATE INDEX estimates_by_ticket ON estimates (ticket_id);
