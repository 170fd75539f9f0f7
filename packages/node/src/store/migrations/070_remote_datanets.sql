-- Datanet versions hosted by other nodes, copied from their public manifest and snapshot after
-- checking them against the manifest hash and root on-chain, so this node can build models from
-- them (and publish the same snapshot). Texts go to the blob store by their sha256.
create table remote_versions (
  datanet_id numeric(78, 0) not null,
  version integer not null,
  host text not null,
  endpoint text not null,
  fetched_at timestamptz not null default now(),
  primary key (datanet_id, version)
);

create table remote_version_items (
  datanet_id numeric(78, 0) not null,
  version integer not null,
  contribution_id bigint not null,
  contributor text not null,
  -- sha256 hex without 0x, as contributions.content_hash.
  content_hash text not null,
  bytes integer not null,
  tokens integer not null,
  removed_at timestamptz,
  primary key (datanet_id, version, contribution_id)
);
create index remote_version_items_by_contribution on remote_version_items (datanet_id, contribution_id);
