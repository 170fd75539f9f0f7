/**
 * A node's registration as people read it (register and status print it).
 */
import type { NodeRegistration } from '@tributary/protocol';
import { formatUnits } from 'viem';
import type { Ui } from './ui.js';

/** Token base units as TRIB, with thousands separators. */
export const trib = (amount: bigint) =>
  `${Number(formatUnits(amount, 18)).toLocaleString('en-US', { maximumFractionDigits: 6 })} TRIB`;

/** A unix time as an ISO date and how far away it is. */
export function when(seconds: bigint, now = Date.now()): string {
  const ms = Number(seconds) * 1000;
  const minutes = Math.round((ms - now) / 60_000);
  const relative = minutes > 0 ? `in ${minutes} min` : 'now';
  return `${new Date(ms).toISOString()} (${relative})`;
}

export function printRegistration(ui: Ui, r: NodeRegistration): void {
  ui.heading(`Node ${r.operator}`);
  if (!r.registered) {
    ui.info(`  registered   ${ui.red('no')}`);
    return;
  }
  const active = r.active
    ? ui.green('active')
    : ui.red(`inactive: stake below the minimum ${trib(r.minStake)}`);
  ui.info(`  status       ${active}`);
  ui.info(`  stake        ${trib(r.stake)} (minimum ${trib(r.minStake)})`);
  ui.info(`  endpoint     ${r.endpoint}`);
  ui.info(`  signing key  ${r.signingKey}`);
  if (r.unstaking > 0n)
    ui.info(`  unstaking    ${trib(r.unstaking)}, withdrawable ${when(r.unstakeAvailableAt)}`);
  ui.info(`  own escrow   ${trib(r.ownEscrow)}`);
}
