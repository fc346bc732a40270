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
