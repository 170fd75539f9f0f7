/**
 * The proposal templates as forms: each turns what a person types into the protocol package's
 * template (which encodes, validates and describes it: the app keeps no copy of those rules).
 */
import { describeTemplate, type ProposalTemplateInput, proposalTemplateSchema } from '@tributary/protocol';
import { parseEther } from 'viem';

export type Field = { name: string; label: string; placeholder?: string };

export type TemplateForm = {
  kind: ProposalTemplateInput['kind'];
  title: string;
  fields: Field[];
  toInput: (values: Record<string, string>) => ProposalTemplateInput;
};

const account = (label: string): Field => ({ name: 'account', label, placeholder: '0x…' });
const modelId: Field = { name: 'modelId', label: 'Model id', placeholder: '1' };
const reason: Field = { name: 'reason', label: 'Reason (32 bytes at most)', placeholder: 'licence breach' };
/** TRIB typed with decimals → wei; anything else is left for the schema to refuse in words. */
const tokens = (v = '') => (/^\d+(\.\d+)?$/.test(v) ? parseEther(v).toString() : v);

export const TEMPLATE_FORMS: TemplateForm[] = [
  {
    kind: 'ban-contributor',
    title: 'Ban a contributor',
    fields: [account('Account to ban')],
    toInput: (v) => ({ kind: 'ban-contributor', account: v.account ?? '' }),
  },
  {
    kind: 'unban-contributor',
    title: 'Lift a contributor’s ban',
    fields: [account('Account to unban')],
    toInput: (v) => ({ kind: 'unban-contributor', account: v.account ?? '' }),
  },
  {
    kind: 'delist-model',
    title: 'Delist a model',
    fields: [modelId, reason],
    toInput: (v) => ({ kind: 'delist-model', modelId: v.modelId ?? '', reason: v.reason ?? '' }),
  },
  {
    kind: 'relist-model',
    title: 'Relist a model',
    fields: [modelId, reason],
    toInput: (v) => ({ kind: 'relist-model', modelId: v.modelId ?? '', reason: v.reason ?? '' }),
  },
  {
    kind: 'treasury-grant',
    title: 'Grant from the treasury',
    fields: [account('Recipient'), { name: 'amount', label: 'Amount (TRIB)', placeholder: '1000' }],
    toInput: (v) => ({
      kind: 'treasury-grant',
      recipients: [{ account: v.account ?? '', amount: tokens(v.amount) }],
    }),
  },
  {
    kind: 'fund-voter-rewards',
    title: 'Fund the voter-reward budget',
    fields: [{ name: 'amount', label: 'Amount (TRIB)', placeholder: '10000' }],
    toInput: (v) => ({ kind: 'fund-voter-rewards', amount: tokens(v.amount) }),
  },
  {
    kind: 'set-parameter',
    title: 'Set a protocol parameter',
    fields: [
      { name: 'parameter', label: 'Parameter', placeholder: 'protocolFeeBps' },
      { name: 'value', label: 'New value (as the contract stores it)', placeholder: '400' },
    ],
    toInput: (v) => ({ kind: 'set-parameter', parameter: v.parameter ?? '', value: v.value ?? '' }),
  },
  {
    kind: 'adopt-model',
    title: 'Adopt a model into community governance',
    fields: [modelId],
    toInput: (v) => ({ kind: 'adopt-model', modelId: v.modelId ?? '' }),
  },
  {
    kind: 'release-model',
    title: 'Hand a model back to its developer',
    fields: [modelId],
    toInput: (v) => ({ kind: 'release-model', modelId: v.modelId ?? '' }),
  },
];

/** The template a form's values make, in words, or the first problem with them. */
export function previewTemplate(
  form: TemplateForm,
  values: Record<string, string>,
): { input: ProposalTemplateInput; words: string } | { problem: string } {
  const input = form.toInput(values);
  const parsed = proposalTemplateSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { problem: `${issue.path.join('.') || 'template'}: ${issue.message}` };
  }
  return { input, words: describeTemplate(parsed.data) };
}
