/**
 * `phial serve`: the production server — a node:cluster master and
 * `--workers` workers (see server/production/master.ts).
 */
import { availableParallelism } from 'node:os'
import { Option, type Command } from 'commander'
import { runMaster } from '../../server/production/master.ts'
import { CliError } from '../../core/commands.ts'
import { locateAppFile } from '../discovery.ts'
import type { TrustProxy } from '../../config/keys.ts'
import { freePort, intOption, secondsOption, trustProxyOption } from '../options.ts'
import type { ScriptInfo } from '../script-info.ts'

/**
 * The options of `phial serve` (times in ms).
 *
 * @example
 * ```ts
 * // phial serve --workers 4 --graceful-timeout 30 → { workers: 4, gracefulTimeout: 30_000, ... }
 * ```
 */
export interface ServeCommandOptions {
  host: string
  port: number
  workers: number
  gracefulTimeout: number
  keepAlive: number
  headersTimeout: number
  requestTimeout: number
  maxRequests: number
  maxRequestsJitter: number
  trustProxy?: TrustProxy
}

/**
 * Adds `serve` to the program.
 *
 * @example
 * ```ts
 * registerServeCommand(program, info)   // phial serve --workers 4 --port 8000 --trust-proxy 1
 * ```
 */
export function registerServeCommand(program: Command, info: ScriptInfo): void {
  const env = process.env
  program
    .command('serve')
    .description('Run the production server: a cluster of workers with graceful restarts.')
    .option('-h, --host <host>', 'the interface to bind to', '127.0.0.1')
    .addOption(new Option('-p, --port <port>', 'the port to bind to (env PORT)').argParser(intOption(0)).default(Number(env.PORT ?? 8000)))
    .addOption(
      new Option('-w, --workers <n>', 'worker processes (env WEB_CONCURRENCY)')
        .argParser(intOption(1))
        .default(Number(env.WEB_CONCURRENCY ?? availableParallelism()), env.WEB_CONCURRENCY ?? `the number of CPUs, ${availableParallelism()}`),
    )
    .addOption(new Option('--graceful-timeout <seconds>', 'how long stopping workers let requests finish').argParser(secondsOption).default(30_000, '30'))
    .addOption(new Option('--keep-alive <seconds>', 'idle keep-alive time of a connection').argParser(secondsOption).default(5_000, '5'))
    .addOption(new Option('--headers-timeout <seconds>', 'time to receive the request headers').argParser(secondsOption).default(20_000, '20'))
    .addOption(new Option('--request-timeout <seconds>', 'time to receive a whole request (0: none)').argParser(secondsOption).default(120_000, '120'))
    .addOption(new Option('--max-requests <n>', 'replace a worker after this many requests (0: never)').argParser(intOption(0)).default(0))
    .addOption(new Option('--max-requests-jitter <n>', 'add up to this many to --max-requests, per worker').argParser(intOption(0)).default(0))
    .addOption(
      new Option('--trust-proxy <n|header=n,...>', 'proxies to trust: a count for X-Forwarded-For/-Proto, or for=1,proto=1,host=1,port=1,prefix=1 (sets TRUST_PROXY)')
        .argParser(trustProxyOption),
    )
    .helpOption('--help', 'display help for command')
    .action(async (opts: ServeCommandOptions) => {
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new CliError(`Invalid port: ${opts.port} (check PORT).`, 2)
      if (!Number.isInteger(opts.workers) || opts.workers < 1) throw new CliError(`Invalid number of workers: ${opts.workers} (check WEB_CONCURRENCY).`, 2)
      if (!info.binPath) throw new CliError('phial serve needs the path of the phial script.')
      locateAppFile(info.appSpec, info.cwd) // a clear error now rather than workers failing to boot
      const port = opts.port === 0 ? await freePort(opts.host) : opts.port
      const code = await runMaster({
        exec: info.binPath,
        appSpec: info.appSpec,
        host: opts.host,
        port,
        workers: opts.workers,
        gracefulTimeout: opts.gracefulTimeout,
        keepAliveTimeout: opts.keepAlive,
        headersTimeout: opts.headersTimeout,
        requestTimeout: opts.requestTimeout,
        maxRequests: opts.maxRequests,
        maxRequestsJitter: opts.maxRequestsJitter,
        // WorkerConfig types it as a number, but it travels as JSON and is
        // assigned to TRUST_PROXY as is, so per-header counts arrive intact
        trustProxy: (opts.trustProxy ?? null) as number | null,
      })
      if (code !== 0) throw new CliError(code === 3 ? 'No worker could boot; see the errors above.' : 'Stopped by force.', code)
    })
}
