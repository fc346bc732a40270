/**
 * A first look at the command line, before commander parses it: the global
 * options (`--app`, `--env-file`) must be known to load the app, whose
 * commands commander then needs.
 */

/**
 * What {@link scanGlobalOptions} finds.
 *
 * @example
 * ```ts
 * const { app, command }: GlobalOptions = scanGlobalOptions(process.argv.slice(2))
 * ```
 */
export interface GlobalOptions {
  /** `--app` / `-A`. */
  app?: string
  /** `--env-file` / `-e`. */
  envFile?: string
  /** The first word that is not an option: the command name. */
  command?: string
  /** The global options as given, to pass on to a child process. */
  passOn: string[]
}

const VALUED: Record<string, 'app' | 'envFile'> = { '--app': 'app', '-A': 'app', '--env-file': 'envFile', '-e': 'envFile' }

/**
 * Reads the global options that come before the command.
 *
 * @example
 * ```ts
 * scanGlobalOptions(['--app', 'hello.ts', 'routes', '--sort', 'rule'])
 * // { app: 'hello.ts', command: 'routes', passOn: ['--app', 'hello.ts'] }
 * ```
 */
export function scanGlobalOptions(argv: readonly string[]): GlobalOptions {
  const out: GlobalOptions = { passOn: [] }
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]
    if (token === '--') break
    const eq = token.indexOf('=')
    const flag = token.startsWith('--') && eq > 0 ? token.slice(0, eq) : token
    const key = VALUED[flag]
    if (key !== undefined) {
      const value = flag === token ? argv[++i] : token.slice(eq + 1)
      if (value === undefined) break
      out[key] = value
      out.passOn.push(flag, value)
      continue
    }
    if (!token.startsWith('-')) {
      out.command = token
      break
    }
  }
  return out
}
