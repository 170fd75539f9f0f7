-- Datanets as the chain says (projected from events), and what only the node knows:
-- contributions, their review, versions being committed, and which version holds what.
create table datanets (
  id numeric(78, 0) primary key,
  owner text not null,
  metadata_hash text not null,
  policy jsonb not null,
  version_count integer not null default 0,
  created_block bigint not null,
  created_at timestamptz not null
);

create table datanet_curators (
  datanet_id numeric(78, 0) not null,
  account text not null,
  primary key (datanet_id, account)
);

create table banned_accounts (
  account text primary key,
  banned_at timestamptz not null
);

-- Off-chain metadata documents (name, description) by their sha256, as the creator uploaded them.
create table datanet_metadata (
  hash text primary key,
  document jsonb not null
);

create table contributions (
  id bigserial primary key,
  datanet_id numeric(78, 0) not null,
  contributor text not null,
  content_hash text not null,
  filename text not null,
  media_type text not null,
  bytes integer not null,
  characters integer not null,
  tokens integer not null,
  nonce numeric(78, 0) not null,
  signature text not null,
  status text not null check (status in ('pending', 'accepted', 'rejected', 'removed')),
  indexed boolean not null default false,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  decided_by text,
  removed_at timestamptz,
  removed_by text,
  removal_reason integer,
  unique (datanet_id, content_hash)
);
create index contributions_by_datanet on contributions (datanet_id, status, id);
create index contributions_by_contributor on contributions (contributor, created_at);

-- A contributor's signed nonces: a nonce is used once (replay protection).
create table contribution_nonces (
  contributor text not null,
  nonce numeric(78, 0) not null,
  primary key (contributor, nonce)
);

-- Versions: 'pending' while the node's commitVersion transaction is in flight, then 'committed'
-- (confirmed by the DatanetVersionCommitted event, which fills in block and author).
create table datanet_versions (
  datanet_id numeric(78, 0) not null,
  version integer not null,
  parent_version integer not null,
  manifest_root text not null,
  manifest_hash text not null,
  contribution_count integer not null,
  token_count bigint not null,
  status text not null check (status in ('pending', 'committed', 'failed')),
  author text,
  tx_purpose text,
  block_number bigint,
  committed_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (datanet_id, version)
);

create table version_contributions (
  datanet_id numeric(78, 0) not null,
  version integer not null,
  contribution_id bigint not null,
  primary key (datanet_id, version, contribution_id)
);
create index version_contributions_by_contribution on version_contributions (contribution_id);
