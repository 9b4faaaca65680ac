-- 0012: the bot in a client's own group chat.
--
-- A group bound to a client by a one-time code (`frontdesk admin client group`); a binding
-- stays on record when the bot is removed (inactive), and moves with the group when it
-- becomes a supergroup (a new chat id). A request opened in the group remembers the
-- group and the author's message, so its news is told there as a reply to it. Members
-- registered by writing in the group are told privately only once they have started the
-- bot (Telegram lets no bot write first).
CREATE TABLE group_codes (
    code             TEXT    PRIMARY KEY,
    client_id        INTEGER NOT NULL REFERENCES clients (id),
    expires_at       TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    used_at          TEXT,
    used_in_chat_id  INTEGER
);

CREATE TABLE client_groups (
    chat_id         INTEGER PRIMARY KEY,
    client_id       INTEGER NOT NULL REFERENCES clients (id),
    title           TEXT    NOT NULL DEFAULT '',
    bound_by_tg_id  INTEGER NOT NULL,
    bound_at        TEXT    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX client_groups_by_client ON client_groups (client_id);

CREATE TABLE group_tickets (
    ticket_id   INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL,
    message_id  INTEGER NOT NULL
);
CREATE INDEX group_tickets_by_chat ON group_tickets (chat_id);

CREATE TABLE group_members (
    employee_id         INTEGER PRIMARY KEY REFERENCES employees (id),
    tg_id               INTEGER NOT NULL UNIQUE,
    chat_id             INTEGER NOT NULL,
    joined_at           TEXT    NOT NULL,
    started_private_at  TEXT
);
