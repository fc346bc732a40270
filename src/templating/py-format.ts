/**
 * Python's `%`-formatting (`'%.2f' % x`, `'%(name)s' % d`), which Jinja's
 * `format` filter uses, and the `str()`/`repr()` it needs.
 *
 * @module
 */

/**
 * Python's `repr()` of a JavaScript value, approximately.
 *
 * @example
 * ```ts
 * pyRepr(['a', 1, null]) // "['a', 1, None]"
 * ```
 */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  if (value instanceof Map) return `{${[...value].map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return `{${Object.entries(value).map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`).join(', ')}}`
  }
  return pyStr(value)
}

/**
 * Python's `str()` of a JavaScript value: `True`, `False`, `None`, lists as
 * their `repr`.
 *
 * @example
 * ```ts
 * pyStr(true) // 'True'
 * ```
 */
export function pyStr(value: unknown): string {
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (value === null || value === undefined) return 'None'
  if (Array.isArray(value) || value instanceof Map) return pyRepr(value)
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return pyRepr(value)
  return String(value)
}

const SPEC = /%(?:\(([^)]*)\))?([#0\- +]*)(\d+|\*)?(?:\.(\d+|\*))?[hlL]?([diouxXeEfFgGcrsa%])/g

function pyExponent(text: string): string {
  return text.replace(/e([+-])(\d)$/, 'e$10$2')
}

function convert(conv: string, value: unknown, precision: number | undefined, alternate: boolean): string {
  switch (conv) {
    case 'd': case 'i': case 'u': return String(Math.trunc(Number(value)))
    case 'f': case 'F': return Number(value).toFixed(precision ?? 6)
    case 'e': case 'E': {
      const text = pyExponent(Number(value).toExponential(precision ?? 6))
      return conv === 'E' ? text.toUpperCase() : text
    }
    case 'g': case 'G': {
      const n = Number(value)
      const p = precision === 0 ? 1 : (precision ?? 6)
      const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)))
      let text = exp < -4 || exp >= p ? pyExponent(n.toExponential(p - 1)) : n.toFixed(Math.max(0, p - 1 - exp))
      if (!alternate) text = text.replace(/\.?0+(?=e|$)/, '')
      return conv === 'G' ? text.toUpperCase() : text
    }
    case 'x': return (alternate ? '0x' : '') + Math.trunc(Number(value)).toString(16)
    case 'X': return (alternate ? '0X' : '') + Math.trunc(Number(value)).toString(16).toUpperCase()
    case 'o': return (alternate ? '0o' : '') + Math.trunc(Number(value)).toString(8)
    case 'c': return typeof value === 'number' ? String.fromCodePoint(value) : String(value)
    case 'r': case 'a': return precision === undefined ? pyRepr(value) : pyRepr(value).slice(0, precision)
    default: return precision === undefined ? pyStr(value) : pyStr(value).slice(0, precision)
  }
}

/**
 * `format % args` as Python computes it. `args` is a list of positional
 * values, or a mapping for `%(name)s` specifiers.
 *
 * @example
 * ```ts
 * pyFormat('%s has %d items (%.1f%%)', ['cart', 3, 12.345]) // 'cart has 3 items (12.3%)'
 * pyFormat('%(user)s', { user: 'ann' })                    // 'ann'
 * ```
 */
export function pyFormat(format: string, args: readonly unknown[] | Record<string, unknown>): string {
  const positional = Array.isArray(args) ? args : [args]
  let next = 0
  const take = (): unknown => {
    if (next >= positional.length) throw new TypeError('not enough arguments for format string')
    return positional[next++]
  }
  const out = format.replace(SPEC, (_m, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
    if (conv === '%') return '%'
    const w = width === '*' ? Number(take()) : width === undefined ? 0 : Number(width)
    const p = prec === '*' ? Number(take()) : prec === undefined ? undefined : Number(prec)
    let value: unknown
    if (key !== undefined) {
      if (Array.isArray(args) || typeof args !== 'object') throw new TypeError('format requires a mapping')
      value = (args as Record<string, unknown>)[key]
    } else value = take()
    let text = convert(conv, value, p, flags.includes('#'))
    const numeric = 'diouxXeEfFgG'.includes(conv)
    if (numeric && !text.startsWith('-')) {
      if (flags.includes('+')) text = `+${text}`
      else if (flags.includes(' ')) text = ` ${text}`
    }
    if (text.length < w) {
      if (flags.includes('-')) text = text.padEnd(w)
      else if (flags.includes('0') && numeric) {
        const sign = /^[+\- ]/.test(text) ? text[0]! : ''
        text = sign + text.slice(sign.length).padStart(w - sign.length, '0')
      } else text = text.padStart(w)
    }
    return text
  })
  if (Array.isArray(args) && next < positional.length) throw new TypeError('not all arguments converted during string formatting')
  return out
}
