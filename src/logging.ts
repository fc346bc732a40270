/**
 * The app's logger: pino, at `LOG_LEVEL`.
 */
import { pino, stdSerializers, type Logger } from 'pino'
import type { Phial } from './app.ts'

/**
 * Creates the app's pino logger from its config: `LOG_LEVEL` (default
 * `info`; `silent` turns it off), JSON lines on stdout.
 *
 * @example
 * ```ts
 * app.logger.info({ userId: 1 }, 'logged in')
 * ```
 */
export function createLogger(app: Phial): Logger {
  return pino({
    name: app.name,
    level: String(app.config.LOG_LEVEL ?? 'info'),
    serializers: { err: stdSerializers.err },
  })
}
