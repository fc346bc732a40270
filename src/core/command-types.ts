/**
 * The shapes of custom commands: argument and option specs, and the types
 * of the `args` and `opts` objects an action receives, inferred from the
 * specs (`'--dry-run'` gives `opts.dryRun: boolean`).
 */

/**
 * A positional argument of a command.
 *
 * @example
 * ```ts
 * const name: ArgumentSpec = { name: 'name', description: 'the user to create' }
 * const tags: ArgumentSpec = { name: 'tags', variadic: true, required: false }
 * ```
 */
export interface ArgumentSpec {
  /** The key in `args` (camelCased: `db-name` gives `args.dbName`). */
  readonly name: string
  readonly description?: string
  /** Default true, unless a `default` is given. */
  readonly required?: boolean
  /** Takes the rest of the words as a list; only the last argument may. */
  readonly variadic?: boolean
  readonly default?: unknown
  /** The accepted values. */
  readonly choices?: readonly string[]
  /** Converts the word (`parse: Number`); throw `CliError` for a bad value. */
  readonly parse?: (value: string, previous: never) => unknown
}

/**
 * An option of a command, in commander's flag syntax: `'--force'` is a
 * boolean, `'-n, --name <name>'` takes a value, `'--level [n]'` an optional
 * one, `'--tag <tags...>'` a list, `'--no-color'` a negatable boolean.
 *
 * @example
 * ```ts
 * const count: OptionSpec = { flags: '-c, --count <n>', parse: Number, default: 1 }
 * const force: OptionSpec = { flags: '--force', description: 'overwrite' }
 * ```
 */
export interface OptionSpec {
  readonly flags: string
  readonly description?: string
  readonly default?: unknown
  /** The option must be given (or come from `env`). */
  readonly required?: boolean
  readonly choices?: readonly string[]
  /** An environment variable that supplies the value. */
  readonly env?: string
  readonly parse?: (value: string, previous: never) => unknown
}

/**
 * The description, arguments and options of a command.
 *
 * @example
 * ```ts
 * app.cli.command('greet', {
 *   description: 'Say hello',
 *   arguments: [{ name: 'name' }],
 *   options: [{ flags: '--shout' }],
 * }, ({ name }, { shout }) => console.log(shout ? name.toUpperCase() : name))
 * ```
 */
export interface CommandSpec<A extends readonly ArgumentSpec[] = readonly ArgumentSpec[], O extends readonly OptionSpec[] = readonly OptionSpec[]> {
  readonly description?: string
  readonly arguments?: A
  readonly options?: O
  /** Other names of the command. */
  readonly aliases?: readonly string[]
  /** Left out of the help. */
  readonly hidden?: boolean
  /** Run inside `app.appContext()` (default true), so `currentApp` and `g` work. */
  readonly withAppContext?: boolean
}

/**
 * The description of a command group.
 *
 * @example
 * ```ts
 * const users = app.cli.group('user', { description: 'Manage users' })
 * ```
 */
export interface GroupSpec {
  readonly description?: string
  readonly hidden?: boolean
}

// ---------------------------------------------------------------- inference

/**
 * `kebab-case` → `camelCase`, as commander names options.
 *
 * @example
 * ```ts
 * type K = CamelCase<'dry-run'> // 'dryRun'
 * ```
 */
export type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S

type FlagName<F extends string> = F extends `${string}--${infer Rest}`
  ? Rest extends `${infer Name} ${string}`
    ? Name
    : Rest extends `${infer Name}=${string}`
      ? Name
      : Rest
  : F extends `-${infer Short} ${string}`
    ? Short
    : F extends `-${infer Short}`
      ? Short
      : F

type OptionKeyOf<F extends string> =
  FlagName<F> extends `no-${infer Positive}` ? CamelCase<Positive> : CamelCase<FlagName<F>>

type RawOptionValue<F extends string> = F extends `${string}<${string}...>${string}`
  ? string[]
  : F extends `${string}[${string}...]${string}`
    ? string[] | true
    : F extends `${string}<${string}>${string}`
      ? string
      : F extends `${string}[${string}]${string}`
        ? string | true
        : boolean

type ParsedOr<S, Raw> = S extends { parse: (...args: never[]) => infer R } ? R : Raw

type OptionValueOf<S extends OptionSpec> = ParsedOr<S, RawOptionValue<S['flags']>>

type OptionIsSet<S extends OptionSpec> = S extends { default: unknown }
  ? true
  : S extends { required: true }
    ? true
    : RawOptionValue<S['flags']> extends boolean
      ? true
      : false

type Simplify<T> = { [K in keyof T]: T[K] } & {}

/**
 * The `opts` object of an action, from its option specs.
 *
 * @example
 * ```ts
 * type O = OptionsOf<[{ flags: '--dry-run' }, { flags: '-n, --name <name>' }]>
 * // { dryRun: boolean; name: string | undefined }
 * ```
 */
export type OptionsOf<O extends readonly OptionSpec[]> = Simplify<{
  -readonly [S in O[number] as OptionKeyOf<S['flags']>]: OptionIsSet<S> extends true ? OptionValueOf<S> : OptionValueOf<S> | undefined
}>

type ArgumentValueOf<S extends ArgumentSpec> = ParsedOr<S, S extends { variadic: true } ? string[] : string>

type ArgumentIsSet<S extends ArgumentSpec> = S extends { default: unknown }
  ? true
  : S extends { required: false }
    ? S extends { variadic: true }
      ? true
      : false
    : true

/**
 * The `args` object of an action, from its argument specs.
 *
 * @example
 * ```ts
 * type A = ArgumentsOf<[{ name: 'user-name' }, { name: 'count', parse: typeof Number, required: false }]>
 * // { userName: string; count: number | undefined }
 * ```
 */
export type ArgumentsOf<A extends readonly ArgumentSpec[]> = Simplify<{
  -readonly [S in A[number] as CamelCase<S['name']>]: ArgumentIsSet<S> extends true ? ArgumentValueOf<S> : ArgumentValueOf<S> | undefined
}>

/**
 * What a command runs: `args` by argument name, `opts` by option name. It
 * may be async; throw `CliError` for a clean failure with an exit code.
 *
 * @example
 * ```ts
 * const action: CommandAction<[{ name: 'path' }], []> = async ({ path }) => { console.log(path) }
 * ```
 */
export type CommandAction<A extends readonly ArgumentSpec[] = readonly ArgumentSpec[], O extends readonly OptionSpec[] = readonly OptionSpec[]> = (
  args: ArgumentsOf<A>,
  opts: OptionsOf<O>,
) => unknown

/**
 * The result of `app.testCliRunner().invoke(...)`.
 *
 * @example
 * ```ts
 * const result: CliResult = await app.testCliRunner().invoke(['init-db'])
 * expect(result.exitCode).toBe(0)
 * ```
 */
export interface CliResult {
  /** 0 on success. */
  readonly exitCode: number
  /** stdout and stderr, interleaved as written. */
  readonly output: string
  readonly stdout: string
  readonly stderr: string
  /** The error a command threw, if any (a `CliError` is not an exception). */
  readonly exception: unknown
}
