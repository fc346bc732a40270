/**
 * The registry of custom commands (`app.cli`, `bp.cli`): plain data, no
 * commander here, so that importing an app stays cheap. The `phial` command
 * and the test runner turn it into commander commands (bridge.ts).
 */
import type { ArgumentSpec, CommandAction, CommandSpec, GroupSpec, OptionSpec } from './command-types.ts'

/**
 * An error that ends a command with a message and an exit code, without a
 * stack trace (Click's `ClickException`).
 *
 * @example
 * ```ts
 * app.cli.command('init-db', async () => {
 *   if (await exists()) throw new CliError('The database already exists.', 2)
 * })
 * ```
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message)
    this.name = 'CliError'
  }

  /** Also true for a `CliError` of another copy of Phial (an app importing the sources, a CLI from dist/). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Object.prototype.isPrototypeOf.call(this.prototype, value as object)) return true
    return (
      this === CliError &&
      value instanceof Error &&
      typeof (value as { exitCode?: unknown }).exitCode === 'number' &&
      (value as { [CLI_ERROR]?: unknown })[CLI_ERROR] === true
    )
  }
}

const CLI_ERROR = Symbol.for('phial.cli-error')
Object.defineProperty(CliError.prototype, CLI_ERROR, { value: true })

/**
 * A registered command: its name, spec and action.
 *
 * @example
 * ```ts
 * const cmd = app.cli.command('hello', () => console.log('hi'))
 * cmd.name // 'hello'
 * ```
 */
export interface CliCommand {
  readonly name: string
  readonly spec: CommandSpec
  readonly action: CommandAction<readonly ArgumentSpec[], readonly OptionSpec[]>
}

const NAME = /^[A-Za-z0-9][\w:.-]*$/

/**
 * A group of commands (`phial user create`). `app.cli` is the root group; a
 * blueprint's `cli` becomes a group named after it.
 *
 * @example
 * ```ts
 * const users = app.cli.group('user', { description: 'Manage users' })
 * users.command('create', { arguments: [{ name: 'name' }] }, ({ name }) => createUser(name))
 * // phial user create alice
 * ```
 */
export class CommandGroup {
  /** Commands by name, in registration order. */
  readonly commands = new Map<string, CliCommand>()
  /** Sub-groups by name. */
  readonly groups = new Map<string, CommandGroup>()
  /** Groups whose commands are shown at this level (a blueprint with `cliGroup: null`). */
  readonly merged: CommandGroup[] = []
  /** Groups added with {@link addGroup} that yield to own commands and groups of the same name. */
  readonly attached = new Map<string, CommandGroup>()

  constructor(readonly spec: GroupSpec = {}) {}

  /**
   * Registers a command. `args` and `opts` are typed from the specs.
   *
   * @example
   * ```ts
   * app.cli.command('seed', {
   *   description: 'Insert sample rows',
   *   arguments: [{ name: 'table' }],
   *   options: [{ flags: '-n, --count <n>', parse: Number, default: 10 }, { flags: '--dry-run' }],
   * }, async ({ table }, { count, dryRun }) => {
   *   console.log(`${dryRun ? 'would insert' : 'inserting'} ${count} rows into ${table}`)
   * })
   * ```
   */
  command<const A extends readonly ArgumentSpec[] = [], const O extends readonly OptionSpec[] = []>(
    name: string,
    spec: CommandSpec<A, O>,
    action: CommandAction<A, O>,
  ): CliCommand
  command(name: string, action: CommandAction<[], []>): CliCommand
  command(name: string, specOrAction: CommandSpec | CommandAction<[], []>, maybeAction?: CommandAction<never, never>): CliCommand {
    if (!NAME.test(name)) throw new Error(`'${name}' is not a valid command name (letters, digits, '-', '_', ':' and '.').`)
    const spec = typeof specOrAction === 'function' ? {} : specOrAction
    const action = (typeof specOrAction === 'function' ? specOrAction : maybeAction) as CliCommand['action'] | undefined
    if (typeof action !== 'function') throw new TypeError(`The command '${name}' needs an action function.`)
    if (this.groups.has(name)) throw new Error(`'${name}' is already a command group.`)
    checkArguments(name, spec.arguments ?? [])
    const command: CliCommand = { name, spec, action }
    this.commands.set(name, command)
    return command
  }

  /**
   * Returns the sub-group `name`, creating it on first use.
   *
   * @example
   * ```ts
   * app.cli.group('cache').command('clear', () => cache.clear())   // phial cache clear
   * ```
   */
  group(name: string, spec: GroupSpec = {}): CommandGroup {
    const existing = this.groups.get(name)
    if (existing) return existing
    if (!NAME.test(name)) throw new Error(`'${name}' is not a valid group name.`)
    if (this.commands.has(name)) throw new Error(`'${name}' is already a command.`)
    const group = new CommandGroup(spec)
    this.groups.set(name, group)
    return group
  }

  /**
   * Adds an existing group under `name` (a blueprint's `cli`).
   *
   * @example
   * ```ts
   * app.cli.addGroup('admin', admin.cli)
   * ```
   */
  addGroup(name: string, group: CommandGroup): void {
    const existing = this.attached.get(name)
    if (existing && existing !== group) throw new Error(`There is already a command group named '${name}'.`)
    this.attached.set(name, group)
  }

  /** True when neither this group nor a merged one holds a command or group. @example if (!bp.cli.isEmpty) ... */
  get isEmpty(): boolean {
    return (
      this.commands.size === 0 &&
      [...this.groups.values(), ...this.attached.values(), ...this.merged].every((g) => g.isEmpty)
    )
  }

  /**
   * The commands of this level, merged groups' included (own ones win).
   *
   * @example
   * ```ts
   * [...app.cli.allCommands().keys()] // ['init-db', 'seed']
   * ```
   */
  allCommands(): Map<string, CliCommand> {
    const out = new Map<string, CliCommand>()
    for (const group of this.merged) for (const [name, cmd] of group.allCommands()) out.set(name, cmd)
    for (const [name, cmd] of this.commands) out.set(name, cmd)
    return out
  }

  /**
   * The sub-groups of this level that hold commands: attached and merged
   * groups' included (own commands and groups win a name clash).
   *
   * @example
   * ```ts
   * [...app.cli.allGroups().keys()] // ['user', 'admin']
   * ```
   */
  allGroups(): Map<string, CommandGroup> {
    const out = new Map<string, CommandGroup>()
    for (const group of this.merged) for (const [name, sub] of group.allGroups()) out.set(name, sub)
    for (const [name, sub] of this.attached) out.set(name, sub)
    for (const [name, sub] of this.groups) out.set(name, sub)
    for (const [name, sub] of out) if (sub.isEmpty || this.commands.has(name)) out.delete(name)
    return out
  }
}

function checkArguments(command: string, specs: readonly ArgumentSpec[]): void {
  let optionalSeen = false
  specs.forEach((spec, i) => {
    if (spec.variadic && i !== specs.length - 1) {
      throw new Error(`Command '${command}': only the last argument may be variadic ('${spec.name}' is not last).`)
    }
    const required = spec.required ?? spec.default === undefined
    if (required && optionalSeen) throw new Error(`Command '${command}': the required argument '${spec.name}' follows an optional one.`)
    if (!required) optionalSeen = true
  })
}

/** Anything with blueprint-like `name`, `cliGroup` and `cli`. */
interface CliBlueprint {
  readonly name: string
  readonly cliGroup: string | null
  readonly cli: CommandGroup
}

/**
 * `app.cli`: the app's custom commands and groups, and those of its
 * blueprints. `phial <command>` runs them inside the app context.
 *
 * @example
 * ```ts
 * app.cli.command('init-db', { description: 'Create the tables' }, async () => {
 *   await initDb()
 *   console.log('Initialized the database.')
 * })
 * ```
 */
export class AppCli extends CommandGroup {
  /**
   * Adds a registered blueprint's commands: under a group named after the
   * blueprint (its `cliGroup`, or the name it was registered under), or at
   * the top level when `cliGroup` is null. Phial calls this on registration.
   *
   * @example
   * ```ts
   * app.cli.addBlueprint(bp, 'admin')
   * ```
   */
  addBlueprint(blueprint: CliBlueprint, registeredName: string): void {
    if (blueprint.cliGroup === null) {
      if (!this.merged.includes(blueprint.cli)) this.merged.push(blueprint.cli)
      return
    }
    const name = blueprint.cliGroup === blueprint.name ? registeredName : blueprint.cliGroup
    this.addGroup(name, blueprint.cli)
  }
}
