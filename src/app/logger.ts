import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * The controller's structured logger: one JSON object per line on stdout (or `destination`), ISO
 * timestamps, `component` bindings for subsystems (`logger.child({ component: 'openflow' })`).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino({ level, base: { service: 'sdnc' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}
