/**
 * An answer with its attributed spans highlighted inline. Hovering, focusing or pressing a span
 * shows where it came from: the contributions, their contributors and datanets, each one's weight
 * in this call and the amount it was paid.
 */
import { useState } from 'react';
import { Link } from '../app/router';
import { Address, Trib } from '../ui/bits';
import { ppmPercent } from '../ui/format';
import type { CallAttribution } from './streamChat';

type Span = CallAttribution['spans'][number];

/** The text cut into plain pieces and spans (spans are sorted and do not overlap). */
function pieces(text: string, spans: readonly Span[]) {
  const out: { text: string; span?: Span; index?: number }[] = [];
  let at = 0;
  [...spans]
    .sort((a, b) => a.charStart - b.charStart)
    .forEach((span, index) => {
      if (span.charStart < at) return;
      if (span.charStart > at) out.push({ text: text.slice(at, span.charStart) });
      out.push({ text: text.slice(span.charStart, span.charEnd), span, index });
      at = span.charEnd;
    });
  if (at < text.length) out.push({ text: text.slice(at) });
  return out;
}

export function AttributedAnswer({ text, attribution }: { text: string; attribution: CallAttribution }) {
  const [active, setActive] = useState<number | null>(null);
  const [pinned, setPinned] = useState<number | null>(null);
  const shown = active ?? pinned;
  const parts = pieces(text, attribution.spans);
  const span = shown === null ? undefined : parts.find((p) => p.index === shown)?.span;
  const byId = new Map(attribution.contributions.map((c) => [c.contribution_id, c]));

  return (
    <div className="grid2">
      <div>
        <p className="chat" data-testid="answer">
          {parts.map((part, i) =>
            part.span ? (
              <button
                // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional
                key={i}
                type="button"
                className="span"
                aria-pressed={pinned === part.index}
                title={`from ${part.span.contributions.length} contribution(s); press to keep it shown`}
                onMouseEnter={() => setActive(part.index!)}
                onMouseLeave={() => setActive(null)}
                onFocus={() => setActive(part.index!)}
                onBlur={() => setActive(null)}
                onClick={() => setPinned(pinned === part.index ? null : part.index!)}
              >
                {part.text}
              </button>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: pieces are positional
              <span key={i}>{part.text}</span>
            ),
          )}
        </p>
        <p className="muted">
          {attribution.spans.length} attributed span(s). Fee <Trib value={attribution.fee} />.{' '}
          <Link to={`/receipts/${attribution.receipt_id}`}>
            Receipt {attribution.receipt_id.slice(0, 10)}…
          </Link>
        </p>
      </div>
      <section className="panel" aria-label="Where this part came from" aria-live="polite">
        <h2>Where it came from</h2>
        {span ? (
          <>
            <p>
              “<mark>{span.text}</mark>” appears {span.count} time(s) in the model's data, in:
            </p>
            <table>
              <thead>
                <tr>
                  <th scope="col">Contribution</th>
                  <th scope="col">Contributor</th>
                  <th scope="col">Datanet</th>
                  <th scope="col">Weight</th>
                  <th scope="col">Paid</th>
                </tr>
              </thead>
              <tbody>
                {span.contributions.map((id) => {
                  const c = byId.get(id);
                  return (
                    <tr key={id}>
                      <td>#{id}</td>
                      <td>{c ? <Address value={c.contributor} /> : '—'}</td>
                      <td>{c ? <Link to={`/datanets/${c.datanet_id}`}>#{c.datanet_id}</Link> : '—'}</td>
                      <td>{c ? ppmPercent(c.weight_ppm) : '—'}</td>
                      <td>{c ? <Trib value={c.amount} /> : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        ) : (
          <p className="muted">Hover, focus or press a highlighted part of the answer.</p>
        )}
      </section>
    </div>
  );
}
