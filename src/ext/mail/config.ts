/**
 * The `MAIL_*` settings (Flask-Mail's, with its defaults): their types on
 * `app.config` and their defaults.
 */
import type { Config } from 'phial'

declare module 'phial' {
  interface ConfigValues {
    /** The SMTP server. Default `'127.0.0.1'` (Flask-Mail's). */
    MAIL_SERVER: string
    /** Default `25`. */
    MAIL_PORT: number
    /** Require STARTTLS after connecting (typically port 587). Default `false` (nodemailer still upgrades when the server offers it). */
    MAIL_USE_TLS: boolean
    /** Connect over TLS from the start (typically port 465). Default `false`. */
    MAIL_USE_SSL: boolean
    /** Log the SMTP conversation; `null` follows `DEBUG`. Default `null`. */
    MAIL_DEBUG: boolean | null
    MAIL_USERNAME: string | null
    MAIL_PASSWORD: string | null
    /** The sender of a message that names none: `'a@b.c'`, `'Name <a@b.c>'` or `['Name', 'a@b.c']`. Default `null`. */
    MAIL_DEFAULT_SENDER: string | readonly [string, string] | null
    /** With `mail.connect()`, reconnect after this many messages. Default `null` (never). */
    MAIL_MAX_EMAILS: number | null
    /** Do not send (messages are still recorded by `recordMessages()`); `null` follows `TESTING`. Default `null`. */
    MAIL_SUPPRESS_SEND: boolean | null
    /** Turn attachment file names into ASCII (for relays that mangle UTF-8 names). Default `false`. */
    MAIL_ASCII_ATTACHMENTS: boolean
    /** Options for Node's `tls` (a `ca` for a private certificate, `servername`...). Default `null`. */
    MAIL_TLS_OPTIONS: Record<string, unknown> | null
    /** Seconds to wait for the server (connect, greeting, each reply) before the send fails. Default `30`. */
    MAIL_TIMEOUT: number
  }
}

/**
 * The defaults `Mail.initApp` puts in `app.config` (keys already set win).
 *
 * @example
 * ```ts
 * MAIL_DEFAULTS.MAIL_PORT // 25
 * ```
 */
export const MAIL_DEFAULTS = Object.freeze({
  MAIL_SERVER: '127.0.0.1',
  MAIL_PORT: 25,
  MAIL_USE_TLS: false,
  MAIL_USE_SSL: false,
  MAIL_DEBUG: null,
  MAIL_USERNAME: null,
  MAIL_PASSWORD: null,
  MAIL_DEFAULT_SENDER: null,
  MAIL_MAX_EMAILS: null,
  MAIL_SUPPRESS_SEND: null,
  MAIL_ASCII_ATTACHMENTS: false,
  MAIL_TLS_OPTIONS: null,
  MAIL_TIMEOUT: 30,
} as const)

/**
 * Sets each `MAIL_*` key that is not set yet to its default.
 *
 * @example
 * ```ts
 * applyMailDefaults(app.config)
 * ```
 */
export function applyMailDefaults(config: Config): void {
  for (const [key, value] of Object.entries(MAIL_DEFAULTS)) config.setDefault(key, value)
}
