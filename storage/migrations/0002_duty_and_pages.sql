-- 0002: the duty rota, durable pages, and indexes the SLA timers read by.
--
-- Conventions as in 0001 (storage/codec.py): UTC moments as fixed-width text, booleans 0/1.

-- Who is the on-duty engineer: one-off shifts (starts_at/ends_at, UTC) and weekly patterns
-- (weekdays the shifts start on, local 'HH:MM' times in a time zone; a shift ending at or
-- before its start ends the next day). Exactly one of the two shapes per row.
CREATE TABLE duty_rota (
    id          INTEGER PRIMARY KEY,
    staff_tg_id INTEGER NOT NULL REFERENCES staff (tg_id),
    starts_at   TEXT,
    ends_at     TEXT,
    weekdays    TEXT,              -- '0,1,2,3,4', Monday = 0
    starts      TEXT,
    ends        TEXT,
    timezone    TEXT,
    created_at  TEXT    NOT NULL,
    CHECK ((starts_at IS NULL) = (ends_at IS NULL)
       AND (weekdays IS NULL) = (starts IS NULL)
       AND (weekdays IS NULL) = (ends IS NULL)
       AND (weekdays IS NULL) = (timezone IS NULL)
       AND (starts_at IS NULL) <> (weekdays IS NULL)),
    CHECK (starts_at IS NULL OR starts_at < ends_at)
);
CREATE INDEX duty_rota_by_end ON duty_rota (ends_at);

-- A page: one person alerted about one ticket, sent (again) at next_at until somebody
-- acknowledges it; next_at is NULL once it is over. Level 0 is the on-duty engineer (and
-- the personal manager), 1 the leads, 2 the admins.
CREATE TABLE pages (
    id              INTEGER PRIMARY KEY,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    target_tg_id    INTEGER NOT NULL,
    reason          TEXT    NOT NULL,  -- emergency, round_the_clock
    level           INTEGER NOT NULL DEFAULT 0,
    attempt         INTEGER NOT NULL DEFAULT 0,
    next_at         TEXT,
    created_at      TEXT    NOT NULL,
    acknowledged_by INTEGER,
    acknowledged_at TEXT,
    UNIQUE (ticket_id, level, target_tg_id)
);
CREATE INDEX pages_pending ON pages (next_at) WHERE next_at IS NOT NULL;
CREATE INDEX pages_by_ticket ON pages (ticket_id);

-- The timers look for open tickets by every due time (0001 indexed reaction_due and
-- resolution_due); the WHERE clause must stay word for word what repositories.py writes.
CREATE INDEX tickets_open_by_reaction_warning ON tickets (reaction_warning_at)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_open_by_resolution_warning ON tickets (resolution_warning_at)
    WHERE status NOT IN ('closed', 'cancelled');
-- Resolved tickets waiting for the employee's word (the auto-close sweep).
CREATE INDEX tickets_resolved ON tickets (resolved_at) WHERE status = 'resolved';
