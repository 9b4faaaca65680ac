-- The messages sent to Telegram lately, by every process on this database: Telegram's
-- limits (30 messages a second in all, one a second in a private chat, 20 a minute in a
-- group) are the bot's, not a process's, so replicas serving the webhook on PostgreSQL
-- count them together (storage/telegram_sends.py); one process alone (SQLite, or polling)
-- counts in memory and leaves this table empty. Moments are seconds of the database
-- server's clock, the one clock all replicas share. A row lives two minutes.
CREATE TABLE telegram_sends (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    left_at REAL NOT NULL,   -- when it was let go
    answered_at REAL         -- when Telegram answered; NULL while on its way
);
CREATE INDEX telegram_sends_answered ON telegram_sends (answered_at);
CREATE INDEX telegram_sends_chat ON telegram_sends (chat_id, answered_at);
