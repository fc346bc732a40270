/**
 * Per-rule compiled conversion of matched texts into view arguments.
 *
 * @module
 */
import type { BaseConverter } from './converters.ts'
import { ValidationError } from './errors.ts'

/**
 * Converts the raw texts a rule matched (in variable order) into its view
 * arguments, then adds the rule's defaults; `null` when a converter throws
 * {@link ValidationError}.
 *
 * @example
 * ```ts
 * const convert: ArgsConverter = compileConverter([intConverter], ['id'], { tab: 'a' })
 * convert(['7']) // { id: 7, tab: 'a' }
 * ```
 */
export type ArgsConverter = (values: readonly string[]) => Record<string, unknown> | null

/**
 * Compiles the converter of one rule. Where code generation is allowed (and
 * `codegen` is not false) it emits one function per rule whose object
 * literal always has the same shape (fast property access for views);
 * elsewhere it falls back to a loop.
 * Names are validated identifiers and default keys are JSON-quoted, and
 * `__proto__` is refused by the rule, so the generated source is safe.
 *
 * @example
 * ```ts
 * compileConverter([], [], null)([]) // {}
 * ```
 */
export function compileConverter(
  converters: readonly BaseConverter[],
  names: readonly string[],
  defaults: Readonly<Record<string, unknown>> | null,
  codegen = true,
): ArgsConverter {
  const defaultKeys = defaults === null ? [] : Object.keys(defaults)
  if (!codegen) return looped(converters, names, defaults, defaultKeys)
  try {
    return generated(converters, names, defaults, defaultKeys)
  } catch {
    return looped(converters, names, defaults, defaultKeys)
  }
}

function generated(
  converters: readonly BaseConverter[],
  names: readonly string[],
  defaults: Readonly<Record<string, unknown>> | null,
  defaultKeys: readonly string[],
): ArgsConverter {
  const fields: string[] = []
  names.forEach((name, i) => fields.push(`${JSON.stringify(name)}: c${i}.toValue(v[${i}])`))
  defaultKeys.forEach((key) => fields.push(`${JSON.stringify(key)}: d[${JSON.stringify(key)}]`))
  const unpack = converters.map((_, i) => `const c${i} = c[${i}];`).join('\n')
  const body = converters.length === 0
    ? `return function convert() { return { ${fields.join(', ')} } }`
    : `return function convert(v) {
        try { return { ${fields.join(', ')} } }
        catch (e) { if (e instanceof V) return null; throw e }
      }`
  const source = `'use strict';\n${unpack}\n${body}`
  let factory = factories.get(source)
  if (factory === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    factory = new Function('c', 'd', 'V', source) as ConverterFactory
    factories.set(source, factory)
  }
  return factory(converters, defaults, ValidationError)
}

type ConverterFactory = (
  c: readonly BaseConverter[],
  d: Readonly<Record<string, unknown>> | null,
  V: typeof ValidationError,
) => ArgsConverter

/**
 * Factories by source text. Rules of one shape (same variable names and
 * default keys: `<int:id>` on a hundred resources) share one: `new
 * Function` costs ~8 µs even for a source V8 has seen and ~60 µs for a new
 * one, a large part of adding a rule at startup. Each rule still gets its
 * own `convert` closure over its own converters.
 */
const factories = new Map<string, ConverterFactory>()

function looped(
  converters: readonly BaseConverter[],
  names: readonly string[],
  defaults: Readonly<Record<string, unknown>> | null,
  defaultKeys: readonly string[],
): ArgsConverter {
  return (values) => {
    const args: Record<string, unknown> = {}
    for (let i = 0; i < converters.length; i++) {
      try {
        args[names[i]] = converters[i].toValue(values[i])
      } catch (error) {
        if (error instanceof ValidationError) return null
        throw error
      }
    }
    if (defaults !== null) for (const key of defaultKeys) args[key] = defaults[key]
    return args
  }
}
