/**
 * Host names: Werkzeug's trusted-host check, used by `request.host`.
 *
 * @module
 */

/** Werkzeug's `host_is_trusted`: `.example.com` also matches subdomains; the port is ignored. */
export function isTrustedHost(host: string, trusted: readonly string[]): boolean {
  const name = stripPort(host).toLowerCase()
  for (const entry of trusted) {
    let ref = stripPort(entry).toLowerCase()
    const suffix = ref.startsWith('.')
    if (suffix) ref = ref.slice(1)
    if (name === ref || (suffix && name.endsWith('.' + ref))) return true
  }
  return false
}

function stripPort(host: string): string {
  if (host.startsWith('[')) {
    const end = host.indexOf(']')
    return end === -1 ? host : host.slice(0, end + 1)
  }
  const colon = host.lastIndexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}

/**
 * A host as Werkzeug compares it: lower-cased, without the scheme's default
 * port (`:80` for http, `:443` for https).
 *
 * @example
 * ```ts
 * normalizeHost('Example.COM:443', 'https') // 'example.com'
 * normalizeHost('example.com:8080', 'http') // 'example.com:8080'
 * ```
 */
export function normalizeHost(host: string, scheme: string): string {
  const lower = host.toLowerCase()
  if ((scheme === 'http' || scheme === 'ws') && lower.endsWith(':80')) return lower.slice(0, -3)
  if ((scheme === 'https' || scheme === 'wss') && lower.endsWith(':443')) return lower.slice(0, -4)
  return lower
}

/**
 * The subdomain of `host` under `serverName` (Werkzeug's `bind_to_environ`):
 * `'api'` for `api.example.com` under `example.com`, `''` for the name
 * itself, and `null` when the host is not under it (an IP address, another
 * name). Both are compared as {@link normalizeHost} gives them.
 *
 * @example
 * ```ts
 * subdomainOf('a.b.example.com', 'example.com', 'http') // 'a.b'
 * subdomainOf('127.0.0.1:3000', 'example.com:3000', 'http') // null
 * ```
 */
export function subdomainOf(host: string, serverName: string, scheme: string): string | null {
  const current = normalizeHost(host, scheme)
  const name = normalizeHost(serverName, scheme)
  if (current === name) return ''
  if (current.length > name.length && current.endsWith(name) && current.charCodeAt(current.length - name.length - 1) === 46) {
    return current.slice(0, current.length - name.length - 1)
  }
  return null
}
