/**
 * Every `tributary` command, in the order `tributary --help` lists them. A command is a spec in
 * this folder — its options, help, examples and exit codes, light to load — whose `run` imports
 * what it does from commands/ only when it runs (so `--help` and small commands start fast).
 */
import type { Command } from '../command.js';
import { deploySpec } from './deploy.js';
import { devSpec } from './dev.js';
import { govSpec } from './gov.js';
import { lineageSpec } from './lineage.js';
import { nodeSpec } from './node.js';
import { verifyEpochSpec } from './verifyEpoch.js';
import { verifyReceiptSpec } from './verifyReceipt.js';

export const commands: readonly Command[] = [
  devSpec,
  nodeSpec,
  deploySpec,
  govSpec,
  verifyEpochSpec,
  verifyReceiptSpec,
  lineageSpec,
];
