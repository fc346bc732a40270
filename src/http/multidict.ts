/**
 * Werkzeug's MultiDict: a mapping where a key may have several values, as
 * query strings and form bodies do (`?tag=a&tag=b`). Backed by a `Map`, so
 * keys such as `__proto__` or `constructor` are ordinary keys and can never
 * reach an object prototype.
 */
import { BadRequestKeyError } from './bad-request-key.ts'

/**
 * What a {@link MultiDict} can be built from: `[key, value]` pairs or a
 * record (array values add one pair each).
 *
 * @example
 * ```ts
 * const init: MultiDictInit<string> = { tag: ['a', 'b'], page: '1' }
 * ```
 */
export type MultiDictInit<V> = Iterable<readonly [string, V]> | Record<string, V | readonly V[]>

/**
 * A mapping of keys to one or more values, in insertion order.
 *
 * @example
 * ```ts
 * const args = new MultiDict([['tag', 'a'], ['tag', 'b'], ['page', '2']])
 * args.get('tag')                                  // 'a'
 * args.getAll('tag')                               // ['a', 'b']
 * args.get('page', { type: Number, default: 1 })   // 2
 * args.get('size', { type: Number, default: 20 })  // 20
 * ```
 */
export class MultiDict<V = string> implements Iterable<[string, V]> {
  /** The storage: each key to its non-empty list of values. */
  protected readonly lists_: Map<string, V[]>

  constructor(entries?: MultiDictInit<V> | null) {
    const map = new Map<string, V[]>()
    this.lists_ = map
    if (entries == null) return
    if (Symbol.iterator in entries) {
      for (const [key, value] of entries as Iterable<readonly [string, V]>) {
        const list = map.get(key)
        if (list === undefined) map.set(key, [value])
        else list.push(value)
      }
    } else {
      for (const key of Object.keys(entries)) {
        const value = (entries as Record<string, V | readonly V[]>)[key]
        if (Array.isArray(value)) {
          if (value.length > 0) map.set(key, [...(value as V[])])
        } else map.set(key, [value as V])
      }
    }
  }

  /**
   * Builds a MultiDict from `[key, values]` lists (the shape {@link lists} yields).
   *
   * @example
   * ```ts
   * MultiDict.fromLists([['tag', ['a', 'b']]]).getAll('tag') // ['a', 'b']
   * ```
   */
  static fromLists<V>(lists: Iterable<readonly [string, readonly V[]]>): MultiDict<V> {
    const md = new MultiDict<V>()
    for (const [key, values] of lists) if (values.length > 0) md.lists_.set(key, [...values])
    return md
  }

  /** The number of distinct keys. */
  get size(): number {
    return this.lists_.size
  }

  /**
   * The first value of `key`; with `{ type, default }` the converted value,
   * or `default` when the key is missing or conversion fails (Werkzeug's
   * `get(key, default, type)`).
   *
   * A `type` that throws, or returns `NaN` (so `type: Number` works on
   * `'abc'`), counts as a failed conversion.
   *
   * @example
   * ```ts
   * args.get('q')                                   // 'shoes' | undefined
   * args.get('page', { type: Number, default: 1 })  // number
   * args.get('sort', { default: 'name' })           // string
   * ```
   */
  get(key: string): V | undefined
  get<T>(key: string, options: { type: (value: V) => T; default: T }): T
  get<T>(key: string, options: { type: (value: V) => T; default?: T }): T | undefined
  get(key: string, options: { default: V }): V
  get<T>(key: string, options?: { type?: (value: V) => T; default?: T | V }): V | T | undefined {
    const list = this.lists_.get(key)
    if (options === undefined) return list === undefined ? undefined : list[0]
    if (list === undefined) return options.default
    const convert = options.type
    if (convert === undefined) return list[0]
    try {
      const converted = convert(list[0])
      return typeof converted === 'number' && Number.isNaN(converted) ? options.default : converted
    } catch {
      return options.default
    }
  }

  /**
   * The first value of `key`, or a {@link BadRequestKeyError} (a 400) when it
   * is missing: the port of Flask's `request.form['username']`, for a field
   * the view cannot do without. `get` is for optional keys.
   *
   * @example
   * ```ts
   * app.post('/login', function login() {
   *   const username = request.form.require('username') // 400 when the form has no username
   *   return `Hello ${username}`
   * })
   * ```
   */
  require(key: string): V {
    const list = this.lists_.get(key)
    if (list === undefined) throw new BadRequestKeyError(key)
    return list[0]
  }

  /**
   * Every value of `key` (a new array; empty when missing). With `type`,
   * values that fail to convert are left out, as Werkzeug's `getlist`.
   *
   * @example
   * ```ts
   * new MultiDict([['id', '1'], ['id', 'x']]).getAll('id', { type: Number }) // [1]
   * ```
   */
  getAll(key: string): V[]
  getAll<T>(key: string, options: { type: (value: V) => T }): T[]
  getAll<T>(key: string, options?: { type: (value: V) => T }): Array<V | T> {
    const list = this.lists_.get(key)
    if (list === undefined) return []
    const convert = options?.type
    if (convert === undefined) return list.slice()
    const out: T[] = []
    for (const value of list) {
      try {
        const converted = convert(value)
        if (!(typeof converted === 'number' && Number.isNaN(converted))) out.push(converted)
      } catch {
        /* skipped, as Werkzeug does */
      }
    }
    return out
  }

  /**
   * True when `key` has at least one value.
   *
   * @example
   * ```ts
   * new MultiDict({ a: '1' }).has('a') // true
   * ```
   */
  has(key: string): boolean {
    return this.lists_.has(key)
  }

  /**
   * Replaces every value of `key` with `value`.
   *
   * @example
   * ```ts
   * md.set('page', '1')
   * ```
   */
  set(key: string, value: V): this {
    this.lists_.set(key, [value])
    return this
  }

  /**
   * Replaces every value of `key` with `values` (an empty list removes the key).
   *
   * @example
   * ```ts
   * md.setAll('tag', ['a', 'b'])
   * ```
   */
  setAll(key: string, values: Iterable<V>): this {
    const list = [...values]
    if (list.length === 0) this.lists_.delete(key)
    else this.lists_.set(key, list)
    return this
  }

  /**
   * Appends a value to `key`, keeping the existing ones.
   *
   * @example
   * ```ts
   * md.add('tag', 'c')
   * ```
   */
  add(key: string, value: V): this {
    const list = this.lists_.get(key)
    if (list === undefined) this.lists_.set(key, [value])
    else list.push(value)
    return this
  }

  /**
   * Sets `key` to `value` unless it has a value; returns the first value.
   *
   * @example
   * ```ts
   * md.setDefault('page', '1') // '1', or the existing first value
   * ```
   */
  setDefault(key: string, value: V): V {
    const list = this.lists_.get(key)
    if (list !== undefined) return list[0]
    this.lists_.set(key, [value])
    return value
  }

  /**
   * Removes `key` and every value; true when it was present.
   *
   * @example
   * ```ts
   * md.delete('tag')
   * ```
   */
  delete(key: string): boolean {
    return this.lists_.delete(key)
  }

  /**
   * Removes every key.
   *
   * @example
   * ```ts
   * md.clear()
   * ```
   */
  clear(): void {
    this.lists_.clear()
  }

  /**
   * The distinct keys, in insertion order.
   *
   * @example
   * ```ts
   * [...md.keys()]
   * ```
   */
  keys(): IterableIterator<string> {
    return this.lists_.keys()
  }

  /**
   * The first value of each key.
   *
   * @example
   * ```ts
   * [...new MultiDict([['a', '1'], ['a', '2']]).values()] // ['1']
   * ```
   */
  *values(): IterableIterator<V> {
    for (const list of this.lists_.values()) yield list[0]
  }

  /**
   * Every `[key, value]` pair, a repeated key once per value, grouped by key
   * in the order keys were first added.
   *
   * @example
   * ```ts
   * [...new MultiDict([['a', '1'], ['a', '2']]).entries()] // [['a', '1'], ['a', '2']]
   * ```
   */
  *entries(): IterableIterator<[string, V]> {
    for (const [key, list] of this.lists_) for (const value of list) yield [key, value]
  }

  /**
   * Same as {@link entries}.
   *
   * @example
   * ```ts
   * for (const [key, value] of request.form) console.log(key, value)
   * ```
   */
  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.entries()
  }

  /**
   * `[key, values]` per key (the arrays are copies).
   *
   * @example
   * ```ts
   * [...md.lists()] // [['tag', ['a', 'b']]]
   * ```
   */
  *lists(): IterableIterator<[string, V[]]> {
    for (const [key, list] of this.lists_) yield [key, list.slice()]
  }

  /**
   * A null-prototype object: the first value per key, or with
   * `{ flat: false }` every value as an array (Werkzeug's `to_dict`).
   *
   * @example
   * ```ts
   * md.toObject()                  // { tag: 'a' }
   * md.toObject({ flat: false })   // { tag: ['a', 'b'] }
   * ```
   */
  toObject(): Record<string, V>
  toObject(options: { flat: false }): Record<string, V[]>
  toObject(options: { flat: boolean }): Record<string, V | V[]>
  toObject(options?: { flat: boolean }): Record<string, V | V[]> {
    const out = Object.create(null) as Record<string, V | V[]>
    const flat = options?.flat ?? true
    for (const [key, list] of this.lists_) out[key] = flat ? list[0] : list.slice()
    return out
  }

  /**
   * The JSON form: the first value per key, like {@link toObject}.
   *
   * @example
   * ```ts
   * JSON.stringify(new MultiDict({ a: ['1', '2'] })) // '{"a":"1"}'
   * ```
   */
  toJSON(): Record<string, V> {
    return this.toObject()
  }

  /**
   * A mutable copy (also of an {@link ImmutableMultiDict}).
   *
   * @example
   * ```ts
   * const args = request.args.copy()
   * args.set('page', '2')
   * ```
   */
  copy(): MultiDict<V> {
    return MultiDict.fromLists(this.lists_)
  }

  /**
   * An immutable copy.
   *
   * @example
   * ```ts
   * const frozen = md.freeze()
   * frozen.add('a', '1') // TypeError
   * ```
   */
  freeze(): ImmutableMultiDict<V> {
    const frozen = new ImmutableMultiDict<V>()
    for (const [key, list] of this.lists_) frozen.lists_.set(key, list.slice())
    return frozen
  }

  get [Symbol.toStringTag](): string {
    return this.constructor.name
  }
}

function readOnly(): never {
  throw new TypeError('This MultiDict is immutable (request data is read-only); use .copy() to get a mutable one')
}

/**
 * A {@link MultiDict} whose mutating methods throw a TypeError: what
 * `request.args`, `request.form` and `request.files` are.
 *
 * @example
 * ```ts
 * const form = new ImmutableMultiDict([['name', 'Ada']])
 * form.get('name')         // 'Ada'
 * form.set('name', 'Bob')  // TypeError
 * ```
 */
export class ImmutableMultiDict<V = string> extends MultiDict<V> {
  override set(_key: string, _value: V): never {
    return readOnly()
  }

  override setAll(_key: string, _values: Iterable<V>): never {
    return readOnly()
  }

  override add(_key: string, _value: V): never {
    return readOnly()
  }

  override setDefault(_key: string, _value: V): never {
    return readOnly()
  }

  override delete(_key: string): never {
    return readOnly()
  }

  override clear(): never {
    return readOnly()
  }

  /** Already immutable: returns itself. */
  override freeze(): ImmutableMultiDict<V> {
    return this
  }
}
