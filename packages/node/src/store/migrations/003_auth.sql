-- API keys issued to wallets that proved ownership with an EIP-712 signature. Only the sha256 of
-- a key is stored; the key itself is shown once.
create table api_keys (
  key_hash text primary key,
  account text not null,
  label text not null,
  created_at timestamptz not null default now(),
  revoked_at timestamptz
);
create index api_keys_by_account on api_keys (account);

create table auth_nonces (
  account text not null,
  nonce numeric(78, 0) not null,
  primary key (account, nonce)
);
