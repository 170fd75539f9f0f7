-- What a node serves for a model version once contributions of its datanet versions are taken down:
-- the artifact rebuilt from the same configuration without them ("derived"), named by the takedown
-- set it excludes. Its hash is recorded so that a later rebuild (after tampering) must match it.
create table served_artifacts (
  artifact_hash text not null,
  takedown_root text not null,
  takedowns jsonb not null,
  served_hash text not null,
  index_root text not null,
  created_at timestamptz not null default now(),
  primary key (artifact_hash, takedown_root)
);

-- A registered artifact's file list (path, sha256, bytes): hashes to the on-chain artifact hash and
-- is published, so anyone can bind model.json to it without the (possibly licensed) files.
create table artifact_files (
  artifact_hash text primary key,
  files jsonb not null
);

-- Per contribution: a secret salt key and the root of its salted token Merkle tree (committed in
-- version manifests), so that a span can be proven to lie in it without revealing anything else.
create table contribution_token_trees (
  contribution_id bigint primary key,
  salt_key text not null,
  token_root text not null,
  token_count integer not null
);

-- Where each contribution a receipt cites shares a token run with the answer, found when the call
-- was served; `proofs` are kept once the contribution's content is taken down.
create table receipt_evidence (
  receipt_id text not null,
  contribution_id numeric(78, 0) not null,
  output_start integer not null,
  length integer not null,
  doc_offset integer not null,
  proof jsonb,
  primary key (receipt_id, contribution_id)
);
create index receipt_evidence_by_contribution on receipt_evidence (contribution_id);
