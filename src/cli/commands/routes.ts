/**
 * `phial routes`: every rule with its endpoint and methods, as a table.
 */
import { Option, type Command } from 'commander'
import type { RunnableApp } from '../../server/serve.ts'
import type { ScriptInfo } from '../script-info.ts'

/**
 * The orders `phial routes --sort` knows; `match` is the order rules were added in.
 *
 * @example
 * ```ts
 * ROUTE_SORTS.includes('rule') // true
 * ```
 */
export const ROUTE_SORTS = ['endpoint', 'methods', 'rule', 'match'] as const

/**
 * Options of {@link formatRoutes}.
 *
 * @example
 * ```ts
 * formatRoutes(app, { sort: 'rule', allMethods: true } satisfies FormatRoutesOptions)
 * ```
 */
export interface FormatRoutesOptions {
  /** Default `endpoint`. */
  sort?: (typeof ROUTE_SORTS)[number]
  /** Show HEAD and OPTIONS too (hidden by default, as in Flask). */
  allMethods?: boolean
}

const HIDDEN = new Set(['HEAD', 'OPTIONS'])

/**
 * The routes table `phial routes` prints.
 *
 * @example
 * ```ts
 * console.log(formatRoutes(app, { sort: 'rule' }))
 * // Endpoint  Methods  Rule
 * // --------  -------  -----------------------
 * // index     GET      /
 * // static    GET      /static/<path:filename>
 * ```
 */
export function formatRoutes(app: RunnableApp, options: FormatRoutesOptions = {}): string {
  const rules = [...app.urlMap.rules()]
  if (rules.length === 0) return 'No routes were registered.'
  const rows = rules.map((rule) => {
    const methods = rule.methods === null ? ['*'] : [...rule.methods].filter((m) => options.allMethods || !HIDDEN.has(m)).sort()
    return { endpoint: rule.endpoint, methods: methods.join(', '), rule: rule.rule }
  })
  const sort = options.sort ?? 'endpoint'
  if (sort !== 'match') rows.sort((a, b) => (a[sort] < b[sort] ? -1 : a[sort] > b[sort] ? 1 : 0))
  const headers = ['Endpoint', 'Methods', 'Rule'] as const
  const keys = ['endpoint', 'methods', 'rule'] as const
  const widths = keys.map((k, i) => Math.max(headers[i].length, ...rows.map((r) => r[k].length)))
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ')
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(keys.map((k) => r[k])))].join('\n')
}

/**
 * Adds `routes` to the program.
 *
 * @example
 * ```ts
 * registerRoutesCommand(program, info)   // phial routes --sort rule --all-methods
 * ```
 */
export function registerRoutesCommand(program: Command, info: ScriptInfo): void {
  program
    .command('routes')
    .description('Show the routes of the app.')
    .addOption(new Option('-s, --sort <order>', "sort by 'endpoint', 'methods', 'rule', or 'match' (the order rules were added in)").choices(ROUTE_SORTS).default('endpoint'))
    .option('--all-methods', 'show HEAD and OPTIONS too', false)
    .action(async (opts: { sort: FormatRoutesOptions['sort']; allMethods: boolean }) => {
      const app = await info.loadApp()
      process.stdout.write(formatRoutes(app, opts) + '\n')
    })
}
