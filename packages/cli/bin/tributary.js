#!/usr/bin/env node
// The CLI is TypeScript run through tsx (Node 20 cannot strip types by itself).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
