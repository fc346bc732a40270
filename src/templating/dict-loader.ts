/**
 * `DictLoader`: templates from an object of name → source (Jinja's
 * `DictLoader`), for tests and for `createGlobalTemplateLoader`.
 *
 * @module
 */
import type { TemplateSource, TemplateSourceLoader } from '../core/template-registry.ts'

/**
 * Loads templates from a mapping of names to sources (Jinja's `DictLoader`).
 * Changing `mapping` later is seen on the next load (in auto-reload mode, a
 * changed source reloads).
 *
 * @example
 * ```ts
 * class MyApp extends Phial {
 *   override createGlobalTemplateLoader() {
 *     return new DictLoader({ 'index.html': 'Hello Custom World!' })
 *   }
 * }
 * ```
 */
export class DictLoader implements TemplateSourceLoader {
  /** The templates by name. */
  readonly mapping: Record<string, string>

  constructor(mapping: Record<string, string>) {
    this.mapping = mapping
  }

  /** The source of `name`, or null. */
  getSource(name: string): TemplateSource | null {
    if (!Object.hasOwn(this.mapping, name)) return null
    const source = this.mapping[name]
    return { source, filename: null, upToDate: () => this.mapping[name] === source }
  }

  /** The names, sorted. */
  listTemplates(): string[] {
    return Object.keys(this.mapping).sort()
  }
}
