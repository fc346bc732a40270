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
  return createHash('sha256').update(`${request.remoteAddr ?? ''}|${request.userAgent}`).digest('base64url')
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
