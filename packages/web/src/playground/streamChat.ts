/**
 * A streamed chat completion from the node (OpenAI's wire format, server-sent events): text
 * arrives in pieces, and the stream's last chunk carries the attribution and the receipt id.
 */
import { TributaryApiError } from '@tributary/sdk';
import { apiBase } from '../app/node';

export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** The node's `attribution` object on a completion (snake_case, as the API sends it). */
export type CallAttribution = {
  receipt_id: string;
  fee: string;
  spans: { charStart: number; charEnd: number; text: string; count: number; contributions: string[] }[];
  contributions: {
    contribution_id: string;
    contributor: string;
    datanet_id: string;
    weight_ppm: number;
    amount: string;
  }[];
  training_pool: string;
};

export type StreamChatParameters = {
  apiKey: string;
  model: string;
  messages: ChatMessage[];
  maxTokens?: number;
  onText: (text: string) => void;
  signal?: AbortSignal;
};

type Chunk = {
  choices?: { delta?: { content?: string } }[];
  attribution?: CallAttribution;
  error?: { code: string; message: string; details?: string[] };
};

/** Streams one answer; resolves with the whole text and its attribution. */
export async function streamChat(
  p: StreamChatParameters,
): Promise<{ text: string; attribution: CallAttribution }> {
  const response = await fetch(`${apiBase}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${p.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: p.model,
      messages: p.messages,
      stream: true,
      max_tokens: p.maxTokens ?? 64,
    }),
    signal: p.signal ?? null,
  });
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => null)) as Chunk | null;
    throw new TributaryApiError(response.status, body?.error, `the node answered ${response.status}`);
  }
  let text = '';
  let attribution: CallAttribution | undefined;
  let buffer = '';
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    const events = buffer.split('\n\n');
    buffer = events.pop() ?? '';
    for (const event of events) {
      const data = event
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(5).trimStart())
        .join('\n');
      if (!data || data === '[DONE]') continue;
      const chunk = JSON.parse(data) as Chunk;
      if (chunk.error) throw new TributaryApiError(200, chunk.error, 'the answer stopped');
      const piece = chunk.choices?.[0]?.delta?.content;
      if (piece) {
        text += piece;
        p.onText(text);
      }
      if (chunk.attribution) attribution = chunk.attribution;
    }
  }
  if (!attribution) {
    throw new TributaryApiError(
      200,
      { code: 'INCOMPLETE', details: ['ask again'] },
      'the answer ended before its attribution',
    );
  }
  return { text, attribution };
}
