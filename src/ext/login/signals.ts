/**
 * The signals of `phial/login` (Flask-Login's), all sent with the app as sender.
 */
import { Signal } from 'phial'

/** Where a user was loaded from. */
export type UserSource = 'session' | 'cookie' | 'request' | 'token'

/**
 * Sent by `loginUser` once the user is logged in.
 *
 * @example
 * ```ts
 * userLoggedIn.connect((app, { user }) => audit('login', user))
 * ```
 */
export const userLoggedIn = new Signal<{ user: object }>('user-logged-in', 'Sent when a user is logged in.')

/**
 * Sent by `logoutUser` with the user who was logged in (the anonymous user if nobody was).
 *
 * @example
 * ```ts
 * userLoggedOut.connect((app, { user }) => audit('logout', user))
 * ```
 */
export const userLoggedOut = new Signal<{ user: object }>('user-logged-out', 'Sent when a user is logged out.')

/**
 * Sent when a request's user was loaded, with where from: the session, the
 * remember-me cookie, a request loader, or an access token.
 *
 * @example
 * ```ts
 * userLoaded.connect((app, { user, source }) => { if (source === 'cookie') metrics.remembered++ })
 * ```
 */
export const userLoaded = new Signal<{ user: object; source: UserSource }>('user-loaded', 'Sent when the user of a request was loaded.')

/**
 * Sent when the user was loaded from the remember-me cookie (Flask-Login's `user_loaded_from_cookie`).
 *
 * @example
 * ```ts
 * userLoadedFromCookie.connect((app, { user }) => console.log('welcome back', user))
 * ```
 */
export const userLoadedFromCookie = new Signal<{ user: object }>('user-loaded-from-cookie', 'Sent when the user was loaded from the remember-me cookie.')

/**
 * Sent when a request loader gave the user (Flask-Login's `user_loaded_from_request`).
 *
 * @example
 * ```ts
 * userLoadedFromRequest.connect((app, { user }) => console.log('API user', user))
 * ```
 */
export const userLoadedFromRequest = new Signal<{ user: object }>('user-loaded-from-request', 'Sent when a request loader gave the user.')

/**
 * Sent when `loginRequired` (or `manager.unauthorized()`) refuses a request.
 *
 * @example
 * ```ts
 * userUnauthorized.connect(() => metrics.refused++)
 * ```
 */
export const userUnauthorized = new Signal('user-unauthorized', 'Sent when a request needed a logged-in user and had none.')

/**
 * Sent when `freshLoginRequired` asks a remembered user to log in again.
 *
 * @example
 * ```ts
 * userNeedsRefresh.connect(() => metrics.reauth++)
 * ```
 */
export const userNeedsRefresh = new Signal('user-needs-refresh', 'Sent when a fresh login is required.')

/**
 * Sent by `confirmLogin` when a login is made fresh again.
 *
 * @example
 * ```ts
 * userLoginConfirmed.connect(() => audit('reauthenticated'))
 * ```
 */
export const userLoginConfirmed = new Signal('user-login-confirmed', 'Sent when a login was confirmed (made fresh).')

/**
 * Sent before a request's user is loaded (Flask-Login's `user_accessed`).
 *
 * @example
 * ```ts
 * userAccessed.connect(() => metrics.userLookups++)
 * ```
 */
export const userAccessed = new Signal('user-accessed', 'Sent when the user of a request is about to be loaded.')

/**
 * Sent when session protection found a session used from another client
 * (another address or browser) and marked it not fresh (`basic`) or dropped
 * the login (`strong`).
 *
 * @example
 * ```ts
 * sessionProtected.connect((app) => app.logger.warn('session used from a new client'))
 * ```
 */
export const sessionProtected = new Signal('session-protected', 'Sent when session protection acted on a session.')
