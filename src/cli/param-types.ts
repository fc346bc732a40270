/**
 * Typed command-line values (Click's `INT`, `FLOAT`, `BOOL`, `Path`): give
 * one as an option's or argument's `parse`. A value that does not fit is a
 * usage error — the message, and exit code 2 — never a `NaN` in the action.
 *
 * @module
 */
import { existsSync, statSync } from 'node:fs'

const TRUE = new Set(['1', 'true', 't', 'yes', 'y', 'on'])
const FALSE = new Set(['0', 'false', 'f', 'no', 'n', 'off'])

/**
 * Parsers for typed command-line values.
 *
 * @example
 * ```ts
 * app.cli.command('seed', {
 *   options: [
 *     { flags: '-n, --count <n>', parse: CliTypes.int, default: 10 },
 *     { flags: '--ratio <r>', parse: CliTypes.float },
 *     { flags: '--dry-run <yes|no>', parse: CliTypes.boolean },
 *   ],
 *   arguments: [{ name: 'file', parse: CliTypes.path({ exists: true, kind: 'file' }) }],
 * }, ({ file }, { count }) => { ... })   // `phial seed x.csv -n abc`: "'abc' is not a valid integer." (exit 2)
 * ```
 */
export const CliTypes = {
  /** An integer (`'42'`, `'-3'`); `'abc'` and `'1.5'` are refused. */
  int(value: string): number {
    const text = value.trim()
    if (!/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) throw new Error(`'${value}' is not a valid integer.`)
    return Number(text)
  },
  /** A finite number (`'1.5'`, `'2e3'`). */
  float(value: string): number {
    const n = Number(value.trim())
    if (value.trim() === '' || !Number.isFinite(n)) throw new Error(`'${value}' is not a valid float.`)
    return n
  },
  /** Click's boolean words: `1/true/t/yes/y/on` and `0/false/f/no/n/off`, any case. */
  boolean(value: string): boolean {
    const word = value.trim().toLowerCase()
    if (TRUE.has(word)) return true
    if (FALSE.has(word)) return false
    throw new Error(`'${value}' is not a valid boolean (use true/false, yes/no, on/off or 1/0).`)
  },
  /** A path, checked when `exists` is set (and its kind, `'file'` or `'dir'`). */
  path(options: { exists?: boolean; kind?: 'file' | 'dir' } = {}): (value: string) => string {
    return (value: string): string => {
      if (options.exists || options.kind) {
        if (!existsSync(value)) throw new Error(`Path '${value}' does not exist.`)
        const stat = statSync(value)
        if (options.kind === 'file' && !stat.isFile()) throw new Error(`'${value}' is not a file.`)
        if (options.kind === 'dir' && !stat.isDirectory()) throw new Error(`'${value}' is not a directory.`)
      }
      return value
    }
  },
} as const
