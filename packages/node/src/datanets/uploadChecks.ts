/**
 * What a contribution's file must be: one of the accepted text types, valid UTF-8, not empty,
 * and well-formed when it claims to be JSON or JSON Lines.
 */
import { badRequest, unsupportedType } from '../errors.js';

/** Accepted file extensions and the media type each is stored with. */
export const ACCEPTED_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.json': 'application/json',
  '.jsonl': 'application/jsonl',
  '.csv': 'text/csv',
};

export type CheckedUpload = { text: string; mediaType: string; extension: string };

/** Decodes and checks an upload; throws 415 for a wrong type and 400 for bad content. */
export function checkUpload(filename: string, bytes: Uint8Array): CheckedUpload {
  const extension = filename.toLowerCase().match(/\.[a-z0-9]+$/)?.[0] ?? '';
  const mediaType = Object.hasOwn(ACCEPTED_TYPES, extension) ? ACCEPTED_TYPES[extension] : undefined;
  if (!mediaType) {
    throw unsupportedType(`${filename || 'the file'} is not an accepted type`, [
      `accepted: ${Object.keys(ACCEPTED_TYPES).join(', ')}`,
    ]);
  }
  if (bytes.length === 0) throw badRequest(`${filename} is empty`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw badRequest(`${filename} is not valid UTF-8`, ['save the file as UTF-8 text and upload it again']);
  }
  if (text.includes('\u0000'))
    throw unsupportedType(`${filename} contains NUL bytes: it looks binary, not text`);
  if (text.trim().length === 0) throw badRequest(`${filename} holds only whitespace`);
  if (extension === '.json') {
    try {
      JSON.parse(text);
    } catch (error) {
      throw badRequest(`${filename} is not valid JSON`, [(error as Error).message]);
    }
  }
  if (extension === '.jsonl') {
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (line.trim() === '') continue;
      try {
        JSON.parse(line);
      } catch (error) {
        throw badRequest(`${filename} line ${i + 1} is not valid JSON`, [(error as Error).message]);
      }
    }
  }
  return { text, mediaType, extension };
}
