/**
 * The errors of `phial/mail`.
 */
import { BadRequest } from 'phial'

/**
 * A newline in the subject, the sender, reply-to or a recipient: the way to
 * inject headers (`Bcc:`) into a message (Flask-Mail's `BadHeaderError`).
 * It is a 400, since such values usually come from a form.
 *
 * @example
 * ```ts
 * await mail.send(new Message({ subject: 'Hi\r\nBcc: victim@example.com', recipients: ['a@example.com'] }))
 * // BadHeaderError: The subject has a line break ...
 * ```
 */
export class BadHeaderError extends BadRequest {
  constructor(readonly header: string, detail: string) {
    super(`The ${header} ${detail}: line breaks in mail headers are refused (header injection).`)
  }
}

/**
 * A message that cannot be sent as it is (no recipients, no sender).
 *
 * @example
 * ```ts
 * await mail.send(new Message({ subject: 'x' })) // MailError: The message has no recipients ...
 * ```
 */
export class MailError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MailError'
  }
}
