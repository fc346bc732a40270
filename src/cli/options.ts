/**
 * Small helpers shared by `run` and `serve`: number parsing for commander,
 * truthy environment flags, and picking a free port for `--port 0`.
 */
import { createServer } from 'node:net'
import { InvalidArgumentError } from 'commander'
import type { TrustProxy, TrustProxyCounts } from '../config/keys.ts'
import { CliError } from '../core/commands.ts'

/**
 * A commander parser for a whole number ≥ `min`.
 *
 * @example
 * ```ts
 * new Option('--workers <n>').argParser(intOption(1))
 * ```
 */
export function intOption(min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`expected a whole number ≥ ${min}, got '${value}'.`)
    return n
  }
}

const PROXY_HEADERS = ['for', 'proto', 'host', 'port', 'prefix'] as const

/**
 * A commander parser for `--trust-proxy`: a count (`1`: trust one proxy for
 * `X-Forwarded-For` and `-Proto`, as `TRUST_PROXY = 1`) or counts per header
 * (`for=1,proto=1,host=1,prefix=1`, Werkzeug's ProxyFix arguments).
 *
 * @example
 * ```ts
 * trustProxyOption('for=1,proto=1,prefix=1') // { for: 1, proto: 1, prefix: 1 }
 * ```
 */
export function trustProxyOption(value: string): TrustProxy {
  if (/^\d+$/.test(value)) return Number(value)
  const counts: TrustProxyCounts = {}
  for (const item of value.split(',')) {
    const [name, n] = item.trim().split('=')
    if (!PROXY_HEADERS.includes(name as (typeof PROXY_HEADERS)[number]) || n === undefined || !/^\d+$/.test(n)) {
      throw new InvalidArgumentError(`expected a count or header=count pairs (${PROXY_HEADERS.join(', ')}), got '${value}'.`)
    }
    counts[name as keyof TrustProxyCounts] = Number(n)
  }
  return counts
}

/**
 * A commander parser for seconds (decimals allowed) ≥ 0, returned as ms.
 *
 * @example
 * ```ts
 * new Option('--graceful-timeout <seconds>').argParser(secondsOption)  // '2.5' → 2500
 * ```
 */
export function secondsOption(value: string): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number of seconds ≥ 0, got '${value}'.`)
  return Math.round(n * 1000)
}

/**
 * Whether an environment value means "on" (`1`, `true`, `yes`, `on`).
 *
 * @example
 * ```ts
 * envFlag(process.env.PHIAL_DEBUG) // true for PHIAL_DEBUG=1
 * ```
 */
export function envFlag(value: string | undefined): boolean {
  return /^(1|true|yes|on)$/i.test(value?.trim() ?? '')
}

/**
 * A port that is free on `host` now (for `--port 0` when the port must stay
 * the same across restarts).
 *
 * @example
 * ```ts
 * const port = await freePort('127.0.0.1')
 * ```
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * Throws a clear error when `host:port` cannot be bound now (before the
 * reloader starts a child that would fail on it).
 *
 * @example
 * ```ts
 * await assertPortFree('127.0.0.1', 5000)
 * ```
 */
export function assertPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'EADDRINUSE' ? 'the address is already in use' : err.message
      reject(new CliError(`Could not listen on ${host}:${port}: ${why}.`))
    })
    server.listen(port, host, () => server.close(() => resolve()))
  })
}
