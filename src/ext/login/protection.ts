/**
 * Session protection (Flask-Login's): a login remembers a fingerprint of the
 * client (address and browser); a session that comes back from another
 * client is marked not fresh (`basic`) or loses its login (`strong`).
 */
import { createHash } from 'node:crypto'
import type { Context } from 'phial'
import { LOGIN_SESSION_KEYS, type SessionProtectionMode } from './config.ts'
import { sessionProtected } from './signals.ts'

/**
 * Identifiers already computed, by address, then User-Agent. A logged-in
 * client's every request (and with phial/socketio, every event: the strings
 * are the handshake's, the same each time) asks for the same SHA-256, which
 * costs more than the rest of the session check. The digest is a pure
 * function of the two strings, so a cached one is exactly what would be
 * computed. Bounded, since both strings come from the client (the address
 * from X-Forwarded-For behind a trusted proxy): at most 1,024 entries (then
 * the cache starts over), none with a User-Agent longer than 512 characters
 * or an address longer than 64.
 */
const identifiers = new Map<string, Map<string, string>>()
let cachedIdentifiers = 0
const MAX_CACHED_IDENTIFIERS = 1024
const MAX_CACHED_AGENT = 512
const MAX_CACHED_ADDR = 64

/**
 * The fingerprint of the current client: a SHA-256 of its address and
 * `User-Agent` (Flask-Login's `_create_identifier`, shorter).
 *
 * @example
 * ```ts
 * session.get('_id') === sessionIdentifier(ctx) // same client as at login
 * ```
 */
export function sessionIdentifier(ctx: Context): string {
  const request = ctx.request
  const addr = request.remoteAddr ?? ''
  const agent = request.userAgent
  let byAgent = identifiers.get(addr)
  const known = byAgent?.get(agent)
  if (known !== undefined) return known
  const id = createHash('sha256').update(`${addr}|${agent}`).digest('base64url')
  if (agent.length > MAX_CACHED_AGENT || addr.length > MAX_CACHED_ADDR) return id
  if (cachedIdentifiers >= MAX_CACHED_IDENTIFIERS) {
    identifiers.clear()
    cachedIdentifiers = 0
    byAgent = undefined
  }
  if (byAgent === undefined) identifiers.set(addr, (byAgent = new Map()))
  byAgent.set(agent, id)
  cachedIdentifiers++
  return id
}

/**
 * Runs the session-protection check; true when the login was dropped
 * (`strong`), so the user must be anonymous for this request.
 *
 * @example
 * ```ts
 * if (sessionProtectionFailed(ctx, 'strong')) return anonymous
 * ```
 */
export function sessionProtectionFailed(ctx: Context, mode: SessionProtectionMode | undefined): boolean {
  if (mode !== 'basic' && mode !== 'strong') return false
  const session = ctx.session
  // only a logged-in session has a fingerprint to compare: an anonymous one is left untouched
  if (session.get('_user_id') === undefined) return false
  if (session.get('_id') === sessionIdentifier(ctx)) return false
  if (mode === 'basic' || session.permanent) {
    session.set('_fresh', false)
    sessionProtected.send(ctx.app)
    return false
  }
  for (const key of LOGIN_SESSION_KEYS) session.delete(key)
  session.set('_remember', 'clear')
  sessionProtected.send(ctx.app)
  return true
}
