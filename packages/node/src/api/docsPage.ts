/**
 * The API reference page (`GET /docs`): static HTML rendered by the node from its OpenAPI
 * document — no scripts, fonts or styles from elsewhere, so it works offline.
 */

type Doc = {
  info: { title: string; description: string };
  paths: Record<string, Record<string, Operation>>;
};
type Operation = {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
  security: unknown[];
  'x-body-limit-bytes': number;
  'x-eip712'?: { domainName: string; domain: unknown; primaryType: string; types: unknown; note: string };
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
const code = (value: unknown) => `<pre><code>${escapeHtml(JSON.stringify(value, null, 2))}</code></pre>`;
const inlineCode = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function authOf(op: Operation): string {
  if (op['x-eip712']) return `signed: EIP-712 <code>${escapeHtml(op['x-eip712'].primaryType)}</code>`;
  if (op.security.length === 0) return 'public';
  return op.security.length === 1 ? 'API key' : 'public; an API key adds what is yours';
}

function renderOperation(method: string, path: string, op: Operation): string {
  const parts = [
    `<section class="op" id="${escapeHtml(op.operationId)}">`,
    `<h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    `<p>${inlineCode(op.summary)}</p>`,
    op.description ? `<p class="d">${inlineCode(op.description)}</p>` : '',
    `<p class="meta">${authOf(op)} · body limit ${op['x-body-limit-bytes'].toLocaleString('en')} bytes</p>`,
  ];
  if (op.parameters?.length) {
    parts.push('<table><tr><th>parameter</th><th>in</th><th>schema</th></tr>');
    for (const p of op.parameters) {
      parts.push(
        `<tr><td><code>${escapeHtml(p.name)}</code>${p.required ? ' *' : ''}</td><td>${p.in}</td><td>${
          p.description ? `${inlineCode(p.description)}<br>` : ''
        }<code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`,
      );
    }
    parts.push('</table>');
  }
  for (const [type, { schema }] of Object.entries(op.requestBody?.content ?? {})) {
    parts.push(`<details><summary>request body (${escapeHtml(type)})</summary>${code(schema)}</details>`);
  }
  const eip = op['x-eip712'];
  if (eip) {
    parts.push(
      `<details open><summary>EIP-712: sign <code>${escapeHtml(eip.primaryType)}</code> in domain <code>${escapeHtml(
        eip.domainName,
      )}</code></summary><p>${inlineCode(eip.note)}</p>${code({ domain: eip.domain, primaryType: eip.primaryType, types: eip.types })}</details>`,
    );
  }
  for (const [status, response] of Object.entries(op.responses)) {
    const [type, body] = Object.entries(response.content ?? {})[0] ?? [];
    parts.push(
      body && Number(status) < 400
        ? `<details><summary>${status} — ${escapeHtml(response.description)} (${escapeHtml(type!)})</summary>${code(body.schema)}</details>`
        : `<p class="r"><b>${status}</b> ${escapeHtml(response.description)}</p>`,
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** The reference page for `document` (an OpenAPI document from openApiDocument). */
export function renderDocsPage(document: unknown): string {
  const doc = document as Doc;
  const byTag = new Map<string, string[]>();
  const toc = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), renderOperation(method, path, op)]);
      toc.set(tag, [
        ...(toc.get(tag) ?? []),
        `<li><a href="#${escapeHtml(op.operationId)}"><span class="m ${method}">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`,
      ]);
    }
  }
  const nav = [...toc]
    .map(([tag, items]) => `<h4>${escapeHtml(tag)}</h4><ul>${items.join('')}</ul>`)
    .join('');
  const body = [...byTag]
    .map(([tag, ops]) => `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${ops.join('\n')}`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.info.title)}</title>
<style>
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1b1f24;display:flex}
nav{width:360px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:12px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding:0;margin:0 0 8px}nav a{color:inherit;text-decoration:none;display:flex;gap:6px;align-items:baseline;padding:1px 0;word-break:break-all}
main{padding:16px 32px;max-width:960px;min-width:0}
.op{border-top:1px solid #d8dee4;padding:8px 0}.meta,.d{color:#57606a}
.m{display:inline-block;min-width:52px;font:bold 12px monospace;color:#fff;border-radius:3px;padding:1px 4px;text-align:center}
.get{background:#1f7a4d}.post{background:#0b5cad}.delete{background:#b42318}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}table{border-collapse:collapse;font-size:13px}
td,th{border:1px solid #d8dee4;padding:3px 6px;text-align:left;vertical-align:top}code{font-size:12px;word-break:break-word}
</style></head>
<body><nav aria-label="routes"><p><b>${escapeHtml(doc.info.title)}</b></p><p><a href="/openapi.json">openapi.json</a></p>${nav}</nav>
<main><h1>${escapeHtml(doc.info.title)}</h1><p>${inlineCode(doc.info.description)}</p>
<p>Authenticate with <code>Authorization: Bearer trib_…</code> (a key from <code>POST /v1/auth/keys</code>).</p>
${body}</main></body></html>`;
}
