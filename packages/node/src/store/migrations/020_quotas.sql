-- Per-account daily quotas, counted and checked in the same statement that charges them (an
-- upsert guarded by the limit), so parallel requests cannot pass a limit together.
create table account_quotas (
  account text not null,
  day date not null,
  kind text not null check (kind in ('contribution', 'metadata')),
  count integer not null default 0,
  bytes bigint not null default 0,
  primary key (account, day, kind)
);
insert into account_quotas (account, day, kind, count, bytes)
  select contributor, (created_at at time zone 'utc')::date, 'contribution', count(*), sum(bytes)
  from contributions where created_at >= now() - interval '2 days' group by 1, 2;

-- Metadata documents: who stored one (an API key's account, or the owner of a signed create) and
-- when, so that unreferenced documents can be collected.
alter table datanet_metadata add column stored_by text;
alter table datanet_metadata add column created_at timestamptz not null default now();

-- The blob collector asks, per batch of blobs, which are still referenced.
create index contributions_by_content on contributions (content_hash);
create index datanet_versions_by_manifest on datanet_versions (manifest_hash);
