/** Create a datanet: the owner signs the request (EIP-712) and the node relays it on-chain. */
import type { PolicyInput } from '@tributary/protocol';
import { type FormEvent, useState } from 'react';
import { parseUnits } from 'viem';
import { navigate } from '../app/router';
import { ActionStatus } from '../ui/ActionStatus';
import { useAction } from '../wallet/useAction';
import { datanetKeys } from './queries';

export function CreateDatanetPage() {
  const [form, setForm] = useState({
    name: '',
    description: '',
    licenceText: 'CC-BY-4.0',
    contributionMode: 'open' as PolicyInput['contributionMode'],
    licence: 'open' as PolicyInput['licence'],
    minDataBps: '0',
    bond: '0',
    fee: '0',
  });
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [key]: e.target.value }));
  const create = useAction(
    (client, f: typeof form) =>
      client.createDatanet({
        metadata: { name: f.name.trim(), description: f.description.trim(), licence: f.licenceText.trim() },
        policy: {
          contributionMode: f.contributionMode,
          licence: f.licence,
          minDataBps: Number(f.minDataBps),
          contributionBond: parseUnits(f.bond || '0', 18).toString(),
          licenceFee: parseUnits(f.fee || '0', 18).toString(),
        },
      }),
    { login: true, invalidates: [datanetKeys.all] },
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(form, { onSuccess: (d) => navigate(`/datanets/${d.id}`) });
  };
  return (
    <section>
      <h1>Create a datanet</h1>
      <p className="muted">
        You sign the request in your wallet; the node relays it to DatanetRegistry and curates for you (it
        commits versions). You stay the owner.
      </p>
      <form onSubmit={submit}>
        <label>
          Name
          <input required value={form.name} onChange={set('name')} maxLength={100} />
        </label>
        <label>
          Description
          <textarea rows={3} value={form.description} onChange={set('description')} />
        </label>
        <label>
          Licence of the content (e.g. CC-BY-4.0)
          <input value={form.licenceText} onChange={set('licenceText')} />
        </label>
        <label>
          Who may contribute
          <select value={form.contributionMode} onChange={set('contributionMode')}>
            <option value="open">Anyone (accepted at once)</option>
            <option value="curated">Curated (the owner accepts or rejects each contribution)</option>
          </select>
        </label>
        <label>
          Access
          <select value={form.licence} onChange={set('licence')}>
            <option value="open">Open: anyone may read and build</option>
            <option value="licensed">Licensed: models pay a licence fee to the owner</option>
          </select>
        </label>
        <label>
          Minimum data share of models built on it (basis points, 0–10000)
          <input type="number" min={0} max={10000} value={form.minDataBps} onChange={set('minDataBps')} />
        </label>
        <label>
          Contribution bond (TRIB, 0 for none)
          <input inputMode="decimal" value={form.bond} onChange={set('bond')} pattern="[0-9]*[.]?[0-9]*" />
        </label>
        {form.licence === 'licensed' && (
          <label>
            Licence fee (TRIB)
            <input inputMode="decimal" value={form.fee} onChange={set('fee')} pattern="[0-9]*[.]?[0-9]*" />
          </label>
        )}
        <p>
          <button type="submit" className="primary" disabled={create.isPending}>
            Sign and create
          </button>
        </p>
      </form>
      <ActionStatus
        action={create}
        pending="Sign the request in your wallet; the node then relays it on-chain…"
      />
    </section>
  );
}
