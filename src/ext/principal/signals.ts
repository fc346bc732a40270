/**
 * The signals of `phial/principal` (Flask-Principal's), sent with the app as sender.
 */
import { Signal } from 'phial'
import type { Identity } from './identity.ts'

/**
 * Send it when the identity of the request changed (after a login, a
 * logout, a role change); `Principal` sets the new identity and saves it.
 * With `phial/login`, logins and logouts send it for you.
 *
 * @example
 * ```ts
 * identityChanged.send(currentApp, { identity: new Identity(user.id) })
 * ```
 */
export const identityChanged = new Signal<{ identity: Identity }>('identity-changed', 'Sent when the identity of a request changed.')

/**
 * Sent when the identity of a request is set: connect to it to add the
 * needs the user provides.
 *
 * @example
 * ```ts
 * identityLoaded.connect((app, { identity }) => {
 *   const user = currentUser
 *   if (user.isAuthenticated) for (const post of user.posts) identity.provides.add(ItemNeed('update', post.id, 'posts'))
 * })
 * ```
 */
export const identityLoaded = new Signal<{ identity: Identity }>('identity-loaded', 'Sent when the identity of a request was set.')
