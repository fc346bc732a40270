/**
 * The names Flask puts in every template's globals: `url_for`,
 * `get_flashed_messages`, `config`, `request`, `session` and `g` (the last
 * three resolve to the current context when used, so imported macros see
 * them too), plus Jinja's `dict`.
 *
 * @module
 */
import type { AppCore } from '../core/app-core.ts'
import { g, request, session } from '../core/context.ts'
import { getFlashedMessages } from '../sessions/flash.ts'
import { urlFor } from '../core/url-for.ts'
import { isKeywords, splitKeywords } from './keywords.ts'
import type { NunjucksEnvironment } from './nunjucks.ts'
import { truthy } from './runtime.ts'

/**
 * `url_for('endpoint', id=1, _external=true, _anchor='top')` in a template.
 * Keyword arguments (or objects passed positionally) are the URL values.
 *
 * @example
 * ```jinja
 * <a href="{{ url_for('user', id=user.id) }}">{{ user.name }}</a>
 * ```
 */
export function url_for(endpoint: unknown, ...args: unknown[]): string {
  if (typeof endpoint !== 'string') throw new TypeError("url_for() needs the endpoint's name as its first argument")
  const values: Record<string, unknown> = {}
  for (const arg of args) {
    if (typeof arg !== 'object' || arg === null) {
      throw new TypeError(`url_for('${endpoint}', ...): pass URL values as keyword arguments, e.g. url_for('${endpoint}', id=1)`)
    }
    for (const key of Object.keys(arg)) if (key !== '__keywords') values[key] = (arg as Record<string, unknown>)[key]
  }
  return urlFor(endpoint, values)
}

/**
 * `get_flashed_messages(with_categories=false, category_filter=[])` in a
 * template.
 *
 * @example
 * ```jinja
 * {% for category, message in get_flashed_messages(with_categories=true) %}…{% endfor %}
 * ```
 */
export function get_flashed_messages(...args: unknown[]): string[] | Array<[string, string]> {
  const [positional, kw] = isKeywords(args[args.length - 1]) ? splitKeywords(args) : [args, {} as Record<string, unknown>]
  const withCategories = truthy(kw.with_categories ?? positional[0])
  const filter = (kw.category_filter ?? positional[1]) as readonly string[] | undefined
  const categoryFilter = filter && filter.length > 0 ? Array.from(filter) : undefined
  return withCategories ? getFlashedMessages({ withCategories: true, categoryFilter }) : getFlashedMessages({ categoryFilter })
}

/**
 * Jinja's `dict(a=1, b=2)`.
 *
 * @example
 * ```jinja
 * {{ link(attrs=dict(rel='nofollow')) }}
 * ```
 */
export function dict(...args: unknown[]): Record<string, unknown> {
  const [positional, kw] = splitKeywords(args)
  return Object.assign({}, ...positional.filter((a) => typeof a === 'object' && a !== null), kw) as Record<string, unknown>
}

/**
 * Adds Flask's template globals for `app` to an environment.
 *
 * @example
 * ```ts
 * installGlobals(env, app)
 * ```
 */
export function installGlobals(env: NunjucksEnvironment, app: AppCore): void {
  env.addGlobal('url_for', url_for)
  env.addGlobal('get_flashed_messages', get_flashed_messages)
  env.addGlobal('config', app.config)
  env.addGlobal('request', request)
  env.addGlobal('session', session)
  env.addGlobal('g', g)
  env.addGlobal('dict', dict)
}
