-- 0006: urgent outbox rows (SLA warnings and breaches, pages) go ahead of the rest.
--
-- A chat's queue is then its urgent rows in order, then its ordinary rows in order: the
-- head of a chat is its oldest pending urgent row if it has one, else its oldest pending
-- row; across chats, urgent heads are claimed first.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;  -- 1: urgent
DROP INDEX outbox_pending_by_chat;
CREATE INDEX outbox_pending_by_chat ON outbox (chat_id, priority DESC, id)
    WHERE status = 'pending';
