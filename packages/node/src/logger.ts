/**
 * Structured logs with pino: pretty on a terminal, JSON otherwise.
 */
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** A pino logger for the node. */
export function createLogger(config: Pick<Config, 'log'>): Logger {
  const format = config.log.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (format === 'pretty') {
    return pino({
      level: config.log.level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level: config.log.level });
}
