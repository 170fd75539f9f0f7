/**
 * Build a model from exact datanet versions (the node builds it; progress is live), then
 * register it on-chain from the wallet with its price and fee split; the node then serves it.
 */

import { useQuery } from '@tanstack/react-query';
import type { BuildView } from '@tributary/protocol';
import { useState } from 'react';
import { reader } from '../app/reader';
import { Link } from '../app/router';
import { nameOf } from '../datanets/queries';
import { ActionStatus } from '../ui/ActionStatus';
import { Progress } from '../ui/bits';
import { QueryView } from '../ui/QueryView';
import { useAction } from '../wallet/useAction';

export function BuildModelPage() {
  const datanets = useQuery({ queryKey: ['datanets'], queryFn: () => reader.listDatanets() });
  return (
    <section>
      <h1>Build a model</h1>
      <p className="lead">
        A model names the exact datanet versions it is built from; its answers pay their contributors.
      </p>
      <QueryView
        query={datanets}
        what="the datanets"
        isEmpty={(all) => !all.some((d) => d.versionCount > 0)}
        empty={
          <>
            No datanet has a committed version yet. <Link to="/datanets">Datanets</Link>
          </>
        }
      >
        {(all) => <BuildForm datanets={all.filter((d) => d.versionCount > 0)} />}
      </QueryView>
    </section>
  );
}

function BuildForm({
  datanets,
}: {
  datanets: { id: string; versionCount: number; metadata: Record<string, unknown> | null }[];
}) {
  const [name, setName] = useState('');
  const [datanetId, setDatanetId] = useState(datanets[0]!.id);
  const datanet = datanets.find((d) => d.id === datanetId)!;
  const [version, setVersion] = useState(datanet.versionCount);
  const [kind, setKind] = useState<BuildView['kind']>('infini-gram');
  const [progress, setProgress] = useState<BuildView | null>(null);
  const [prices, setPrices] = useState({ input: '1000000000', output: '3000000000' });
  const [split, setSplit] = useState({ dataBps: '5000', developerBps: '3000', computeBps: '2000' });

  const build = useAction(
    async (client) => {
      const started = await client.buildModel({ name, kind, datanets: [{ datanetId, version }] });
      setProgress(started);
      return client.waitForBuild(started.id, { onProgress: setProgress });
    },
    { login: true },
  );
  const register = useAction(
    (client, built: BuildView) =>
      client.registerModel({
        build: built,
        pricing: { pricePerInputToken: BigInt(prices.input), pricePerOutputToken: BigInt(prices.output) },
        split: {
          dataBps: Number(split.dataBps),
          developerBps: Number(split.developerBps),
          computeBps: Number(split.computeBps),
        },
      }),
    { invalidates: [['catalog']] },
  );

  return (
    <>
      <form
        className="panel"
        aria-label="Build"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim()) build.mutate(undefined as never);
        }}
      >
        <h2>1. Build</h2>
        <label>
          Model name
          <input value={name} onChange={(e) => setName(e.target.value.trim())} placeholder="my-model" />
        </label>
        <label>
          Datanet
          <select
            value={datanetId}
            onChange={(e) => {
              setDatanetId(e.target.value);
              setVersion(datanets.find((d) => d.id === e.target.value)!.versionCount);
            }}
          >
            {datanets.map((d) => (
              <option key={d.id} value={d.id}>
                #{d.id} {nameOf(d)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Version
          <select value={version} onChange={(e) => setVersion(Number(e.target.value))}>
            {Array.from({ length: datanet.versionCount }, (_, i) => i + 1).map((v) => (
              <option key={v} value={v}>
                version {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as BuildView['kind'])}>
            <option value="infini-gram">infini-gram (answers from the data itself)</option>
            <option value="retrieval">retrieval</option>
          </select>
        </label>
        <p>
          <button type="submit" className="primary" disabled={!name || build.isPending}>
            Start the build
          </button>
        </p>
        {progress && progress.status !== 'built' && (
          <Progress
            label={`Build ${progress.status}: ${progress.progress.documentsDone} of ${progress.progress.documentsTotal ?? '?'} documents`}
            value={progress.progress.documentsDone}
            max={progress.progress.documentsTotal}
          />
        )}
        <ActionStatus
          action={build}
          pending="Building…"
          done={(b) => (
            <>
              Built {b.name}: artifact <code className="hex">{b.artifactHash}</code>
            </>
          )}
        />
      </form>
      {build.data && (
        <form
          className="panel"
          aria-label="Register"
          onSubmit={(e) => {
            e.preventDefault();
            register.mutate(build.data);
          }}
        >
          <h2>2. Register on-chain</h2>
          <fieldset>
            <legend>Price per token (token base units; 10¹⁸ = 1 TRIB)</legend>
            <label>
              Input token
              <input
                inputMode="numeric"
                value={prices.input}
                onChange={(e) => setPrices({ ...prices, input: e.target.value })}
              />
            </label>
            <label>
              Output token
              <input
                inputMode="numeric"
                value={prices.output}
                onChange={(e) => setPrices({ ...prices, output: e.target.value })}
              />
            </label>
          </fieldset>
          <fieldset>
            <legend>Fee split (basis points, summing to 10,000)</legend>
            {(['dataBps', 'developerBps', 'computeBps'] as const).map((k) => (
              <label key={k}>
                {
                  {
                    dataBps: 'Contributors (data)',
                    developerBps: 'Developer (you)',
                    computeBps: 'Compute node',
                  }[k]
                }
                <input
                  inputMode="numeric"
                  value={split[k]}
                  onChange={(e) => setSplit({ ...split, [k]: e.target.value })}
                />
              </label>
            ))}
          </fieldset>
          <button type="submit" className="primary" disabled={register.isPending}>
            Register
          </button>
          <ActionStatus
            action={register}
            done={(m) => (
              <>
                Registered model #{m.id} ({m.name}); this node serves it. <Link to="/playground">Ask it</Link>
              </>
            )}
          />
        </form>
      )}
    </>
  );
}
