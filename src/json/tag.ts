/**
 * Tagged JSON (Flask's `flask.json.tag`): a compact, lossless JSON form for
 * values JSON has no type for, used by the session cookie. A tagged value is
 * a one-key object whose key names the type: `{" b": "AAE="}` is bytes.
 *
 * | tag | JS value | JSON form |
 * | --- | --- | --- |
 * | `" t"` | a frozen array (`Object.freeze([1, 2])`): Python's tuple | array |
 * | `" b"` | `Buffer` / `Uint8Array` (reads back as `Buffer`) | standard base64 |
 * | `" m"` | `Markup` (anything with `__html__`) | the HTML text |
 * | `" u"` | {@link UUID} | 32 hex digits |
 * | `" d"` | `Date` (whole seconds) | HTTP date |
 * | `" di"` | a one-key object whose key is a tag | the key + `__` |
 *
 * @module
 */
import { asciiEscape, httpDate, parseHttpDate } from './text.ts'
import { UUID } from './uuid.ts'

/** A one-key object's key, or undefined. */
function onlyKey(value: object): string | undefined {
  let found: string | undefined
  for (const key in value) {
    if (found !== undefined) return undefined
    found = key
  }
  return found
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

/**
 * A type tag of {@link TaggedJSONSerializer} (Flask's `JSONTag`). Subclass
 * it with a `key`, `check`, `toJson` and `toValue` (Flask's `to_json` and
 * `to_python`) and register the class.
 *
 * @example
 * ```ts
 * class TagMoney extends JSONTag {
 *   override key = ' money'
 *   override check(value: unknown) { return value instanceof Money }
 *   override toJson(value: Money) { return value.cents }
 *   override toValue(cents: number) { return new Money(cents) }
 * }
 * sessionJsonSerializer.register(TagMoney, { index: 0 })
 * ```
 */
export abstract class JSONTag {
  /** The tag key written around the value; an empty key tags nothing (an intermediate step, as PassDict). */
  key = ''

  /** @param serializer - the serializer this tag belongs to (use it to tag nested values). */
  constructor(readonly serializer: TaggedJSONSerializer) {}

  /** Whether this tag handles `value`. */
  abstract check(value: unknown): boolean

  /** The value as a JSON-ready value (the tag is added around it by {@link tag}). */
  abstract toJson(value: unknown): unknown

  /** The JS value back from its JSON form (the tag already removed). */
  abstract toValue(value: unknown): unknown

  /** `{ [key]: toJson(value) }`. */
  tag(value: unknown): unknown {
    return { [this.key]: this.toJson(value) }
  }
}

/** A one-key object whose key is a registered tag: the key gets `__` so it is not read as that tag. */
export class TagDict extends JSONTag {
  override key = ' di'
  override check(value: unknown): boolean {
    if (!isPlainObject(value)) return false
    const key = onlyKey(value)
    return key !== undefined && this.serializer.tags.has(key)
  }
  override toJson(value: Record<string, unknown>): unknown {
    const key = onlyKey(value)!
    return { [`${key}__`]: this.serializer.tag(value[key]) }
  }
  override toValue(value: Record<string, unknown>): unknown {
    const key = onlyKey(value)!
    return { [key.slice(0, -2)]: value[key] }
  }
}

/** Any other plain object: its values are tagged (keys sorted with `sortKeys`, as Flask's provider writes them). */
export class PassDict extends JSONTag {
  override check(value: unknown): boolean {
    return isPlainObject(value)
  }
  override toJson(value: Record<string, unknown>): unknown {
    const out: Record<string, unknown> = {}
    const keys = Object.keys(value)
    if (this.serializer.sortKeys) keys.sort()
    for (const key of keys) {
      const item = value[key]
      if (item !== undefined) out[key] = this.serializer.tag(item)
    }
    return out
  }
  override tag(value: unknown): unknown {
    return this.toJson(value as Record<string, unknown>)
  }
  /** Never asked (an empty key tags nothing, so nothing reads back through it): the value as it is. */
  override toValue(value: unknown): unknown {
    return value
  }
}

/** A frozen array (Python's tuple): tagged `" t"`; a Flask tuple reads back frozen. */
export class TagTuple extends JSONTag {
  override key = ' t'
  override check(value: unknown): boolean {
    return Array.isArray(value) && Object.isFrozen(value)
  }
  override toJson(value: unknown[]): unknown {
    return value.map((item) => this.serializer.tag(item))
  }
  override toValue(value: unknown[]): unknown {
    return Object.freeze(Array.isArray(value) ? value : [value])
  }
}

/** Any other array: its items are tagged. */
export class PassList extends JSONTag {
  override check(value: unknown): boolean {
    return Array.isArray(value)
  }
  override toJson(value: unknown[]): unknown {
    return value.map((item) => this.serializer.tag(item))
  }
  override tag(value: unknown): unknown {
    return this.toJson(value as unknown[])
  }
  /** Never asked (an empty key tags nothing): the value as it is. */
  override toValue(value: unknown): unknown {
    return value
  }
}

/** `Buffer` / `Uint8Array`: standard base64 (Python's `b64encode`); reads back as a `Buffer`. */
export class TagBytes extends JSONTag {
  override key = ' b'
  override check(value: unknown): boolean {
    return value instanceof Uint8Array
  }
  override toJson(value: Uint8Array): unknown {
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')
  }
  override toValue(value: unknown): unknown {
    return Buffer.from(String(value), 'base64')
  }
}

/**
 * Anything with `__html__` (MarkupSafe's protocol): its HTML text; reads
 * back through {@link TaggedJSONSerializer.markup} (Phial's `Markup`).
 */
export class TagMarkup extends JSONTag {
  override key = ' m'
  override check(value: unknown): boolean {
    return typeof value === 'object' && value !== null && typeof (value as { __html__?: unknown }).__html__ === 'function'
  }
  override toJson(value: { __html__(): unknown }): unknown {
    return String(value.__html__())
  }
  override toValue(value: unknown): unknown {
    return this.serializer.markup(String(value))
  }
}

/** A {@link UUID}: its 32 hex digits. */
export class TagUUID extends JSONTag {
  override key = ' u'
  override check(value: unknown): boolean {
    return value instanceof UUID
  }
  override toJson(value: UUID): unknown {
    return value.hex
  }
  override toValue(value: unknown): unknown {
    return new UUID(String(value))
  }
}

/** A `Date`: an HTTP date, so whole seconds (as Flask); an unreadable date reads back as `null` (Werkzeug's `parse_date`). */
export class TagDateTime extends JSONTag {
  override key = ' d'
  override check(value: unknown): boolean {
    return value instanceof Date
  }
  override toJson(value: Date): unknown {
    if (Number.isNaN(value.getTime())) throw new TypeError('An invalid Date cannot be serialized')
    return httpDate(value)
  }
  override toValue(value: unknown): unknown {
    return parseHttpDate(String(value))
  }
}

/** A tag class, as {@link TaggedJSONSerializer.register} takes it. */
export type JSONTagClass = new (serializer: TaggedJSONSerializer) => JSONTag

/**
 * Options of {@link TaggedJSONSerializer.register}.
 *
 * @example
 * ```ts
 * serializer.register(TagMoney, { index: 0, force: true })
 * ```
 */
export interface RegisterTagOptions {
  /** Replace a tag registered under the same key (else an error). */
  force?: boolean
  /** Where in the check order (negative counts from the end, as Python's `list.insert`); default last. */
  index?: number
}

/** A Markup stand-in for a serializer used without Phial's `Markup` (the app sets the real one). */
class HtmlText {
  constructor(private readonly html: string) {}
  __html__(): string {
    return this.html
  }
  toString(): string {
    return this.html
  }
}

/**
 * Serializes values with type tags to compact JSON and back (Flask's
 * `TaggedJSONSerializer`), so bytes, dates, `Markup`, tuples (frozen
 * arrays), {@link UUID}s and objects that look like tags survive the session
 * cookie. A Flask app reads its text and the other way round; with
 * `sortKeys = true` it is Flask's byte for byte (ASCII escapes included).
 * Register your own {@link JSONTag} for more types.
 *
 * @example
 * ```ts
 * const s = new TaggedJSONSerializer()
 * s.stringify({ at: new Date(0), raw: Buffer.from([255]) })
 * // '{"at":{" d":"Thu, 01 Jan 1970 00:00:00 GMT"},"raw":{" b":"/w=="}}'
 * s.parse(s.stringify(Object.freeze([1, 2])))   // frozen [1, 2]
 * ```
 */
export class TaggedJSONSerializer {
  /**
   * Builds what a `" m"` tag reads back as, for every serializer that has
   * no `markup` of its own. Phial sets it to `(html) => new Markup(html)`
   * when `phial` is imported.
   */
  static markup: (html: string) => unknown = (html) => new HtmlText(html)

  /** The tags by key. */
  readonly tags = new Map<string, JSONTag>()
  /** The tags in the order they are checked when tagging. */
  readonly order: JSONTag[] = []
  /**
   * Sort object keys, as Flask's provider does: with it the text is Flask's
   * byte for byte. Default false: keys keep their insertion order through
   * the cookie (`session.keys()` as set), and Flask reads either.
   */
  sortKeys = false
  /** Escape non-ASCII as `\uXXXX` (as Flask writes it). Default true. */
  ensureAscii = true
  /** Builds the value of a `" m"` tag; defaults to {@link TaggedJSONSerializer.markup}. */
  markup: (html: string) => unknown = (html) => TaggedJSONSerializer.markup(html)
  // every key starts with a space: a text without `" ` holds no tag and is parsed as it is
  #spaceKeys = true

  /** Flask's tags in Flask's order. */
  static readonly defaultTags: readonly JSONTagClass[] = [TagDict, PassDict, TagTuple, PassList, TagBytes, TagMarkup, TagUUID, TagDateTime]

  constructor() {
    for (const cls of (this.constructor as typeof TaggedJSONSerializer).defaultTags) this.register(cls)
  }

  /**
   * Adds a tag class (Flask's `register`).
   *
   * @throws Error when its key is already registered, unless `force`.
   *
   * @example
   * ```ts
   * serializer.register(TagMoney)              // checked last
   * serializer.register(TagSpecial, { index: 0 }) // checked before the object tags
   * ```
   */
  register(tagClass: JSONTagClass, options: RegisterTagOptions = {}): void {
    const tag = new tagClass(this)
    const key = tag.key
    if (key) {
      if (!options.force && this.tags.has(key)) throw new Error(`Tag '${key}' is already registered.`)
      const old = this.tags.get(key)
      if (old) this.order.splice(this.order.indexOf(old), 1)
      this.tags.set(key, tag)
      if (!key.startsWith(' ')) this.#spaceKeys = false
    }
    const index = options.index
    if (index === undefined) this.order.push(tag)
    else this.order.splice(index < 0 ? Math.max(0, this.order.length + index) : index, 0, tag)
  }

  /** The tagged, JSON-ready form of a value (Flask's `tag`). */
  tag(value: unknown): unknown {
    const type = typeof value
    if (type === 'string' || type === 'number' || type === 'boolean' || value == null) return value
    for (const tag of this.order) {
      if (tag.check(value)) return tag.tag(value)
    }
    return value
  }

  /** A one-key tagged object back to its value (Flask's `untag`). */
  untag(value: Record<string, unknown>): unknown {
    const key = onlyKey(value)
    if (key === undefined) return value
    const tag = this.tags.get(key)
    return tag === undefined ? value : tag.toValue(value[key])
  }

  #untagScan(value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = this.#untagScan(value[i])
      return value
    }
    const record = value as Record<string, unknown>
    for (const key in record) {
      const item = record[key]
      if (typeof item !== 'object' || item === null) continue
      const scanned = this.#untagScan(item)
      if (scanned === item) continue
      if (key === '__proto__') Object.defineProperty(record, key, { value: scanned, enumerable: true, writable: true, configurable: true })
      else record[key] = scanned
    }
    return this.untag(record)
  }

  /**
   * Tags a value and writes it as compact JSON (Flask's `dumps`).
   *
   * @example
   * ```ts
   * serializer.stringify({ ids: Object.freeze([1, 2]) }) // '{"ids":{" t":[1,2]}}'
   * ```
   */
  stringify(value: unknown): string {
    const text = JSON.stringify(this.tag(value))
    if (text === undefined) throw new TypeError(`Object of type ${typeof value} is not JSON serializable`)
    return this.ensureAscii ? asciiEscape(text) : text
  }

  /**
   * Reads JSON and turns tagged objects back into their values (Flask's
   * `loads`).
   *
   * @example
   * ```ts
   * serializer.parse('{" u":"12345678123456781234567812345678"}') instanceof UUID // true
   * ```
   */
  parse(text: string): unknown {
    const value = JSON.parse(text) as unknown
    if (this.#spaceKeys && !text.includes('" ') && !text.includes('\\u0020')) return value
    return this.#untagScan(value)
  }

  /** Flask's name for {@link stringify}. */
  dumps(value: unknown): string {
    return this.stringify(value)
  }

  /** Flask's name for {@link parse}. */
  loads(text: string): unknown {
    return this.parse(text)
  }
}
