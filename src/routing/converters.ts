/**
 * Werkzeug's URL converters: `string` (the default), `int`, `float`, `path`,
 * `uuid` and `any`, and the base class for your own.
 *
 * @module
 */
import type { UrlMap } from './map.ts'
import { bindConverterArgs, type ConverterArgs } from './converter-args.ts'
import { ValidationError } from './errors.ts'
import { encodePath, encodePathSegment } from './quote.ts'
import { escapeRegex } from './regex.ts'

export type { ConverterArgs } from './converter-args.ts'

/**
 * Base class of every converter. A converter says what one `<variable>` of a
 * rule matches (`regex`), how it sorts against other converters (`weight`),
 * whether it may span `/` (`partIsolating = false`), and how to turn the
 * matched text into a value (`toValue`) and a value back into URL text
 * (`toUrl`).
 *
 * `regex` is JavaScript regex source (compiled with the `u` and `s` flags),
 * matched against the percent-decoded path. Capture groups are allowed but
 * `(?:...)` is cheaper. Set `partIsolating = false` if it can match `/`.
 *
 * @example
 * ```ts
 * class ListConverter extends BaseConverter {
 *   override regex = '[^/,]+(?:,[^/,]+)*'
 *   override toValue(value: string): string[] { return value.split(',') }
 *   override toUrl(value: unknown): string {
 *     return (value as string[]).map((v) => encodePathSegment(v)).join(',')
 *   }
 * }
 * app.urlMap.converters.list = ListConverter   // then '/tags/<list:tags>'
 * ```
 */
export abstract class BaseConverter {
  /** Regex source for one argument; `[^/]+` unless a subclass says otherwise. */
  regex = '[^/]+'
  /** Sort weight within dynamic parts: lower sorts first (int 50, string 100, path 200). */
  weight = 100
  /** `false` if the converter can match `/` (like `path`). */
  partIsolating = true
  /** The map this converter belongs to. */
  readonly map: UrlMap

  /**
   * @param map the map the rule is added to
   * @param args the arguments written in the rule, e.g. `<int(max=9):n>`
   */
  constructor(map: UrlMap, args?: ConverterArgs) {
    void args
    this.map = map
  }

  /**
   * Turns the matched (percent-decoded) text into the view argument. Throw
   * {@link ValidationError} to make the rule not match.
   *
   * @example
   * ```ts
   * new IntegerConverter(map, args).toValue('42') // 42
   * ```
   */
  toValue(value: string): unknown {
    return value
  }

  /**
   * Turns a value into percent-encoded URL text. Throw
   * {@link ValidationError} (or `TypeError`) to reject the value.
   *
   * @example
   * ```ts
   * new StringConverter(map).toUrl('a b') // 'a%20b'
   * ```
   */
  toUrl(value: unknown): string {
    return encodePathSegment(String(value))
  }
}

/**
 * A converter class, as registered in `UrlMap.converters`.
 *
 * @example
 * ```ts
 * const cls: ConverterClass = IntegerConverter
 * const converter = new cls(map, { positional: [], keyword: { min: 1 } })
 * ```
 */
export type ConverterClass = new (map: UrlMap, args: ConverterArgs) => BaseConverter

function nonNegativeInt(converter: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new Error(`converter '${converter}': '${name}' must be a non-negative integer, got ${String(value)}`)
  }
  return value
}

function optionalNumber(converter: string, name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new Error(`converter '${converter}': '${name}' must be a number, got ${String(value)}`)
  }
  return value
}

function flag(converter: string, name: string, value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (typeof value !== 'boolean') {
    throw new Error(`converter '${converter}': '${name}' must be True or False, got ${String(value)}`)
  }
  return value
}

/**
 * The default converter (`<name>` or `<string:name>`): any text without a
 * slash. Arguments: `minlength` (default 1), `maxlength`, `length`
 * (exact length, in characters).
 *
 * @example
 * ```ts
 * // '/user/<string(minlength=2, maxlength=20):name>'
 * new StringConverter(map, { positional: [], keyword: { length: 2 } }).regex // '[^/]{2}'
 * ```
 */
export class StringConverter extends BaseConverter {
  constructor(map: UrlMap, args?: ConverterArgs) {
    super(map, args)
    if (args === undefined) return
    const a = bindConverterArgs('string', args, ['minlength', 'maxlength', 'length'])
    if (a.length !== undefined && a.length !== null) {
      this.regex = `[^/]{${nonNegativeInt('string', 'length', a.length)}}`
      return
    }
    const min = a.minlength === undefined ? 1 : nonNegativeInt('string', 'minlength', a.minlength)
    const max = a.maxlength === undefined || a.maxlength === null ? null : nonNegativeInt('string', 'maxlength', a.maxlength)
    if (max !== null && max < min) throw new Error(`converter 'string': maxlength ${max} is below minlength ${min}`)
    if (min === 1 && max === null) this.regex = '[^/]+'
    else this.regex = `[^/]{${min},${max ?? ''}}`
  }
}

/**
 * `<int:name>`: a non-negative integer, as a JS `number`. Arguments:
 * `fixed_digits` (exact digit count, zero-padded when building), `min`,
 * `max`, `signed` (accept a leading `-`). Weight 50, so it is tried before
 * `string`. Values beyond `Number.MAX_SAFE_INTEGER` do not match.
 *
 * @example
 * ```ts
 * // '/archive/<int(fixed_digits=4):year>' matches '/archive/2024', builds year 7 as '/archive/0007'
 * ```
 */
export class IntegerConverter extends BaseConverter {
  override regex = '\\d+'
  override weight = 50
  /** Exact number of digits, or 0 for any. */
  readonly fixedDigits: number
  /** Smallest accepted value, or `null`. */
  readonly min: number | null
  /** Largest accepted value, or `null`. */
  readonly max: number | null
  /** Whether negative values are accepted. */
  readonly signed: boolean
  /** No fixed digits, min or max: any non-negative safe integer builds as is. */
  private readonly plain: boolean

  constructor(map: UrlMap, args?: ConverterArgs) {
    super(map, args)
    const a = args === undefined ? {} : bindConverterArgs('int', args, ['fixed_digits', 'min', 'max', 'signed'])
    this.fixedDigits = a.fixed_digits === undefined ? 0 : nonNegativeInt('int', 'fixed_digits', a.fixed_digits)
    this.min = optionalNumber('int', 'min', a.min)
    this.max = optionalNumber('int', 'max', a.max)
    this.signed = flag('int', 'signed', a.signed)
    if (this.signed) this.regex = '-?\\d+'
    this.plain = this.fixedDigits === 0 && this.min === null && this.max === null
  }

  override toValue(value: string): number {
    const negative = value.charCodeAt(0) === 45
    const start = negative ? 1 : 0
    const digits = value.length - start
    if (this.fixedDigits !== 0 && digits !== this.fixedDigits) {
      throw new ValidationError(`expected ${this.fixedDigits} digits`)
    }
    let n: number
    if (digits <= 15) {
      // fast path: up to 15 digits are always a safe integer
      n = 0
      for (let i = start; i < value.length; i++) {
        const d = value.charCodeAt(i) - 48
        if (d < 0 || d > 9) throw new ValidationError('not an integer')
        n = n * 10 + d
      }
      if (digits === 0) throw new ValidationError('not an integer')
      if (negative) n = -n
    } else {
      n = Number(value)
      if (!Number.isSafeInteger(n)) throw new ValidationError('integer out of the safe range')
    }
    if ((this.min !== null && n < this.min) || (this.max !== null && n > this.max)) {
      throw new ValidationError('integer out of range')
    }
    return n
  }

  override toUrl(value: unknown): string {
    if (typeof value === 'number' && this.plain && value >= 0 && Number.isSafeInteger(value)) return String(value)
    let n: number
    if (typeof value === 'number') n = value
    else if (typeof value === 'bigint') n = Number(value)
    else if (typeof value === 'string' && /^-?\d+$/.test(value)) n = Number(value)
    else throw new ValidationError(`expected an integer, got ${describe(value)}`)
    if (!Number.isSafeInteger(n)) throw new ValidationError(`expected a safe integer, got ${describe(value)}`)
    if (n < 0 && !this.signed) throw new ValidationError(`negative value ${n} but signed=False`)
    if (this.min !== null && n < this.min) throw new ValidationError(`${n} is below min=${this.min}`)
    if (this.max !== null && n > this.max) throw new ValidationError(`${n} is above max=${this.max}`)
    let digits = String(Math.abs(n))
    if (this.fixedDigits !== 0) {
      if (digits.length > this.fixedDigits) throw new ValidationError(`${n} has more than fixed_digits=${this.fixedDigits} digits`)
      digits = digits.padStart(this.fixedDigits, '0')
    }
    return n < 0 ? '-' + digits : digits
  }
}

/**
 * `<float:name>`: a decimal number written with a dot (`1.5`, not `1` or
 * `1e3`), as a JS `number`. Arguments: `min`, `max`, `signed`. Weight 50.
 * Building writes integers with `.0`.
 *
 * @example
 * ```ts
 * // '/price/<float(min=0.5):p>' matches '/price/2.25'; build({ p: 2 }) gives '/price/2.0'
 * ```
 */
export class FloatConverter extends BaseConverter {
  override regex = '\\d+\\.\\d+'
  override weight = 50
  /** Smallest accepted value, or `null`. */
  readonly min: number | null
  /** Largest accepted value, or `null`. */
  readonly max: number | null
  /** Whether negative values are accepted. */
  readonly signed: boolean

  constructor(map: UrlMap, args?: ConverterArgs) {
    super(map, args)
    const a = args === undefined ? {} : bindConverterArgs('float', args, ['min', 'max', 'signed'])
    this.min = optionalNumber('float', 'min', a.min)
    this.max = optionalNumber('float', 'max', a.max)
    this.signed = flag('float', 'signed', a.signed)
    if (this.signed) this.regex = '-?\\d+\\.\\d+'
  }

  override toValue(value: string): number {
    const n = Number(value)
    if (!Number.isFinite(n)) throw new ValidationError('not a finite number')
    if ((this.min !== null && n < this.min) || (this.max !== null && n > this.max)) {
      throw new ValidationError('number out of range')
    }
    return n
  }

  override toUrl(value: unknown): string {
    let n: number
    if (typeof value === 'number') n = value
    else if (typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value)) n = Number(value)
    else throw new ValidationError(`expected a number, got ${describe(value)}`)
    if (!Number.isFinite(n)) throw new ValidationError(`expected a finite number, got ${n}`)
    if (n < 0 && !this.signed) throw new ValidationError(`negative value ${n} but signed=False`)
    if (this.min !== null && n < this.min) throw new ValidationError(`${n} is below min=${this.min}`)
    if (this.max !== null && n > this.max) throw new ValidationError(`${n} is above max=${this.max}`)
    const text = String(n === 0 ? 0 : n)
    if (text.includes('e')) throw new ValidationError(`${text} cannot be written without an exponent`)
    return Number.isInteger(n) ? text + '.0' : text
  }
}

/**
 * `<path:name>`: like `string` but also matches slashes (never a leading
 * one). Weight 200, so it is tried last. Building keeps `/` unencoded.
 *
 * @example
 * ```ts
 * // '/docs/<path:page>' matches '/docs/guide/install' with page 'guide/install'
 * ```
 */
export class PathConverter extends BaseConverter {
  override regex = '[^/].*?'
  override weight = 200
  override partIsolating = false

  constructor(map: UrlMap, args?: ConverterArgs) {
    super(map, args)
    if (args !== undefined) bindConverterArgs('path', args, [])
  }

  override toUrl(value: unknown): string {
    return encodePath(String(value))
  }
}

/**
 * `<uuid:name>`: a UUID in its 8-4-4-4-12 hex form; the value is the
 * lower-cased string.
 *
 * @example
 * ```ts
 * // '/item/<uuid:id>' matches '/item/9B2E0A3C-1D4F-4A5B-8C6D-7E8F9A0B1C2D' with id '9b2e0a3c-…'
 * ```
 */
export class UuidConverter extends BaseConverter {
  override regex = '[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}'

  constructor(map: UrlMap, args?: ConverterArgs) {
    super(map, args)
    if (args !== undefined) bindConverterArgs('uuid', args, [])
  }

  override toValue(value: string): string {
    return value.toLowerCase()
  }

  override toUrl(value: unknown): string {
    if (typeof value !== 'string') throw new ValidationError(`expected a UUID string, got ${describe(value)}`)
    return value.toLowerCase()
  }
}

/**
 * `<any(a, b, c):name>`: exactly one of the listed words.
 *
 * @example
 * ```ts
 * // '/<any(about, help):page>' matches '/about' and '/help' only
 * ```
 */
export class AnyConverter extends BaseConverter {
  /** The accepted words. */
  readonly items: readonly string[]

  constructor(map: UrlMap, args?: ConverterArgs) {
    super(map, args)
    if (args !== undefined && Object.keys(args.keyword).length > 0) {
      throw new Error(`converter 'any' takes only positional arguments, got '${Object.keys(args.keyword)[0]}='`)
    }
    const items = (args?.positional ?? []).map((item) => String(item))
    if (items.length === 0) throw new Error(`converter 'any' needs at least one item, e.g. any(a, b)`)
    for (const item of items) {
      if (item === '' || item.includes('/')) throw new Error(`converter 'any': item '${item}' must be non-empty and without '/'`)
    }
    this.items = items
    this.regex = `(?:${items.map(escapeRegex).join('|')})`
  }

  override toUrl(value: unknown): string {
    const text = String(value)
    if (!this.items.includes(text)) {
      throw new ValidationError(`'${text}' is not one of ${this.items.map((i) => `'${i}'`).join(', ')}`)
    }
    return encodePathSegment(text)
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`
  if (typeof value === 'bigint') return `${value}n`
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}

/**
 * The converters every new `UrlMap` starts with (each map gets its own copy).
 *
 * @example
 * ```ts
 * const map = new UrlMap({ converters: { ...DEFAULT_CONVERTERS, list: ListConverter } })
 * ```
 */
export const DEFAULT_CONVERTERS: Readonly<Record<string, ConverterClass>> = Object.freeze({
  default: StringConverter,
  string: StringConverter,
  int: IntegerConverter,
  float: FloatConverter,
  path: PathConverter,
  uuid: UuidConverter,
  any: AnyConverter,
})
