/**
 * Turns `app.cli` (plain data) into commander commands that run inside the
 * app context, and runs a commander program to an exit code.
 */
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import type { RunnableApp } from '../server/serve.ts'
import { CliError, type CliCommand, type CommandGroup } from '../core/commands.ts'
import type { ArgumentSpec, OptionSpec } from '../core/command-types.ts'

const camel = (s: string): string => s.replace(/-([a-z0-9])/gi, (_, c: string) => c.toUpperCase())

/** A commander parser over a spec's `parse`: a throw, or a NaN from `parse: Number`, is a usage error (exit 2). */
function parser(name: string, parse: NonNullable<ArgumentSpec['parse']>) {
  return (value: string, previous: unknown): unknown => {
    let result: unknown
    try {
      result = (parse as (v: string, p: unknown) => unknown)(value, previous)
    } catch (err) {
      throw new InvalidArgumentError(err instanceof Error ? err.message : `invalid value for ${name}`)
    }
    if (typeof result === 'number' && Number.isNaN(result)) throw new InvalidArgumentError(`'${value}' is not a valid number.`)
    return result
  }
}

function toArgument(spec: ArgumentSpec): Argument {
  const required = spec.required ?? spec.default === undefined
  const word = `${spec.name}${spec.variadic ? '...' : ''}`
  const arg = new Argument(required ? `<${word}>` : `[${word}]`, spec.description)
  if (spec.default !== undefined) arg.default(spec.default)
  if (spec.choices) arg.choices(spec.choices)
  if (spec.parse) arg.argParser(parser(spec.name, spec.parse))
  return arg
}

function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description)
  if (spec.default !== undefined) option.default(spec.default)
  else if (option.isBoolean() && !option.negate) option.default(false)
  if (spec.choices) option.choices(spec.choices)
  if (spec.env) option.env(spec.env)
  if (spec.required) option.makeOptionMandatory()
  if (spec.parse) option.argParser(parser(spec.flags, spec.parse))
  return option
}

/**
 * Runs a command's action with `args` and `opts`, inside the app context
 * unless the command opted out.
 *
 * @example
 * ```ts
 * await runCommand(app, app.cli.commands.get('init-db')!, {}, {})
 * ```
 */
export async function runCommand(app: RunnableApp, command: CliCommand, args: Record<string, unknown>, opts: Record<string, unknown>): Promise<void> {
  const run = async (): Promise<void> => {
    await (command.action as (a: unknown, o: unknown) => unknown)(args, opts)
  }
  if (command.spec.withAppContext === false) await run()
  else await app.appContext(run)
}

function addCommand(parent: Command, command: CliCommand, name: string, app: RunnableApp): void {
  const { spec } = command
  const sub = parent.command(name, { hidden: spec.hidden === true })
  if (spec.description) sub.description(spec.description)
  if (spec.aliases) sub.aliases([...spec.aliases])
  const argSpecs = spec.arguments ?? []
  for (const a of argSpecs) sub.addArgument(toArgument(a))
  for (const o of spec.options ?? []) sub.addOption(toOption(o))
  sub.action(async (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command
    const args: Record<string, unknown> = {}
    argSpecs.forEach((a, i) => {
      args[camel(a.name)] = cmd.processedArgs[i]
    })
    await runCommand(app, command, args, cmd.opts())
  })
}

/**
 * Adds a command group's commands and sub-groups to a commander command;
 * names in `reserved` (the built-in commands) are skipped with a warning.
 *
 * @example
 * ```ts
 * const program = new Command('phial')
 * attachGroup(program, app.cli, app, new Set(['run', 'routes', 'shell', 'serve']))
 * ```
 */
export function attachGroup(
  parent: Command,
  group: CommandGroup,
  app: RunnableApp,
  reserved: ReadonlySet<string> = new Set(),
  warn: (message: string) => void = (m) => process.stderr.write(`Warning: ${m}\n`),
): void {
  for (const [name, command] of group.allCommands()) {
    if (reserved.has(name)) {
      warn(`the app's command '${name}' is hidden by the built-in command of that name.`)
      continue
    }
    addCommand(parent, command, name, app)
  }
  for (const [name, sub] of group.allGroups()) {
    if (reserved.has(name)) {
      warn(`the command group '${name}' is hidden by the built-in command of that name.`)
      continue
    }
    const child = parent.command(name, { hidden: sub.spec.hidden === true })
    if (sub.spec.description) child.description(sub.spec.description)
    attachGroup(child, sub, app, new Set(), warn)
  }
}

/**
 * Parses `argv` with the program (set up with `exitOverride()`) and returns
 * the exit code: 0 after help, commander's usage errors 2, a `CliError` its
 * own code (its message printed), any other error 1 (with its stack).
 *
 * @example
 * ```ts
 * process.exitCode = await execute(program, ['init-db'])
 * ```
 */
export async function execute(
  program: Command,
  argv: readonly string[],
  writeErr: (text: string) => void = (t) => process.stderr.write(t),
): Promise<{ exitCode: number; exception: unknown }> {
  try {
    await program.parseAsync([...argv], { from: 'user' })
    return { exitCode: 0, exception: null }
  } catch (err) {
    if (err instanceof CommanderError) {
      const global = /'(--app|--env-file|-A|-e)'/.exec(err.message)
      if (err.code === 'commander.unknownOption' && global) {
        writeErr(`(${global[1]} is an option of phial itself: give it before the command, as in phial ${global[1]} <value> ${argv.find((a) => !a.startsWith('-')) ?? '<command>'} …)\n`)
      }
      const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version'
      return { exitCode: ok ? 0 : err.exitCode === 1 ? 2 : err.exitCode, exception: null }
    }
    if (err instanceof CliError) {
      writeErr(`Error: ${err.message}\n`)
      return { exitCode: err.exitCode, exception: null }
    }
    writeErr(`Error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return { exitCode: 1, exception: err }
  }
}
