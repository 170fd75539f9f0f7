-- Models as the chain says (projected from ModelRegistry events): enough for access checks now,
-- and the registry view later.
create table models (
  id numeric(78, 0) primary key,
  developer text not null,
  node text not null,
  status integer not null,
  metadata_hash text not null,
  pricing jsonb not null,
  split jsonb not null,
  version_count integer not null default 0,
  created_block bigint not null
);

create table model_versions (
  model_id numeric(78, 0) not null,
  version integer not null,
  artifact_hash text not null,
  config_hash text not null,
  datanets jsonb not null,
  block_number bigint not null,
  primary key (model_id, version)
);

create table model_licences (
  model_id numeric(78, 0) not null,
  datanet_id numeric(78, 0) not null,
  fee numeric(78, 0) not null,
  primary key (model_id, datanet_id)
);
create index model_licences_by_datanet on model_licences (datanet_id);
