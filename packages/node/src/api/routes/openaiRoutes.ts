/**
 * The OpenAI-compatible routes as the registry declares them (served by openai.ts, mounted after
 * the registry's validation): the same request schemas, for limits, validation, OpenAPI and the
 * route fuzz test.
 */
import type { z } from 'zod';
import { BODY_LIMITS, defineRoute } from '../route.js';
import { openAiCompletion, openAiModelList } from '../views.js';
import { chatRequest, completionRequest } from './openai.js';

const paidCall = {
  auth: 'apiKey',
  tag: 'openai',
  errors: [402, 403, 404, 410, 503],
  responses: {
    200: {
      description:
        'the answer with `usage`, `attribution` and `receipt_id`; with `stream: true`, text/event-stream chunks ' +
        'ending with one holding usage and attribution, then `[DONE]`',
      schema: openAiCompletion,
    },
  },
} as const;

export const openAiRouteDeclarations = [
  defineRoute({
    method: 'get',
    path: '/v1/models',
    tag: 'openai',
    summary: 'Active models (OpenAI format, with a `tributary` object)',
    auth: 'none',
    responses: { 200: { description: 'the model list', schema: openAiModelList } },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/chat/completions',
    summary: 'Chat completion (OpenAI-compatible), charged by a signed receipt',
    body: { kind: 'json', schema: chatRequest, maxBytes: BODY_LIMITS.prompt },
    ...paidCall,
  }),
  defineRoute({
    method: 'post',
    path: '/v1/completions',
    summary: 'Text completion (OpenAI-compatible), charged by a signed receipt',
    body: { kind: 'json', schema: completionRequest, maxBytes: BODY_LIMITS.prompt },
    ...paidCall,
  }),
];

export type { z };
