/**
 * What the cluster master tells each worker (through an environment
 * variable, as JSON) and the messages they exchange.
 */

/**
 * The environment variable that carries a worker's {@link WorkerConfig}.
 *
 * @example
 * ```ts
 * JSON.parse(process.env[WORKER_CONFIG_ENV]!) as WorkerConfig
 * ```
 */
export const WORKER_CONFIG_ENV = 'PHIAL_WORKER_CONFIG'

/**
 * A worker's settings; times in ms.
 *
 * @example
 * ```ts
 * const config: WorkerConfig = { host: '127.0.0.1', port: 8000, keepAliveTimeout: 5000, headersTimeout: 20000,
 *   requestTimeout: 120000, gracefulTimeout: 30000, maxRequests: 0, trustProxy: null }
 * ```
 */
export interface WorkerConfig {
  /** `--app`; undefined to search the default files. */
  appSpec?: string
  host: string
  port: number
  keepAliveTimeout: number
  headersTimeout: number
  requestTimeout: number
  /** How long a stopping worker lets in-flight requests run. */
  gracefulTimeout: number
  /** Requests after which the worker asks to be replaced; 0: never. */
  maxRequests: number
  /** Sets `TRUST_PROXY` when not null. */
  trustProxy: number | null
}

/**
 * A message between master and worker: `drain` (master → worker: stop
 * gracefully) or `recycle` (worker → master: replace me, `--max-requests`).
 *
 * @example
 * ```ts
 * worker.send({ phial: 'drain' } satisfies ClusterMessage)
 * ```
 */
export interface ClusterMessage {
  phial: 'drain' | 'recycle' | 'crashed'
}

/** Whether a value is a {@link ClusterMessage} of that kind. @example isMessage(m, 'drain') */
export function isMessage(value: unknown, kind: ClusterMessage['phial']): boolean {
  return typeof value === 'object' && value !== null && (value as { phial?: unknown }).phial === kind
}
