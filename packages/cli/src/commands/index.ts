/**
 * Every `tributary` command, in the order `tributary --help` lists them. A new command is a file
 * in this folder exporting a `defineCommand(…)`, added here.
 */
import type { Command } from '../command.js';
import { deployCommand } from './deploy.js';
import { devCommand } from './dev.js';
import { lineageCommand } from './lineage.js';
import { nodeCommand } from './node.js';
import { verifyEpochCommand, verifyReceiptCommand } from './verify.js';

export const commands: readonly Command[] = [
  devCommand,
  nodeCommand,
  deployCommand,
  verifyEpochCommand,
  verifyReceiptCommand,
  lineageCommand,
];
