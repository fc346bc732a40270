/**
 * The `{% cache %}` template tag (Flask-Caching's Jinja extension): a
 * fragment of a template rendered once and then served from the cache.
 *
 * ```jinja
 * {% cache 300, 'sidebar', user.id %}…expensive markup…{% endcache %}
 * ```
 */
import { getTemplateEnvironment, markSafe, type Phial } from 'phial'
import type { CacheBackend } from './backends/types.ts'
import { fragmentStore, TEMPLATE_FRAGMENT_KEY_PREFIX } from './fragments.ts'
import { encodeValue, readStored } from './serializer.ts'

export { TEMPLATE_FRAGMENT_KEY_PREFIX }

/**
 * The key of a `{% cache timeout, name, ...varyOn %}` fragment, to delete it
 * from code (Flask-Caching's `make_template_fragment_key`).
 *
 * @example
 * ```ts
 * await cache.delete(makeTemplateFragmentKey('sidebar', [user.id]))
 * ```
 */
export function makeTemplateFragmentKey(name: string, varyOn: readonly unknown[] = []): string {
  return TEMPLATE_FRAGMENT_KEY_PREFIX + [name, ...varyOn.map((v) => String(v))].join('_')
}

/**
 * What the tag needs from a cache: this app's backend and a lifetime in seconds.
 *
 * @example
 * ```ts
 * const owner: FragmentCache = cache
 * ```
 */
export interface FragmentCache {
  backend(app: Phial): CacheBackend
  ttl(backend: CacheBackend, timeout?: number | null): number
}

interface NunjucksParser {
  nextToken(): { value: string; lineno: number; colno: number }
  parseSignature(throwErrors: null, noParens: boolean): { children: unknown[] }
  advanceAfterBlockEnd(name?: string): void
  parseUntilBlocks(...names: string[]): unknown
}

interface NunjucksNodes {
  CallExtension: new (ext: object, prop: string, args: unknown, contentArgs: unknown[]) => unknown
}

const TAG_OWNER = Symbol.for('phial.caching.templateTag')

/**
 * Registers `{% cache %}` in `app`'s template environment, backed by
 * `cache`. Phial renders templates synchronously, so fragments are read and
 * written synchronously: in the backend itself when it lives in this
 * process (`simple`), else in copies this process keeps, which a
 * `cache.delete(makeTemplateFragmentKey(...))` anywhere drops everywhere
 * when the backend is Redis (pub/sub).
 *
 * @example
 * ```ts
 * registerCacheTag(app, cache)
 * // {% cache 60, 'recent-posts' %}{% for p in posts %}…{% endfor %}{% endcache %}
 * ```
 */
export function registerCacheTag(app: Phial, cache: FragmentCache, replace = false): void {
  const env = getTemplateEnvironment(app)
  const holder = env as unknown as Record<symbol, FragmentCache | undefined>
  if (holder[TAG_OWNER] !== undefined && !replace) return
  const first = holder[TAG_OWNER] === undefined
  holder[TAG_OWNER] = cache
  if (!first) return
  const extension = {
    tags: ['cache'],
    parse(parser: NunjucksParser, nodes: NunjucksNodes) {
      const tag = parser.nextToken()
      const args = parser.parseSignature(null, true)
      parser.advanceAfterBlockEnd(tag.value)
      const body = parser.parseUntilBlocks('endcache')
      parser.advanceAfterBlockEnd()
      return new nodes.CallExtension(extension, 'run', args, [body])
    },
    run(_context: unknown, ...rest: unknown[]): unknown {
      const body = rest.pop() as () => string
      const [timeout, name, ...varyOn] = rest
      if (typeof name !== 'string' || name === '') {
        throw new TypeError("{% cache %} needs a lifetime and a fragment name: {% cache 60, 'sidebar' %} (or {% cache none, 'sidebar', user.id %})")
      }
      const owner = holder[TAG_OWNER]!
      const backend = owner.backend(app)
      const sync = fragmentStore(backend)
      const key = makeTemplateFragmentKey(name, varyOn)
      const found = readStored(sync.get(key))
      if (found.found && typeof found.value === 'string') return markSafe(found.value)
      const html = String(body())
      sync.set(key, encodeValue(html), owner.ttl(backend, timeout as number | null | undefined))
      return markSafe(html)
    },
  }
  env.addExtension('PhialCache', extension as unknown as Parameters<typeof env.addExtension>[1])
}
