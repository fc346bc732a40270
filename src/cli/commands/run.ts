/**
 * `phial run`: the development server, with `--debug` (debug mode and the
 * traceback page) and the reloader (on with `--debug` unless `--no-reload`).
 */
import { dirname, delimiter, relative } from 'node:path'
import { Option, type Command } from 'commander'
import type { RunnableApp } from '../../server/serve.ts'
import { CliError } from '../../core/commands.ts'
import { locateAppFile } from '../discovery.ts'
import { assertPortFree, envFlag, freePort, intOption } from '../options.ts'
import { isReloaderChild, runWithReloader } from '../reloader.ts'
import type { ScriptInfo } from '../script-info.ts'

/**
 * The options of `phial run`.
 *
 * @example
 * ```ts
 * const opts: RunOptions = { host: '127.0.0.1', port: 5000, debug: true }
 * ```
 */
export interface RunOptions {
  host: string
  port: number
  /** Undefined: from `PHIAL_DEBUG`. */
  debug?: boolean
  /** Undefined: on in debug mode. */
  reload?: boolean
  extraFiles?: string[]
}

const say = (line: string): void => {
  process.stderr.write(` * ${line}\n`)
}

function waitForStop(): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      process.off('SIGINT', done)
      process.off('SIGTERM', done)
      process.off('disconnect', done)
      resolve()
    }
    process.on('SIGINT', done)
    process.on('SIGTERM', done)
    // under the reloader: stop when the parent is gone
    if (process.send) process.on('disconnect', done)
  })
}

/**
 * Serves the app in this process until SIGINT/SIGTERM.
 *
 * @example
 * ```ts
 * await serveDevelopment(app, { host: '127.0.0.1', port: 5000, debug: true })
 * ```
 */
export async function serveDevelopment(app: RunnableApp, options: { host: string; port: number; debug?: boolean }): Promise<void> {
  if (options.debug !== undefined) app.debug = options.debug
  say(`Serving Phial app '${app.name}'`)
  say(`Debug mode: ${app.debug ? 'on' : 'off'}`)
  let running
  try {
    // the app's own server (the app may come from another copy of Phial than the CLI)
    running = await app.run({ host: options.host, port: options.port, announce: false })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const why = e.code === 'EADDRINUSE' ? 'the address is already in use' : e.message
    throw new CliError(`Could not listen on ${options.host}:${options.port}: ${why}.`)
  }
  if (!app.debug && !isReloaderChild()) say('This is a development server. Use `phial serve` in production.')
  say(`Running on ${running.url} (Press CTRL+C to quit)`)
  await waitForStop()
  await Promise.race([running.close(), new Promise((r) => setTimeout(r, 2000).unref())])
}

/**
 * Adds `run` to the program.
 *
 * @example
 * ```ts
 * registerRunCommand(program, info)   // phial run --debug --port 8000
 * ```
 */
export function registerRunCommand(program: Command, info: ScriptInfo): void {
  const env = process.env
  program
    .command('run')
    .description('Run the development server.')
    .option('-h, --host <host>', 'the interface to bind to (env PHIAL_RUN_HOST)', env.PHIAL_RUN_HOST ?? '127.0.0.1')
    .addOption(
      new Option('-p, --port <port>', 'the port to bind to (env PHIAL_RUN_PORT or PORT)')
        .argParser(intOption(0))
        .default(Number(env.PHIAL_RUN_PORT ?? env.PORT ?? 5000)),
    )
    .option('--debug', 'debug mode: the traceback page and the reloader (env PHIAL_DEBUG)')
    .option('--no-debug', 'turn debug mode off')
    .option('--reload', 'restart when a source or template file changes (default: on in debug mode)')
    .option('--no-reload', 'never restart on changes')
    .option(
      '--extra-files <files>',
      `more files that restart the server when changed, separated by '${delimiter}' (env PHIAL_RUN_EXTRA_FILES)`,
      (value: string) => value.split(delimiter).filter(Boolean),
    )
    .helpOption('--help', 'display help for command')
    .action(async (opts: RunOptions) => {
      if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) throw new CliError(`Invalid port: ${opts.port}.`, 2)
      const debug = opts.debug ?? envFlag(env.PHIAL_DEBUG)
      const reload = opts.reload ?? debug
      // factories read PHIAL_DEBUG through config.fromPrefixedEnv('PHIAL')
      if (opts.debug !== undefined) env.PHIAL_DEBUG = String(debug)
      if (!reload || isReloaderChild()) {
        const app = await info.loadApp()
        await serveDevelopment(app, { host: opts.host, port: opts.port, debug: opts.debug === undefined && !debug ? undefined : debug })
        return
      }
      if (!info.binPath) throw new CliError('The reloader needs the path of the phial script.')
      const { file } = locateAppFile(info.appSpec, info.cwd)
      const port = opts.port === 0 ? await freePort(opts.host) : opts.port
      await assertPortFree(opts.host, port)
      const roots = [info.cwd]
      if (relative(info.cwd, dirname(file)).startsWith('..')) roots.push(dirname(file))
      const extraFiles = opts.extraFiles ?? (env.PHIAL_RUN_EXTRA_FILES ?? '').split(delimiter).filter(Boolean)
      const childArgs = [...info.globalArgs(), 'run', '--host', opts.host, '--port', String(port), '--no-reload', debug ? '--debug' : '--no-debug']
      const code = await runWithReloader({ binPath: info.binPath, childArgs, roots, extraFiles, env: info.baseEnv })
      if (code !== 0) throw new CliError('The reloader stopped.', code)
    })
}
