/**
 * nodemailer, loaded on first send (an optional peer), its SMTP options from
 * the `MAIL_*` settings, and a message in nodemailer's form.
 */
import type { Config } from 'phial'
import type * as Nodemailer from 'nodemailer'
import type { Message } from './message.ts'

type NodemailerModule = typeof Nodemailer
let loaded: Promise<NodemailerModule> | null = null

/**
 * Imports nodemailer once, with an error that says to install it.
 *
 * @example
 * ```ts
 * const nodemailer = await loadNodemailer()
 * ```
 */
export function loadNodemailer(): Promise<NodemailerModule> {
  loaded ??= import('nodemailer').then(
    (m) => ((m as unknown as { default?: NodemailerModule }).default ?? m) as NodemailerModule,
    (err: unknown) => {
      loaded = null
      throw new Error(`phial/mail sends through the 'nodemailer' package (npm install nodemailer): ${(err as Error).message}`)
    },
  )
  return loaded
}

/**
 * nodemailer's SMTP options from the config.
 *
 * @example
 * ```ts
 * nodemailer.createTransport(smtpOptions(app.config, app.debug))
 * ```
 */
export function smtpOptions(config: Config, debug: boolean, pool: { maxMessages?: number } | null = null): Record<string, unknown> {
  const timeout = config.MAIL_TIMEOUT * 1000
  const user = config.MAIL_USERNAME
  const pass = config.MAIL_PASSWORD
  const logging = config.MAIL_DEBUG ?? debug
  return {
    host: config.MAIL_SERVER,
    port: config.MAIL_PORT,
    secure: config.MAIL_USE_SSL,
    requireTLS: config.MAIL_USE_TLS,
    ...(user && pass ? { auth: { user, pass } } : {}),
    ...(config.MAIL_TLS_OPTIONS ? { tls: config.MAIL_TLS_OPTIONS } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    ...(logging ? { logger: true, debug: true } : {}),
    ...(pool ? { pool: true, maxConnections: 1, maxMessages: pool.maxMessages ?? Infinity } : {}),
  }
}

function asciiName(name: string): string {
  // MAIL_ASCII_ATTACHMENTS: decompose (é → e + accent), drop what is not ASCII, squeeze spaces.
  return name.normalize('NFKD').replace(/[^\x00-\x7f]/g, '').replace(/\s+/g, ' ').trim()
}

/**
 * The message as nodemailer's mail options.
 *
 * @example
 * ```ts
 * await transport.sendMail(toMailOptions(msg, app.config))
 * ```
 */
export function toMailOptions(message: Message, config: Config): Nodemailer.SendMailOptions {
  const { html, ...others } = message.alts
  return {
    from: message.sender ?? undefined,
    to: message.recipients,
    cc: message.cc.length > 0 ? message.cc : undefined,
    bcc: message.bcc.length > 0 ? message.bcc : undefined,
    replyTo: message.replyTo ?? undefined,
    subject: message.subject,
    text: message.body ?? undefined,
    html,
    alternatives: Object.entries(others).map(([subtype, content]) => ({ contentType: `text/${subtype}; charset=utf-8`, content })),
    date: message.date ?? new Date(),
    messageId: message.msgId,
    headers: message.extraHeaders,
    attachments: message.attachments.map((a) => ({
      filename: a.filename === null ? undefined : config.MAIL_ASCII_ATTACHMENTS ? asciiName(a.filename) : a.filename,
      content: a.data,
      contentType: a.contentType,
      contentDisposition: a.disposition === 'inline' ? 'inline' : 'attachment',
      headers: a.headers,
    })),
  }
}
