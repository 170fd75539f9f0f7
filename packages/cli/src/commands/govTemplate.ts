/**
 * `tributary gov propose <kind> [flags]`: a proposal template from command-line flags (amounts in
 * TRIB, shares in basis points, durations in seconds), or templates from a JSON file.
 */
import { readFileSync } from 'node:fs';
import {
  distributorFieldUnit,
  PROPOSAL_TEMPLATE_KINDS,
  type ProposalTemplateInput,
  SINGLE_PARAMETERS,
  type SingleParameterName,
  TributaryError,
} from '@tributary/protocol';
import type { TributaryClient } from '@tributary/sdk';
import { parseEther } from 'viem';

export type TemplateFlags = Partial<Record<string, string | boolean | string[] | undefined>>;

const usageError = (message: string, details: string[] = []) =>
  new TributaryError({ code: 'USAGE', message, details });

function need(flags: TemplateFlags, name: string, kind: string): string {
  const value = flags[name];
  if (typeof value !== 'string' || value === '') throw usageError(`gov propose ${kind} needs --${name}`);
  return value;
}

/** A model given by id or by the name the node serves it under. */
async function modelId(client: TributaryClient, flags: TemplateFlags, kind: string): Promise<string> {
  const given = need(flags, 'model', kind);
  if (/^\d+$/.test(given)) return given;
  const model = (await client.catalog()).find((m) => m.name === given || `model-${m.id}` === given);
  if (!model) throw usageError(`the node serves no model named "${given}"`, ['give the model id instead']);
  return model.id;
}

/** `--value` in the parameter's unit: TRIB for token amounts, plain integers otherwise, or an address. */
function parameterValue(parameter: string, value: string): string {
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return value;
  const unit = SINGLE_PARAMETERS[parameter as SingleParameterName]?.unit ?? distributorFieldUnit(parameter);
  return unit === 'tokens' ? parseEther(value).toString() : value;
}

/** The templates a `gov propose` invocation describes. */
export async function templatesFromFlags(
  client: TributaryClient,
  kind: string | undefined,
  flags: TemplateFlags,
): Promise<ProposalTemplateInput[]> {
  if (typeof flags.file === 'string') {
    const parsed = JSON.parse(readFileSync(flags.file, 'utf8')) as unknown;
    return (Array.isArray(parsed) ? parsed : [parsed]) as ProposalTemplateInput[];
  }
  const tokens = (name: string) => parseEther(need(flags, name, kind!)).toString();
  const reason = typeof flags.reason === 'string' ? flags.reason : '';
  switch (kind) {
    case 'delist-model':
    case 'relist-model':
      return [{ kind, modelId: await modelId(client, flags, kind), reason }];
    case 'adopt-model':
    case 'release-model':
      return [{ kind, modelId: await modelId(client, flags, kind) }];
    case 'ban-contributor':
    case 'unban-contributor':
      return [{ kind, account: need(flags, 'account', kind) }];
    case 'set-parameter': {
      const parameter = need(flags, 'parameter', kind);
      return [{ kind, parameter, value: parameterValue(parameter, need(flags, 'value', kind)) }];
    }
    case 'treasury-grant':
      // --datanet D pays its contributors, split by the tokens they contributed.
      if (typeof flags.datanet === 'string' || Array.isArray(flags.datanet))
        return [
          await client.datanetGrant({ datanetId: String(flags.datanet), amount: BigInt(tokens('amount')) }),
        ];
      return [{ kind, recipients: [{ account: need(flags, 'to', kind), amount: tokens('amount') }] }];
    case 'fund-voter-rewards':
      return [{ kind, amount: tokens('amount') }];
    case 'set-model-split': {
      const [computeBps, developerBps, dataBps] = need(flags, 'split', kind).split('/').map(Number);
      return [
        {
          kind,
          modelId: await modelId(client, flags, kind),
          split: { computeBps: computeBps!, developerBps: developerBps!, dataBps: dataBps! },
        },
      ];
    }
    case 'move-model': {
      const id = await modelId(client, flags, kind);
      const maxLicenceFees = typeof flags['max-licence-fees'] === 'string' ? tokens('max-licence-fees') : '0';
      if (typeof flags.build === 'string') {
        const build = await client.getBuild(flags.build);
        if (build.status !== 'built' || !build.artifactHash || !build.configHash) {
          throw usageError(`build ${flags.build} is ${build.status}, not built`, [
            'wait for it: GET /v1/models/builds/:id',
          ]);
        }
        return [
          {
            kind,
            modelId: id,
            artifactHash: build.artifactHash,
            configHash: build.configHash,
            datanets: build.datanets,
            maxLicenceFees,
          },
        ];
      }
      const given = flags.datanet;
      const datanets = (Array.isArray(given) ? given : typeof given === 'string' ? [given] : []).map((d) => {
        const [datanetId, version] = String(d).split(':');
        return { datanetId: datanetId!, version: Number(version) };
      });
      return [
        {
          kind,
          modelId: id,
          artifactHash: need(flags, 'artifact', kind),
          configHash: need(flags, 'config', kind),
          datanets,
          maxLicenceFees,
        },
      ];
    }
    case 'slash-node':
      return [
        {
          kind,
          operator: need(flags, 'operator', kind),
          amount: tokens('amount'),
          recipient: need(flags, 'to', kind),
          reason,
        },
      ];
    case 'resolve-challenge':
      return [
        {
          kind,
          node: need(flags, 'operator', kind),
          epoch: need(flags, 'epoch', kind),
          upheld: flags.upheld === true,
          reason,
        },
      ];
    default:
      throw usageError(kind ? `there is no proposal template "${kind}"` : 'gov propose needs a template', [
        `templates: ${PROPOSAL_TEMPLATE_KINDS.join(', ')}`,
        'or --file templates.json (an array of templates as JSON)',
      ]);
  }
}
