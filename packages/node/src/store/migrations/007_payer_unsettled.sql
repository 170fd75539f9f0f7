-- A running total per payer of fees in epochs not yet settled on-chain, so pricing a call reads
-- one row instead of summing every unsettled receipt. Kept in the same transactions that write
-- receipts and settle or void epochs.
create table payer_unsettled (
  payer text primary key,
  amount numeric(78, 0) not null
);
insert into payer_unsettled (payer, amount)
  select r.payer, sum(r.fee) from receipts r join epochs e on e.epoch = r.epoch
  where e.status not in ('settled', 'claimable', 'voided') group by r.payer;
