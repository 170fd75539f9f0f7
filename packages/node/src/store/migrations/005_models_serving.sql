-- Serving models: build jobs and their artifacts, epochs (receipts are grouped into them for
-- settlement), receipts and their attribution, and reservations that keep concurrent calls from
-- overdrawing a payer.
create table model_builds (
  id text primary key,
  developer text not null,
  name text not null,
  kind text not null,
  params jsonb not null,
  datanets jsonb not null,
  status text not null check (status in ('queued', 'running', 'built', 'failed')),
  documents_total integer,
  documents_done integer not null default 0,
  artifact_hash text,
  config_hash text,
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- One row per epoch of this node; the newest 'open' one receives receipts.
create table epochs (
  epoch bigint primary key,
  status text not null check (status in ('open', 'closed', 'built', 'submitted', 'settled', 'claimable', 'voided')),
  -- Sum and number of the epoch's receipts so far: each receipt's protocol share is cumulative.
  fee_total numeric(78, 0) not null default 0,
  receipt_count integer not null default 0,
  opened_at timestamptz not null default now(),
  closed_at timestamptz
);
insert into epochs (epoch, status) values (1, 'open');

create table receipts (
  id text primary key,
  receipt_hash text not null unique,
  epoch bigint not null references epochs (epoch),
  payer text not null,
  model_id numeric(78, 0) not null,
  model_version integer not null,
  fee numeric(78, 0) not null,
  input_tokens integer not null,
  output_tokens integer not null,
  receipt jsonb not null,
  signature text not null,
  created_at timestamptz not null default now()
);
create index receipts_by_payer on receipts (payer, created_at);
create index receipts_by_model on receipts (model_id, created_at);
create index receipts_by_epoch on receipts (epoch);

create table receipt_contributions (
  receipt_id text not null references receipts (id),
  contribution_id numeric(78, 0) not null,
  contributor text not null,
  datanet_id numeric(78, 0) not null,
  ppm integer not null,
  amount numeric(78, 0) not null,
  primary key (receipt_id, contribution_id)
);
create index receipt_contributions_by_contributor on receipt_contributions (contributor);

create table reservations (
  id text primary key,
  payer text not null,
  amount numeric(78, 0) not null,
  created_at timestamptz not null default now()
);
create index reservations_by_payer on reservations (payer);

-- Escrow as the chain says (projected from PaymentEscrow events) for this node's payers.
create table escrow_balances (
  payer text primary key,
  balance numeric(78, 0) not null
);
create table escrow_authorizations (
  payer text not null,
  node text not null,
  remaining numeric(78, 0) not null,
  expiry bigint not null,
  primary key (payer, node)
);
