-- A mined transaction's block hash: a later check that the chain still has that block (a reorg or a
-- lost block) sends the same signed bytes again.
alter table outgoing_transactions add column block_hash text;
create index outgoing_transactions_recent on outgoing_transactions (block_number) where status = 'mined';
