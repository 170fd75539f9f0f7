-- The event indexer: a cursor per indexer, recent block hashes (to detect reorgs) and every
-- protocol event, decoded. Rows and cursor are written in one transaction.
create table indexer_cursor (
  name text primary key,
  block_number bigint not null,
  block_hash text not null,
  updated_at timestamptz not null default now()
);

create table indexed_blocks (
  block_number bigint primary key,
  block_hash text not null,
  block_time timestamptz not null
);

create table chain_events (
  block_number bigint not null,
  log_index integer not null,
  block_hash text not null,
  tx_hash text not null,
  contract text not null,
  address text not null,
  event_name text not null,
  args jsonb not null,
  block_time timestamptz not null,
  primary key (block_number, log_index)
);
create index chain_events_name on chain_events (event_name, block_number);

-- Transactions the node sends: signed before broadcast and stored, so a restart rebroadcasts the
-- same signed bytes (same nonce) instead of sending twice. `purpose` is an idempotency key.
create table outgoing_transactions (
  purpose text primary key,
  sender text not null,
  nonce bigint not null,
  to_address text not null,
  data text not null,
  raw text not null,
  hash text not null,
  status text not null check (status in ('signed', 'mined', 'reverted', 'failed')),
  block_number bigint,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (sender, nonce)
);
create index outgoing_transactions_open on outgoing_transactions (status) where status = 'signed';
