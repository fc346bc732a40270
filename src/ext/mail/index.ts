/**
 * `phial/mail`: e-mail with Flask-Mail's API on nodemailer — `Mail`,
 * `Message` (recipients, cc/bcc, text and HTML from templates,
 * attachments), `mail.send()`, `mail.connect()` for bulk mail,
 * `mail.sendInBackground()` through `phial/tasks`, `recordMessages()` for
 * tests, and `BadHeaderError` against header injection.
 *
 * @module
 * @example
 * ```ts
 * import { Mail, Message } from 'phial/mail'
 *
 * const mail = new Mail()
 * app.config.fromMapping({ MAIL_SERVER: 'smtp.example.com', MAIL_PORT: 587, MAIL_USE_TLS: true,
 *   MAIL_USERNAME: 'app', MAIL_PASSWORD: process.env.MAIL_PASSWORD, MAIL_DEFAULT_SENDER: ['Blog', 'blog@example.com'] })
 * mail.initApp(app)
 * await app.appContext(() => mail.send(new Message({ subject: 'Hello', recipients: ['to@example.com'], body: 'testing' })))
 * ```
 */
export { Mail, emailDispatched, SEND_TASK, type MailConnection } from './mail.ts'
export { Message, formatAddress, type Address, type Attachment, type MessageInit, type MessageJSON } from './message.ts'
export { Outbox } from './outbox.ts'
export { BadHeaderError, MailError } from './errors.ts'
export { MAIL_DEFAULTS, applyMailDefaults } from './config.ts'
export { smtpOptions, toMailOptions } from './transport.ts'
