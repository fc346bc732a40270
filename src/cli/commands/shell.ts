/**
 * `phial shell`: a Node REPL inside the app context, with `app`, `g` and the
 * names the app's shell context processors return.
 */
import { AsyncResource } from 'node:async_hooks'
import repl, { type REPLEval } from 'node:repl'
import type { Command } from 'commander'
import type { RunnableApp } from '../../server/serve.ts'
import type { Context } from '../../core/context.ts'
import type { ScriptInfo } from '../script-info.ts'

/**
 * Options of {@link startShell}.
 *
 * @example
 * ```ts
 * await startShell(app, { input: socket, output: socket, banner: 'remote shell\n' } satisfies ShellOptions)
 * ```
 */
export interface ShellOptions {
  input?: NodeJS.ReadableStream
  output?: NodeJS.WritableStream
  /** Printed first (default: Node's version, the app's name and its instance folder). */
  banner?: string
}

/**
 * The names the shell starts with: `app`, `g`, then each shell context
 * processor's names (later ones win).
 *
 * @example
 * ```ts
 * app.shellContextProcessor(() => ({ db }))
 * shellContext(app, ctx) // { app, g, db }
 * ```
 */
export function shellContext(app: RunnableApp, ctx: Context): Record<string, unknown> {
  const names: Record<string, unknown> = { app, g: ctx.g }
  for (const processor of app.shellContextProcessors) Object.assign(names, processor())
  return names
}

/**
 * Runs a REPL in the app context until it is closed (`.exit`, Ctrl+D).
 * Every line is evaluated in that context, so `currentApp` and `g` work,
 * and top-level `await` too.
 *
 * @example
 * ```ts
 * await startShell(app)
 * ```
 */
export function startShell(app: RunnableApp, options: ShellOptions = {}): Promise<void> {
  return app.appContext(
    (ctx) =>
      new Promise<void>((resolve) => {
        const output = options.output ?? process.stdout
        const banner =
          options.banner ??
          `Node ${process.version} on ${process.platform}\nApp: ${app.name}${app.debug ? ' [debug]' : ''}\nInstance: ${app.instancePath}\n`
        output.write(banner)
        const server = repl.start({
          prompt: '> ',
          input: options.input ?? process.stdin,
          output,
          useGlobal: false,
        })
        // lines arrive on stdin's callbacks: evaluate each in the app context
        // captured here (whichever copy of Phial the app imported)
        const inContext = AsyncResource.bind((fn: () => void) => fn())
        const writable = server as unknown as { eval: REPLEval }
        const evaluate = writable.eval
        writable.eval = function (this: repl.REPLServer, code, context, file, cb) {
          inContext(() => evaluate.call(this, code, context, file, cb))
        }
        Object.assign(server.context, shellContext(app, ctx))
        server.on('exit', () => resolve())
      }),
  )
}

/**
 * Adds `shell` to the program.
 *
 * @example
 * ```ts
 * registerShellCommand(program, info)   // phial shell
 * ```
 */
export function registerShellCommand(program: Command, info: ScriptInfo): void {
  program
    .command('shell')
    .description('Run a REPL in the context of the app.')
    .action(async () => {
      const app = await info.loadApp()
      await startShell(app)
    })
}
