/**
 * Reading request bodies within a limit: the declared length is checked before anything is read
 * (a body within it is read at once), and a body of undeclared length is counted while it
 * arrives, so an oversized body is refused after at most `maxBytes` bytes (never buffered whole).
 * JSON is depth-checked before it is parsed.
 */
import { badRequest, tooLarge } from '../errors.js';

/** How deeply JSON bodies may nest (objects and arrays). */
export const MAX_JSON_DEPTH = 32;

/** Reads at most `maxBytes` of the request's body; 413 beyond that. */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<Uint8Array> {
  if (declaredLength(request, maxBytes) !== null) {
    // A declared length within the limit bounds the body (the HTTP parser reads exactly that
    // many bytes), so it is read at once: the server's direct path, without a web stream (210 →
    // 72 µs of CPU per 3 KB JSON request, server and client together). Checked again all the same.
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw bodyTooLarge(maxBytes);
    return bytes;
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // Stop reading: the server drains or closes the connection after the 413.
    if (total > maxBytes) throw bodyTooLarge(maxBytes);
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** 413 at once when the request declares a body larger than `maxBytes`. */
export function refuseDeclaredLength(request: Request, maxBytes: number): void {
  declaredLength(request, maxBytes);
}

/** The body's declared length (null when none is, or it is not a plain number); 413 beyond `maxBytes`. */
function declaredLength(request: Request, maxBytes: number): number | null {
  const declared = request.headers.get('content-length');
  if (declared === null || !/^\d+$/.test(declared)) return null;
  const length = Number(declared);
  if (length > maxBytes) throw bodyTooLarge(maxBytes);
  return length;
}

const bodyTooLarge = (maxBytes: number) =>
  tooLarge(`the request body is larger than this route's ${maxBytes}-byte limit`, [
    'send less (split uploads into smaller files); GET /openapi.json lists each route’s limit',
  ]);

/** Parses UTF-8 JSON that nests at most `maxDepth` levels; 400 otherwise. */
export function parseJson(bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): unknown {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest('the body is not valid UTF-8');
  }
  const depth = jsonDepth(text);
  if (depth > maxDepth) {
    throw badRequest(`the JSON body nests ${depth > 10_000 ? 'over 10,000' : depth} levels deep`, [
      `at most ${maxDepth} levels are accepted`,
    ]);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw badRequest('the body must be JSON', [(error as Error).message]);
  }
}

/** The deepest nesting of `[`/`{` in JSON text (strings skipped), without parsing it. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > 10_001) return deepest;
      }
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return deepest;
}

/** Parses a multipart/form-data body read with `readLimitedBody`; 400 when it is malformed. */
export async function parseMultipart(bytes: Uint8Array, contentType: string): Promise<FormData> {
  if (!/boundary=/i.test(contentType)) {
    throw badRequest('the multipart body has no boundary', [
      'send Content-Type: multipart/form-data; boundary=… (HTTP clients add it when given a FormData)',
    ]);
  }
  try {
    return await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
  } catch (error) {
    throw badRequest('the multipart body is malformed', [String((error as Error).message ?? error)]);
  }
}
