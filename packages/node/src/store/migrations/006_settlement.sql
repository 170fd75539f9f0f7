-- Settlement: what each closed epoch settles on-chain (header, debit pages, the published data
-- blob) and the cumulative credits after it; plus the distributor's state as the chain says.
alter table epochs add column protocol_fee_bps integer;

create table epoch_settlements (
  epoch bigint primary key references epochs (epoch),
  header jsonb not null,
  pages jsonb not null,
  data_hash text not null,
  credits_root text not null,
  pages_sent integer not null default 0,
  created_at timestamptz not null default now()
);

create table epoch_credits (
  epoch bigint not null,
  account text not null,
  cumulative numeric(78, 0) not null,
  amount numeric(78, 0) not null,
  primary key (epoch, account)
);

-- RewardDistributor as the chain says, for every node (projected from its events).
create table chain_epochs (
  node text not null,
  epoch bigint not null,
  status text not null,
  credits_root text,
  receipts_root text,
  total_fee numeric(78, 0),
  claimable_at bigint,
  primary key (node, epoch)
);

create table reward_claims (
  node text not null,
  account text not null,
  claimed numeric(78, 0) not null,
  primary key (node, account)
);
