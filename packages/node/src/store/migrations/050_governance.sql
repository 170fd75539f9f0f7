-- Governance as the chain says (projected from Governor, GovernanceRewards and ModelRegistry
-- events): proposals with their actions, votes, voter rewards paid, and community-governed models.
-- States are read from the governor when asked (they depend on the clock).
create table gov_proposals (
  id numeric(78, 0) primary key,
  proposer text not null,
  targets jsonb not null,
  vals jsonb not null,
  calldatas jsonb not null,
  description text not null,
  vote_start bigint not null,
  vote_end bigint not null,
  created_block bigint not null,
  created_at timestamptz not null,
  tx_hash text not null,
  eta bigint,
  queued_at timestamptz,
  executed_at timestamptz,
  canceled_at timestamptz
);
create index gov_proposals_by_block on gov_proposals (created_block);

create table gov_votes (
  proposal_id numeric(78, 0) not null,
  voter text not null,
  support smallint not null,
  weight numeric(78, 0) not null,
  reason text not null,
  block_number bigint not null,
  voted_at timestamptz not null,
  tx_hash text not null,
  primary key (proposal_id, voter)
);
create index gov_votes_by_voter on gov_votes (voter);

create table gov_voter_rewards (
  period numeric(78, 0) not null,
  voter text not null,
  proposal_id numeric(78, 0) not null,
  weight numeric(78, 0) not null,
  amount numeric(78, 0) not null,
  block_number bigint not null,
  paid_at timestamptz not null,
  primary key (period, voter)
);

create table model_community (
  model_id numeric(78, 0) primary key,
  offered boolean not null,
  adopted boolean not null,
  bounds jsonb not null
);

-- Protocol fees swept from the reward distributor to the treasury (the keeper's work, or anyone's).
create table protocol_fee_sweeps (
  block_number bigint not null,
  log_index integer not null,
  treasury text not null,
  amount numeric(78, 0) not null,
  swept_at timestamptz not null,
  primary key (block_number, log_index)
);
