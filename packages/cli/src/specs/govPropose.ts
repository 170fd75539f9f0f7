/** `tributary gov propose`: a proposal from a template and its flags (runs commands/gov.ts). */
import { defineCommand } from '../command.js';
import { govOptions } from './options.js';

const TEMPLATES = `Templates and their flags (amounts in TRIB, shares in basis points):
  delist-model | relist-model          --model ID|NAME [--reason TEXT]
  ban-contributor | unban-contributor  --account 0x…
  set-parameter                        --parameter NAME --value V (TRIB, seconds or bps)
  treasury-grant                       --to 0x… --amount TRIB  (or --datanet ID: its contributors, by tokens)
  fund-voter-rewards                   --amount TRIB
  move-model                           --model ID --build BUILD_ID
                                       (or --artifact 0x… --config 0x… --datanet D:V …) [--max-licence-fees TRIB]
  set-model-split                      --model ID --split COMPUTE/DEVELOPER/DATA
  adopt-model | release-model          --model ID
  slash-node                           --operator 0x… --amount TRIB --to 0x… [--reason TEXT]
  resolve-challenge                    --operator 0x… --epoch N [--upheld] [--reason TEXT]
Or --file templates.json: an array of templates as JSON.`;

export const govProposeSpec = defineCommand({
  name: 'gov propose',
  summary: 'File a proposal from a template (or a JSON file of templates)',
  usage: 'gov propose <template> [flags] --title T [--body B] --key 0x…|0-9 [--node URL]',
  description: TEMPLATES,
  positionals: [{ name: '<template>', description: 'one of the templates below' }],
  options: {
    title: { type: 'string', value: 'T', description: 'the first line voters see', required: true },
    body: { type: 'string', value: 'B', description: 'the rest of the description' },
    file: { type: 'string', value: 'FILE', description: 'templates as JSON instead of a template and flags' },
    model: {
      type: 'string',
      value: 'ID|NAME',
      description: 'the model (id, or the name it is served under)',
    },
    reason: { type: 'string', value: 'TEXT', description: 'why (recorded on-chain)' },
    account: { type: 'string', value: '0x…', description: 'the contributor to ban or unban' },
    parameter: { type: 'string', value: 'NAME', description: 'the protocol parameter to set' },
    value: { type: 'string', value: 'V', description: "its new value, in the parameter's unit" },
    to: { type: 'string', value: '0x…', description: 'who receives a grant or a slashed stake' },
    amount: { type: 'string', value: 'TRIB', description: 'an amount of TRIB' },
    datanet: {
      type: 'string',
      value: 'ID|D:V',
      description: 'a datanet (a grant to its contributors) or datanet:version (move-model)',
      multiple: true,
    },
    build: { type: 'string', value: 'BUILD_ID', description: 'a finished build the model moves to' },
    artifact: { type: 'string', value: '0x…', description: "the new artifact's hash (move-model)" },
    config: { type: 'string', value: '0x…', description: "the new config's hash (move-model)" },
    'max-licence-fees': { type: 'string', value: 'TRIB', description: 'the licence fees a move may pay' },
    split: { type: 'string', value: 'C/D/D', description: 'compute/developer/data shares in bps' },
    operator: {
      type: 'string',
      value: '0x…',
      description: 'the node operator (slash-node, resolve-challenge)',
    },
    epoch: { type: 'string', value: 'N', description: 'the challenged epoch' },
    upheld: { type: 'boolean', description: 'the challenge is upheld (resolve-challenge)' },
    ...govOptions,
  },
  rawArgs: true,
  examples: [
    {
      comment: "Delist the demo's model (dev account 1 proposes)",
      command:
        'tributary gov propose delist-model --model rivers-ngram --reason "licence breach" --title "Delist rivers-ngram" --key 1',
    },
    {
      comment: 'Pay a datanet’s contributors 500 TRIB from the treasury, by the tokens they contributed',
      command:
        'tributary gov propose treasury-grant --datanet 1 --amount 500 --title "Thank the rivers datanet" --key 1',
    },
    { command: 'tributary gov propose --file templates.json --title "Two changes" --key 1' },
  ],
  exitCodes: { 4: 'the chain or node refused (e.g. the proposer has too few votes: delegate first)' },
  run: async ({ args }) => (await import('../commands/gov.js')).govCommand(['propose', ...args]),
});
