/**
 * A UUID value (Python's `uuid.UUID`), so that a UUID keeps its type through
 * the session cookie and serialises as its canonical text in JSON.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'

const HEX32 = /^[0-9a-f]{32}$/

/**
 * An immutable UUID. Parses the forms Python's `UUID(...)` accepts (with or
 * without dashes, braces, `urn:uuid:`), prints the canonical form, and
 * serialises to it (`toJSON`), as Flask's JSON provider does.
 *
 * @example
 * ```ts
 * const id = new UUID('12345678-1234-5678-1234-567812345678')
 * id.hex                       // '12345678123456781234567812345678'
 * String(id)                   // '12345678-1234-5678-1234-567812345678'
 * id.equals(UUID.random())     // false
 * session.set('order', id)     // reads back as a UUID next request
 * ```
 */
export class UUID {
  /** The 32 lower-case hex digits (Python's `uuid.hex`). */
  readonly hex: string

  /**
   * @param value - a UUID in any of Python's accepted spellings.
   * @throws TypeError for anything that is not 32 hex digits once the
   *   braces, `urn:uuid:` and dashes are removed.
   */
  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('A UUID must be given as a string')
    const hex = value.replace(/^urn:uuid:/i, '').replace(/^\{|\}$/g, '').replaceAll('-', '').toLowerCase()
    if (!HEX32.test(hex)) throw new TypeError(`Badly formed hexadecimal UUID string: ${JSON.stringify(value)}`)
    this.hex = hex
    Object.freeze(this)
  }

  /** A random (version 4) UUID (Python's `uuid4()`). */
  static random(): UUID {
    return new UUID(randomUUID())
  }

  /** True for a UUID with the same value. */
  equals(other: unknown): boolean {
    return other instanceof UUID && other.hex === this.hex
  }

  /** The canonical form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`. */
  toString(): string {
    const h = this.hex
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
  }

  /** JSON writes the canonical form (Flask's provider writes `str(uuid)`). */
  toJSON(): string {
    return this.toString()
  }
}
