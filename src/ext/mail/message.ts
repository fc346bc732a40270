/**
 * `Message` and `Attachment` (Flask-Mail's): recipients, cc/bcc, text and
 * HTML bodies (optionally rendered from templates), attachments, extra
 * headers, and the check against header injection.
 */
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { renderTemplate } from 'phial'
import { BadHeaderError } from './errors.ts'

/**
 * An address: `'a@example.com'`, `'Name <a@example.com>'` or `['Name', 'a@example.com']`.
 *
 * @example
 * ```ts
 * const to: Address = ['Ada Lovelace', 'ada@example.com']
 * ```
 */
export type Address = string | readonly [string, string]

/**
 * A file attached to a message.
 *
 * @example
 * ```ts
 * const a: Attachment = { filename: 'report.csv', contentType: 'text/csv', data: Buffer.from('a,b\n'), disposition: 'attachment', headers: {} }
 * ```
 */
export interface Attachment {
  readonly filename: string | null
  readonly contentType: string
  readonly data: Buffer
  /** `'attachment'` (default) or `'inline'`. */
  readonly disposition: string
  readonly headers: Readonly<Record<string, string>>
}

/**
 * The fields of a {@link Message}.
 *
 * @example
 * ```ts
 * const init: MessageInit = { subject: 'Hello', recipients: ['to@example.com'], body: 'Hi!' }
 * ```
 */
export interface MessageInit {
  subject?: string
  recipients?: Address[]
  /** The plain-text body. */
  body?: string | null
  html?: string | null
  /** More alternatives by MIME subtype (`{ json: '...' }` is `text/json`), as Flask-Mail's `alts`. */
  alts?: Record<string, string>
  /** Default `MAIL_DEFAULT_SENDER`, filled in when sent. */
  sender?: Address | null
  cc?: Address[]
  bcc?: Address[]
  replyTo?: Address | null
  attachments?: Attachment[]
  date?: Date | null
  extraHeaders?: Record<string, string>
  /** A template rendered (with `context`) into `body` when the message is sent, if `body` is not set. */
  textTemplate?: string | null
  /** A template rendered (with `context`) into `html` when the message is sent, if `html` is not set. */
  htmlTemplate?: string | null
  /** The variables of the templates. */
  context?: Record<string, unknown>
}

/** The JSON form of a message, for a background task. */
export interface MessageJSON {
  subject: string
  recipients: string[]
  body: string | null
  alts: Record<string, string>
  sender: string | null
  cc: string[]
  bcc: string[]
  replyTo: string | null
  attachments: { filename: string | null; contentType: string; data: string; disposition: string; headers: Record<string, string> }[]
  date: string | null
  extraHeaders: Record<string, string>
  msgId: string
}

/** `['Name', 'a@b.c']` → `'Name <a@b.c>'` (Flask-Mail's sender tuple). */
export function formatAddress(address: Address): string {
  return typeof address === 'string' ? address : `${address[0]} <${address[1]}>`
}

function hasNewline(value: string | null | undefined): boolean {
  return value != null && (value.includes('\r') || value.includes('\n'))
}

/**
 * Flask-Mail's rule for a subject: folded lines (CRLF followed by a space or
 * tab, with text) are allowed; any other line break is an injection.
 */
function badSubject(subject: string): boolean {
  if (!hasNewline(subject)) return false
  const lines = subject.split('\r\n')
  return lines.some((line, i) => line === '' || (i > 0 && line[0] !== ' ' && line[0] !== '\t') || hasNewline(line) || line.trim() === '')
}

function makeMsgId(): string {
  return `<${Date.now()}.${randomBytes(8).toString('hex')}@${hostname() || 'localhost'}>`
}

/**
 * An e-mail message (Flask-Mail's `Message`).
 *
 * @example
 * ```ts
 * const msg = new Message({ subject: 'Hello', recipients: ['you@example.com'], body: 'testing', html: '<b>testing</b>' })
 * msg.addRecipient('somebodyelse@example.com')
 * msg.attach('image.png', 'image/png', await readFile('image.png'))
 * await mail.send(msg)
 * ```
 */
export class Message {
  subject: string
  recipients: string[]
  body: string | null
  /** Alternatives by MIME subtype; `html` lives here too. */
  alts: Record<string, string>
  sender: string | null
  cc: string[]
  bcc: string[]
  replyTo: string | null
  attachments: Attachment[]
  date: Date | null
  extraHeaders: Record<string, string>
  textTemplate: string | null
  htmlTemplate: string | null
  context: Record<string, unknown>
  /** The Message-ID header (RFC 5322 3.6.4). */
  readonly msgId: string

  constructor(init: MessageInit = {}) {
    this.subject = init.subject ?? ''
    this.recipients = (init.recipients ?? []).map(formatAddress)
    this.body = init.body ?? null
    this.alts = { ...(init.alts ?? {}) }
    if (init.html != null) this.alts.html = init.html
    this.sender = init.sender == null ? null : formatAddress(init.sender)
    this.cc = (init.cc ?? []).map(formatAddress)
    this.bcc = (init.bcc ?? []).map(formatAddress)
    this.replyTo = init.replyTo == null ? null : formatAddress(init.replyTo)
    this.attachments = [...(init.attachments ?? [])]
    this.date = init.date ?? null
    this.extraHeaders = { ...(init.extraHeaders ?? {}) }
    this.textTemplate = init.textTemplate ?? null
    this.htmlTemplate = init.htmlTemplate ?? null
    this.context = init.context ?? {}
    this.msgId = makeMsgId()
  }

  /** The HTML body. @example msg.html = '<p>Hi</p>' */
  get html(): string | null {
    return this.alts.html ?? null
  }

  set html(value: string | null) {
    if (value === null) delete this.alts.html
    else this.alts.html = value
  }

  /** Everyone it goes to: recipients, cc and bcc, once each. @example msg.sendTo.size */
  get sendTo(): Set<string> {
    return new Set([...this.recipients, ...this.cc, ...this.bcc])
  }

  /** Adds a recipient. @example msg.addRecipient(['Ada', 'ada@example.com']) */
  addRecipient(recipient: Address): void {
    this.recipients.push(formatAddress(recipient))
  }

  /**
   * Attaches a file.
   *
   * @example
   * ```ts
   * msg.attach('report.csv', 'text/csv', 'a,b\n1,2\n')
   * msg.attach('logo.png', 'image/png', png, 'inline', { 'Content-ID': '<logo>' })
   * ```
   */
  attach(
    filename: string | null,
    contentType: string,
    data: Buffer | Uint8Array | string,
    disposition = 'attachment',
    headers: Record<string, string> = {},
  ): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : Buffer.from(data)
    this.attachments.push({ filename, contentType, data: bytes, disposition, headers })
  }

  /**
   * The first header that would let a value inject headers, or null: a line
   * break in the sender, reply-to, a recipient, cc, bcc or an extra header,
   * or in the subject outside a proper folded line.
   *
   * @example
   * ```ts
   * new Message({ subject: 'a\r\nBcc: x@example.com' }).badHeader() // 'subject'
   * ```
   */
  badHeader(): string | null {
    if (hasNewline(this.sender)) return 'sender'
    if (hasNewline(this.replyTo)) return 'reply-to address'
    for (const [field, list] of [['recipient', this.recipients], ['cc address', this.cc], ['bcc address', this.bcc]] as const) {
      if (list.some(hasNewline)) return field
    }
    for (const [name, value] of Object.entries(this.extraHeaders)) if (hasNewline(name) || hasNewline(value)) return `header ${JSON.stringify(name.replace(/[\r\n]/g, ' '))}`
    for (const a of this.attachments) if (hasNewline(a.filename) || hasNewline(a.contentType)) return 'attachment name or type'
    if (this.subject && badSubject(this.subject)) return 'subject'
    return null
  }

  /** Flask-Mail's `has_bad_headers()`. @example if (msg.hasBadHeaders()) abort(400) */
  hasBadHeaders(): boolean {
    return this.badHeader() !== null
  }

  /** Throws {@link BadHeaderError} when {@link badHeader} finds one. @example msg.checkHeaders() */
  checkHeaders(): void {
    const header = this.badHeader()
    if (header !== null) throw new BadHeaderError(header, 'has a line break')
  }

  /**
   * Renders `textTemplate` / `htmlTemplate` into the bodies not set yet
   * (with the app's `renderTemplate`: needs the app context). `mail.send()` calls it.
   *
   * @example
   * ```ts
   * const msg = new Message({ subject: 'Welcome', recipients: [user.email], textTemplate: 'mail/welcome.txt', htmlTemplate: 'mail/welcome.html', context: { user } })
   * await msg.render()
   * ```
   */
  async render(): Promise<void> {
    if (this.textTemplate && this.body === null) this.body = await renderTemplate(this.textTemplate, this.context)
    if (this.htmlTemplate && this.html === null) this.html = await renderTemplate(this.htmlTemplate, this.context)
  }

  /** The JSON form (attachments in base64), for a background task. @example Message.fromJSON(msg.toJSON()) */
  toJSON(): MessageJSON {
    return {
      subject: this.subject,
      recipients: this.recipients,
      body: this.body,
      alts: this.alts,
      sender: this.sender,
      cc: this.cc,
      bcc: this.bcc,
      replyTo: this.replyTo,
      attachments: this.attachments.map((a) => ({ ...a, headers: { ...a.headers }, data: a.data.toString('base64') })),
      date: this.date ? this.date.toISOString() : null,
      extraHeaders: this.extraHeaders,
      msgId: this.msgId,
    }
  }

  /** A message from its JSON form. @example const msg = Message.fromJSON(json) */
  static fromJSON(json: MessageJSON): Message {
    const msg = new Message({
      subject: json.subject,
      recipients: json.recipients,
      body: json.body,
      alts: json.alts,
      sender: json.sender,
      cc: json.cc,
      bcc: json.bcc,
      replyTo: json.replyTo,
      attachments: json.attachments.map((a) => ({ ...a, data: Buffer.from(a.data, 'base64') })),
      date: json.date ? new Date(json.date) : null,
      extraHeaders: json.extraHeaders,
    })
    Object.defineProperty(msg, 'msgId', { value: json.msgId })
    return msg
  }
}
