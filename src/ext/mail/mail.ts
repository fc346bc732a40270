/**
 * `Mail` (Flask-Mail's): sends messages over SMTP with nodemailer, keeps a
 * record of them for tests, and sends them in the background with
 * `phial/tasks`.
 */
import { currentContext, hasContext, Signal, type Phial } from 'phial'
import { Task, whenTasksReady, type AsyncResult } from 'phial/tasks'
import { applyMailDefaults } from './config.ts'
import { MailError } from './errors.ts'
import { Message, formatAddress, type MessageInit, type MessageJSON } from './message.ts'
import { Outbox } from './outbox.ts'
import { loadNodemailer, smtpOptions, toMailOptions } from './transport.ts'

/**
 * Sent for every message `mail.send()` dispatches, also when sending is
 * suppressed (Flask-Mail's `email_dispatched`).
 *
 * @example
 * ```ts
 * emailDispatched.connect((app, { message }) => app.logger.info(`mail: ${message.subject}`))
 * ```
 */
export const emailDispatched = new Signal<{ message: Message }>('email-dispatched', 'Sent when a message is dispatched (even when sending is suppressed).')

/** The name of the ready-made background task. */
export const SEND_TASK = 'phial.mail.send'

/**
 * A connection kept open for many messages (`mail.connect()`).
 *
 * @example
 * ```ts
 * await mail.connect(async (conn) => { for (const user of users) await conn.send(welcome(user)) })
 * ```
 */
export interface MailConnection {
  send(message: Message): Promise<void>
  sendMessage(init: MessageInit): Promise<void>
}

/**
 * E-mail for Phial apps (Flask-Mail). Settings are `MAIL_*` config keys;
 * one instance serves many apps (`app.extensions.mail`).
 *
 * @example
 * ```ts
 * import { Mail, Message } from 'phial/mail'
 *
 * export const mail = new Mail()
 * mail.initApp(app)
 * app.post('/invite', async function invite() {
 *   await mail.send(new Message({ subject: 'Hello', recipients: [request.form.get('email')!], body: 'Join us!' }))
 *   return 'sent'
 * })
 * ```
 */
export class Mail {
  /** The background-send task of each app (apps may have different `Tasks`). */
  readonly #sendTasks = new WeakMap<Phial, Task<[MessageJSON], { messageId: string }>>()

  /** @example const mail = new Mail(app)   // or new Mail() then mail.initApp(app) */
  constructor(readonly app: Phial | null = null) {
    if (app) this.initApp(app)
  }

  /**
   * Sets up an app: `app.extensions.mail`, the `MAIL_*` defaults, and, once
   * `phial/tasks` is set up on it (before or after), the background-send task.
   *
   * @example
   * ```ts
   * mail.initApp(app)
   * ```
   */
  initApp(app: Phial): void {
    applyMailDefaults(app.config)
    app.extensions.mail = this
    whenTasksReady(app, (tasks) => {
      const existing = tasks.definitions().find((d) => d.name === SEND_TASK)
      const task = existing
        ? new Task<[MessageJSON], { messageId: string }>(existing, tasks)
        : tasks.task(
            SEND_TASK,
            async (json: MessageJSON) => {
              const message = Message.fromJSON(json)
              await this.send(message)
              return { messageId: message.msgId }
            },
            { retries: 3, backoff: { type: 'exponential', delay: 5 } },
          )
      this.#sendTasks.set(app, task)
    })
  }

  #app(): Phial {
    // The app itself, not the currentApp proxy: it keys maps and is the signal's sender.
    const app = hasContext() ? currentContext().app : this.app
    if (!app) throw new Error('mail.send() needs the app: call it inside a request or app.appContext(), or make the Mail with new Mail(app).')
    if (app.extensions.mail === undefined) throw new Error(`phial/mail is not set up for the app '${app.name}': call mail.initApp(app) first.`)
    return app
  }

  /** Whether sending is suppressed: `MAIL_SUPPRESS_SEND`, or `TESTING` when it is null. @example mail.suppressed(app) */
  suppressed(app: Phial = this.#app()): boolean {
    return app.config.MAIL_SUPPRESS_SEND ?? app.testing
  }

  /** Fills in the sender and date, renders templates, and refuses what cannot go out. */
  async #prepare(app: Phial, message: Message): Promise<void> {
    await message.render()
    if (message.sender === null && app.config.MAIL_DEFAULT_SENDER) message.sender = formatAddress(app.config.MAIL_DEFAULT_SENDER)
    if (message.sendTo.size === 0) throw new MailError('The message has no recipients: give recipients, cc or bcc (msg.addRecipient(address)).')
    if (!message.sender) throw new MailError('The message has no sender and MAIL_DEFAULT_SENDER is not set.')
    message.checkHeaders()
    message.date ??= new Date()
  }

  /**
   * Sends a message (one SMTP connection), unless suppressed, and sends
   * `emailDispatched`. Throws `BadHeaderError` (400) for header injection,
   * `MailError` for a message without recipients or sender, and the SMTP
   * error when the server refuses.
   *
   * @example
   * ```ts
   * await mail.send(new Message({ subject: 'Hi', recipients: ['to@example.com'], body: 'testing' }))
   * ```
   */
  async send(message: Message): Promise<void> {
    const app = this.#app()
    await this.#prepare(app, message)
    if (!this.suppressed(app)) {
      const nodemailer = await loadNodemailer()
      const transport = nodemailer.createTransport(smtpOptions(app.config, app.debug))
      try {
        await transport.sendMail(toMailOptions(message, app.config))
      } finally {
        transport.close()
      }
    }
    emailDispatched.send(app, { message })
  }

  /**
   * The message as it would go out (RFC 5322 bytes, Flask-Mail's
   * `as_bytes()`): sender filled in, templates rendered, headers checked. Bcc
   * addresses are not in it (they are only in the SMTP envelope).
   *
   * @example
   * ```ts
   * const raw = await app.appContext(() => mail.asString(msg))
   * raw.includes('Cc: cc@example.com') // true
   * ```
   */
  async asBytes(message: Message): Promise<Buffer> {
    const app = this.#app()
    await this.#prepare(app, message)
    const transport = (await loadNodemailer()).createTransport({ streamTransport: true, buffer: true })
    // The stream transport would keep a Bcc header; SMTP never sends one: leave it to the envelope.
    const options = { ...toMailOptions(message, app.config), bcc: undefined, envelope: { from: message.sender!, to: [...message.sendTo] } }
    const info = await transport.sendMail(options)
    return info.message as Buffer
  }

  /** {@link asBytes} as a string. @example await mail.asString(msg) */
  async asString(message: Message): Promise<string> {
    return (await this.asBytes(message)).toString('utf8')
  }

  /** `send(new Message(init))`. @example await mail.sendMessage({ subject: 'Hi', recipients: ['a@example.com'], body: 'x' }) */
  sendMessage(init: MessageInit): Promise<void> {
    return this.send(new Message(init))
  }

  /**
   * Keeps one SMTP connection open while `fn` sends (bulk mail), reconnecting
   * after `MAIL_MAX_EMAILS` messages, and closes it after.
   *
   * @example
   * ```ts
   * await mail.connect(async (conn) => {
   *   for (const user of users) await conn.sendMessage({ subject: `hello, ${user.name}`, body: '...', recipients: [user.email] })
   * })
   * ```
   */
  async connect<T>(fn: (connection: MailConnection) => Promise<T> | T): Promise<T> {
    const app = this.#app()
    const suppressed = this.suppressed(app)
    const max = app.config.MAIL_MAX_EMAILS
    const transport = suppressed ? null : (await loadNodemailer()).createTransport(smtpOptions(app.config, app.debug, { maxMessages: max ?? undefined }))
    const connection: MailConnection = {
      send: async (message) => {
        await this.#prepare(app, message)
        if (transport) await transport.sendMail(toMailOptions(message, app.config))
        emailDispatched.send(app, { message })
      },
      sendMessage: (init) => connection.send(new Message(init)),
    }
    try {
      return await fn(connection)
    } finally {
      transport?.close()
    }
  }

  /**
   * Sends the message from a `phial/tasks` task (retried 3 times with
   * exponential back-off): templates are rendered now, the message goes
   * as JSON, a worker sends it. Needs `phial/tasks` set up on the app.
   *
   * @example
   * ```ts
   * const result = await mail.sendInBackground(new Message({ subject: 'Welcome', recipients: [email], htmlTemplate: 'welcome.html', context: { name } }))
   * ```
   */
  async sendInBackground(message: Message): Promise<AsyncResult<{ messageId: string }>> {
    const app = this.#app()
    const task = this.#sendTasks.get(app)
    if (!task) throw new Error('mail.sendInBackground() needs phial/tasks: call tasks.initApp(app) (before or after mail.initApp(app)).')
    await this.#prepare(app, message)
    const json = message.toJSON()
    // The task goes through this app's phial/tasks, also when called outside its context (new Mail(app)).
    return hasContext() && currentContext().app === app ? task.applyAsync([json]) : app.appContext(() => task.applyAsync([json]))
  }

  /**
   * Records the messages sent (by any app) from now on (Flask-Mail's
   * `record_messages`): returns the outbox, or runs `fn` with it and stops after.
   *
   * @example
   * ```ts
   * await mail.recordMessages(async (outbox) => {
   *   await client.post('/invite', { form: { email: 'a@example.com' } })
   *   expect(outbox).toHaveLength(1)
   *   expect(outbox[0]!.subject).toBe('Hello')
   * })
   * ```
   */
  recordMessages(): Outbox
  recordMessages<T>(fn: (outbox: Outbox) => Promise<T> | T): Promise<T>
  recordMessages<T>(fn?: (outbox: Outbox) => Promise<T> | T): Outbox | Promise<T> {
    const outbox = new Outbox()
    outbox.stop = emailDispatched.connect((_app, { message }) => {
      outbox.push(message)
    })
    if (!fn) return outbox
    return (async () => {
      try {
        return await fn(outbox)
      } finally {
        outbox.stop()
      }
    })()
  }
}
