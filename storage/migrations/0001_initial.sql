-- 0001: the first schema of the front desk.
--
-- Conventions (storage/codec.py): moments are UTC text of fixed width
-- 'YYYY-MM-DDTHH:MM:SS.ffffffZ', so text order is time order; booleans are 0/1; enums are
-- their string values. The migration runner wraps each file in its own transaction and
-- sets PRAGMA user_version: no BEGIN/COMMIT here.

CREATE TABLE clients (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL,
    tier                 TEXT    NOT NULL,
    timezone             TEXT    NOT NULL,
    opens                TEXT    NOT NULL,  -- local wall clock, 'HH:MM'
    closes               TEXT    NOT NULL,
    weekdays             TEXT    NOT NULL,  -- '0,1,2,3,4', Monday = 0
    country              TEXT,
    round_the_clock      INTEGER NOT NULL DEFAULT 0 CHECK (round_the_clock IN (0, 1)),
    manager_tg_id        INTEGER,
    custom_sla           TEXT,              -- JSON {priority: [reaction_s, resolution_s]}
    warning_fraction     REAL    NOT NULL,
    plan_monthly_fee     INTEGER,
    plan_hours_included  REAL,
    plan_extra_hour_rate INTEGER,
    plan_reserve_cap     REAL,
    created_at           TEXT    NOT NULL,
    -- A plan is all four numbers or none of them.
    CHECK ((plan_monthly_fee IS NULL) = (plan_hours_included IS NULL)
       AND (plan_monthly_fee IS NULL) = (plan_extra_hour_rate IS NULL)
       AND (plan_monthly_fee IS NULL) = (plan_reserve_cap IS NULL))
);
CREATE INDEX clients_by_manager ON clients (manager_tg_id) WHERE manager_tg_id IS NOT NULL;

CREATE TABLE employees (
    id         INTEGER PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients (id),
    tg_id      INTEGER NOT NULL UNIQUE,
    name       TEXT    NOT NULL,
    role       TEXT    NOT NULL,
    phone      TEXT,
    locale     TEXT,
    username   TEXT,
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at TEXT    NOT NULL
);
CREATE INDEX employees_by_client ON employees (client_id);

CREATE TABLE staff (
    tg_id                 INTEGER PRIMARY KEY,
    name                  TEXT    NOT NULL,
    role                  TEXT    NOT NULL,
    locale                TEXT,
    notify_all_priorities INTEGER NOT NULL DEFAULT 1 CHECK (notify_all_priorities IN (0, 1)),
    active                INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at            TEXT    NOT NULL
);

CREATE TABLE invites (
    code       TEXT    PRIMARY KEY,
    client_id  INTEGER NOT NULL REFERENCES clients (id),
    role       TEXT    NOT NULL,
    max_uses   INTEGER NOT NULL,
    used       INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT,
    revoked    INTEGER NOT NULL DEFAULT 0 CHECK (revoked IN (0, 1)),
    created_at TEXT    NOT NULL
);
CREATE INDEX invites_by_client ON invites (client_id);

-- id is the ticket number people see: AUTOINCREMENT so a number is never given twice.
CREATE TABLE tickets (
    id                    INTEGER PRIMARY KEY AUTOINCREMENT,
    client_id             INTEGER NOT NULL REFERENCES clients (id),
    employee_id           INTEGER NOT NULL REFERENCES employees (id),
    kind                  TEXT    NOT NULL,
    category              TEXT    NOT NULL,
    priority              TEXT    NOT NULL,
    title                 TEXT    NOT NULL,
    description           TEXT    NOT NULL,
    request_type          TEXT,
    impact                TEXT,
    scope                 TEXT,
    status                TEXT    NOT NULL,
    assignee_tg_id        INTEGER,
    registered_at         TEXT    NOT NULL,
    first_response_at     TEXT,
    resolved_at           TEXT,
    closed_at             TEXT,
    after_hours           INTEGER NOT NULL DEFAULT 0 CHECK (after_hours IN (0, 1)),
    emergency             INTEGER NOT NULL DEFAULT 0 CHECK (emergency IN (0, 1)),
    reaction_due          TEXT,
    reaction_warning_at   TEXT,
    resolution_due        TEXT,
    resolution_warning_at TEXT,
    updated_at            TEXT    NOT NULL,
    -- Set by the intake: a second "send" of the same draft finds the ticket already there.
    intake_key            TEXT    UNIQUE
);
-- Open tickets by their next SLA due time (timers, the staff queue). The WHERE clause must
-- stay word for word what storage/repositories.py writes, or SQLite will not use them.
CREATE INDEX tickets_open_by_reaction_due ON tickets (reaction_due)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_open_by_resolution_due ON tickets (resolution_due)
    WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_open ON tickets (id) WHERE status NOT IN ('closed', 'cancelled');
CREATE INDEX tickets_by_client ON tickets (client_id, status);
CREATE INDEX tickets_by_employee ON tickets (employee_id, status);
CREATE INDEX tickets_by_assignee ON tickets (assignee_tg_id, status)
    WHERE assignee_tg_id IS NOT NULL;

-- Ticket.pauses in list order (seq).
CREATE TABLE ticket_pauses (
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    started_at TEXT    NOT NULL,
    ended_at   TEXT,
    PRIMARY KEY (ticket_id, seq)
) WITHOUT ROWID;

CREATE TABLE ticket_messages (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author       TEXT    NOT NULL,
    author_tg_id INTEGER,
    text         TEXT    NOT NULL,
    internal     INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    created_at   TEXT    NOT NULL
);
CREATE INDEX ticket_messages_by_ticket ON ticket_messages (ticket_id, id);

CREATE TABLE attachments (
    message_id     INTEGER NOT NULL REFERENCES ticket_messages (id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL,
    kind           TEXT    NOT NULL,
    file_id        TEXT    NOT NULL,
    file_unique_id TEXT,
    file_name      TEXT,
    mime_type      TEXT,
    PRIMARY KEY (message_id, seq)
) WITHOUT ROWID;

CREATE TABLE priority_changes (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    old_priority TEXT    NOT NULL,
    new_priority TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    staff_tg_id  INTEGER NOT NULL,
    at           TEXT    NOT NULL
);
CREATE INDEX priority_changes_by_ticket ON priority_changes (ticket_id);

CREATE TABLE work_logs (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    staff_tg_id INTEGER NOT NULL,
    minutes     INTEGER NOT NULL,
    at          TEXT    NOT NULL,
    note        TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX work_logs_by_ticket ON work_logs (ticket_id);
CREATE INDEX work_logs_by_staff ON work_logs (staff_tg_id, at);

CREATE TABLE ratings (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    score     INTEGER NOT NULL,
    comment   TEXT    NOT NULL DEFAULT '',
    at        TEXT    NOT NULL
);

-- What must be told to somebody else, written in the transaction that caused it and
-- delivered by the worker in id order per chat.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id         INTEGER NOT NULL,
    method          TEXT    NOT NULL,
    payload         TEXT    NOT NULL,  -- JSON object of Bot API parameters
    dedup_key       TEXT    UNIQUE,
    ticket_id       INTEGER REFERENCES tickets (id) ON DELETE SET NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    sent_at         TEXT,
    sent_message_id INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
-- The head of each chat's queue: the oldest pending row of a chat.
CREATE INDEX outbox_pending_by_chat ON outbox (chat_id, id) WHERE status = 'pending';

-- Where a ticket's card (or forum topic) lives in the staff chat.
CREATE TABLE ticket_posts (
    ticket_id  INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    chat_id    INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    thread_id  INTEGER,
    UNIQUE (chat_id, message_id)
);
CREATE INDEX ticket_posts_by_thread ON ticket_posts (chat_id, thread_id)
    WHERE thread_id IS NOT NULL;

-- Each SLA warning or breach of a ticket is recorded, and so notified, once.
CREATE TABLE sla_events (
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    milestone       TEXT    NOT NULL,
    due_at          TEXT    NOT NULL,
    recorded_at     TEXT    NOT NULL,
    overdue_seconds INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (ticket_id, milestone)
) WITHOUT ROWID;
CREATE INDEX sla_events_by_time ON sla_events (recorded_at);

-- Telegram update ids already handled, so a redelivered update is dropped.
CREATE TABLE processed_updates (
    update_id    INTEGER PRIMARY KEY,
    processed_at TEXT    NOT NULL
);
CREATE INDEX processed_updates_by_time ON processed_updates (processed_at);

-- aiogram FSM: conversation state and data per StorageKey (storage/fsm.py).
CREATE TABLE fsm (
    key                    TEXT    PRIMARY KEY,
    bot_id                 INTEGER NOT NULL,
    chat_id                INTEGER NOT NULL,
    user_id                INTEGER NOT NULL,
    thread_id              INTEGER,
    business_connection_id TEXT,
    destiny                TEXT    NOT NULL,
    state                  TEXT,
    data                   TEXT    NOT NULL DEFAULT '{}',  -- JSON object
    updated_at             TEXT    NOT NULL
);
CREATE INDEX fsm_by_updated_at ON fsm (updated_at);
