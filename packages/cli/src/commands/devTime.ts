/**
 * `tributary dev time +7d [--home DIR] [--json]`: moves the running local network's clock forward
 * (the chain of the `tributary dev` running on that home). Restarts keep the moved clock.
 */
import { resolve } from 'node:path';
import { advanceClock, parseDuration } from '../devClock.js';
import { readDevInfo } from '../devOwnership.js';

/** `tributary dev time <+duration>`: advances the running network's chain clock. */
export async function devTimeCommand(options: {
  duration: string | undefined;
  home?: string;
  json: boolean;
}) {
  const seconds = parseDuration(options.duration);
  const home = resolve(options.home ?? '.tributary');
  const { rpcUrl } = readDevInfo(home);
  const time = await advanceClock(rpcUrl, seconds);
  if (options.json) process.stdout.write(`${JSON.stringify({ advanced: seconds, chainTime: time })}\n`);
  else process.stdout.write(`chain time is now ${new Date(time * 1000).toISOString()} (+${seconds} s)\n`);
}
