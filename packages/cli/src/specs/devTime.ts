/** `tributary dev time`: what it accepts (it runs commands/devTime.ts). */
import { defineCommand } from '../command.js';

export const devTimeSpec = defineCommand({
  name: 'dev time',
  summary: "Move the running local network's clock forward (votes, timelocks, reward periods)",
  usage: 'dev time <+duration> [--home DIR]',
  description:
    'Talks to the `tributary dev` running on --home: mines a block at the new time. Restarts keep\n' +
    'the moved clock.',
  positionals: [{ name: '<+duration>', description: '+7d, +3h, +90m, +30s or seconds (w, d, h, m, s)' }],
  options: {
    home: { type: 'string', value: 'DIR', description: 'the running network’s home (default .tributary)' },
  },
  examples: [
    { comment: 'Past a vote of one day', command: 'tributary dev time +1d' },
    {
      comment: 'A network on another home, as JSON',
      command: 'tributary dev time +2m --home /tmp/net --json',
    },
  ],
  run: async ({ values, positionals, json }) => {
    const { devTimeCommand } = await import('../commands/devTime.js');
    await devTimeCommand({ duration: positionals[0], home: values.home, json });
  },
});
