-- Why each answer ended: 'stop' and 'length' as OpenAI reports them, or 'cancelled' when the
-- client went away first and the receipt charges only the text that had left the node.
alter table receipts add column finish_reason text;
