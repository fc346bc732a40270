/**
 * Flask-Mail's message tests (tests/test_message.py, test_mail.py,
 * test_connection.py) ported: addresses, cc/bcc, attachments, bodies,
 * headers, header injection, and record_messages — through the public API.
 * Sending is suppressed (TESTING), as in Flask-Mail's own tests.
 */
import { describe, expect, it } from 'vitest'
import { Phial, request } from 'phial'
import { BadHeaderError, Mail, MailError, Message, emailDispatched } from 'phial/mail'

function setup(config: Record<string, unknown> = {}): { app: Phial; mail: Mail } {
  const app = new Phial(import.meta.url, { name: 'mail_test' })
  app.config.fromMapping({ TESTING: true, LOG_LEVEL: 'silent', MAIL_DEFAULT_SENDER: 'support@mysite.com', SITE: 'Flaskr', ...config })
  const mail = new Mail()
  mail.initApp(app)
  return { app, mail }
}

const raw = (mail: Mail, app: Phial, msg: Message): Promise<string> => app.appContext(() => mail.asString(msg))

describe('Message', () => {
  it('takes recipients at once or one by one, and counts everyone once in sendTo', () => {
    expect(new Message({ subject: 'subject' }).recipients).toEqual([])
    const msg = new Message({ subject: 'subject', recipients: ['somebody@here.com'], cc: ['cc@example.com'], bcc: ['bcc@example.com'] })
    expect(msg.sendTo.size).toBe(3)
    msg.addRecipient('cc@example.com')
    expect(msg.sendTo.size).toBe(3)
  })

  it('turns a [name, address] sender into "name <address>"', () => {
    expect(new Message({ subject: 'testing', sender: ['tester', 'tester@example.com'] }).sender).toBe('tester <tester@example.com>')
  })

  it('the default sender is filled in when sent, also from a [name, address] pair', async () => {
    const { app, mail } = setup({ MAIL_DEFAULT_SENDER: ['tester', 'tester@example.com'] })
    await mail.recordMessages(async (outbox) => {
      const msg = new Message({ subject: 'testing', recipients: ['to@example.com'], body: 'test' })
      await app.appContext(() => mail.send(msg))
      expect(msg.date).toBeInstanceOf(Date)
      expect(outbox).toHaveLength(1)
      expect(outbox[0]!.sender).toBe('tester <tester@example.com>')
    })
  })

  it('sendMessage() takes the fields of a message', async () => {
    const { app, mail } = setup()
    const outbox = mail.recordMessages()
    await app.appContext(() => mail.sendMessage({ subject: 'testing', recipients: ['tester@example.com'], body: 'test' }))
    outbox.stop()
    await app.appContext(() => mail.sendMessage({ subject: 'not recorded', recipients: ['tester@example.com'], body: 'test' }))
    expect(outbox.map((m) => [m.subject, m.recipients, m.body, m.sender])).toEqual([['testing', ['tester@example.com'], 'test', 'support@mysite.com']])
  })

  it('refuses a message without recipients, or without a sender', async () => {
    const { app, mail } = setup({ MAIL_DEFAULT_SENDER: null })
    await expect(app.appContext(() => mail.send(new Message({ subject: 'testing', recipients: ['to@example.com'] })))).rejects.toThrow(
      new MailError('The message has no sender and MAIL_DEFAULT_SENDER is not set.'),
    )
    await expect(app.appContext(() => mail.send(new Message({ subject: 'testing', sender: 'a@example.com' })))).rejects.toThrow(/The message has no recipients/)
  })

  it('writes Reply-To and Cc, never Bcc, into the message', async () => {
    const { app, mail } = setup()
    const msg = new Message({
      subject: 'testing',
      recipients: ['to@example.com'],
      sender: 'spammer <spammer@example.com>',
      replyTo: 'somebody <somebody@example.com>',
      cc: ['cc@example.com'],
      bcc: ['hidden@example.com'],
      body: 'testing',
    })
    const text = await raw(mail, app, msg)
    expect(text).toContain('Reply-To: somebody <somebody@example.com>')
    expect(text).toContain('Cc: cc@example.com')
    expect(text).toContain('From: spammer <spammer@example.com>')
    expect(text).not.toContain('hidden@example.com')
  })

  it('a plain message is text/plain; with an attachment it is multipart/mixed', async () => {
    const { app, mail } = setup()
    const plain = new Message({ subject: 'subject', recipients: ['to@example.com'], body: 'Hello Joe,\nHow are you?' })
    expect(await raw(mail, app, plain)).toMatch(/Content-Type: text\/plain/)
    plain.attach(null, 'text/plain', 'this is a test')
    expect(plain.attachments[0]).toMatchObject({ filename: null, disposition: 'attachment', contentType: 'text/plain' })
    expect(plain.attachments[0]!.data.toString()).toBe('this is a test')
    expect(await raw(mail, app, plain)).toMatch(/Content-Type: multipart\/mixed/)
  })

  it('attachment names: ASCII as is, Unicode encoded, or made ASCII with MAIL_ASCII_ATTACHMENTS', async () => {
    const { app, mail } = setup()
    const msg = new Message({ subject: 'subject', recipients: ['to@example.com'], body: 'hello' })
    msg.attach('test doc.txt', 'text/plain', 'this is a test')
    expect(await raw(mail, app, msg)).toMatch(/Content-Disposition: attachment;\s+filename="test doc.txt"/)
    const unicode = new Message({ subject: 'subject', recipients: ['to@example.com'], body: 'hello' })
    unicode.attach('ünicöde ←→ ✓.txt', 'text/plain', 'x')
    const text = await raw(mail, app, unicode)
    expect(text).not.toContain('ünicöde')
    expect(text).toMatch(/filename\*[0-9*]*=utf-8''/i)
    app.config.MAIL_ASCII_ATTACHMENTS = true
    const ascii = new Message({ subject: 'subject', recipients: ['to@example.com'], body: 'hello' })
    ascii.attach('ünicödeß ←.→ ✓.txt', 'text/plain', 'x')
    expect(await raw(mail, app, ascii)).toMatch(/filename="unicode \. \.txt"/)
  })

  it('html makes a multipart/alternative with both bodies, attachments around it', async () => {
    const { app, mail } = setup()
    const msg = new Message({ subject: 'subject', recipients: ['to@example.com'], body: 'Hello World', html: '<p>Hello World</p>' })
    expect(msg.html).toBe('<p>Hello World</p>')
    msg.attach(null, 'text/plain', 'this is a test')
    const text = await raw(mail, app, msg)
    expect(text).toMatch(/Content-Type: multipart\/mixed/)
    expect(text).toMatch(/Content-Type: multipart\/alternative/)
    expect(text).toContain('<p>Hello World</p>')
    expect(text).toContain(Buffer.from('this is a test').toString('base64'))
    const json = new Message({ subject: 'subject', recipients: ['to@example.com'], alts: { json: '{"msg": "Hello World!}' } })
    expect(await raw(mail, app, json)).toMatch(/Content-Type: text\/json/)
  })

  it('writes the Date and Message-ID headers, and extra headers', async () => {
    const { app, mail } = setup()
    const date = new Date('2026-12-01T10:00:00Z')
    const msg = new Message({ subject: 'subject', recipients: ['to@example.com'], body: 'hello', date, extraHeaders: { 'X-Extra-Header': 'Yes' } })
    expect(msg.msgId).toMatch(/^<\S+@\S+>$/)
    const text = await raw(mail, app, msg)
    expect(text).toContain('Date: Tue, 01 Dec 2026 10:00:00 +0000')
    expect(text).toContain(`Message-ID: ${msg.msgId}`)
    expect(text).toContain('X-Extra-Header: Yes')
  })

  it('encodes Unicode names and subjects', async () => {
    const { app, mail } = setup()
    const msg = new Message({ subject: 'sübject', sender: ['ÄÜÖ → ✓', 'from@example.com'], recipients: ['Ä <t1@example.com>'], body: 'x' })
    const text = await raw(mail, app, msg)
    expect(text).toMatch(/Subject: =\?UTF-8\?Q\?s=C3=BCbject\?=/i)
    expect(text).toMatch(/From: =\?UTF-8\?B\?[^?]+\?= <from@example\.com>/i)
  })
})

describe('header injection', () => {
  const cases: [string, Partial<ConstructorParameters<typeof Message>[0]>, string][] = [
    ['subject', { subject: 'testing\r\n' }, 'subject'],
    ['subject with a header', { subject: 'Hi\r\nBcc: victim@example.com' }, 'subject'],
    ['bad folded subject', { subject: 'testing\r\n testing\r\n ' }, 'subject'],
    ['folded subject ending in a tab', { subject: 'testing\r\n testing\r\n\t' }, 'subject'],
    ['subject with a bare LF', { subject: 'testing\r\n testing\r\n\n' }, 'subject'],
    ['sender', { sender: 'from@example.com\r\n' }, 'sender'],
    ['reply-to', { replyTo: 'evil@example.com\r' }, 'reply-to address'],
    ['recipient', { recipients: ['to@example.com', 'to\r\n@example.com'] }, 'recipient'],
    ['cc', { cc: ['x@example.com\nBcc: y@example.com'] }, 'cc address'],
    ['extra header', { extraHeaders: { 'X-Tag': 'a\r\nBcc: y@example.com' } }, 'header "X-Tag"'],
  ]
  for (const [label, fields, header] of cases) {
    it(`refuses a line break in the ${label} with BadHeaderError`, async () => {
      const { app, mail } = setup()
      const outbox = mail.recordMessages()
      const msg = new Message({ subject: 'testing', sender: 'from@example.com', recipients: ['to@example.com'], body: 'testing', ...fields })
      expect(msg.hasBadHeaders()).toBe(true)
      const error = await app.appContext(() => mail.send(msg)).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(BadHeaderError)
      expect((error as BadHeaderError).header).toBe(header)
      expect((error as BadHeaderError).description).toBe(`The ${header} has a line break: line breaks in mail headers are refused (header injection).`)
      expect((error as BadHeaderError).code).toBe(400)
      expect(outbox).toHaveLength(0)
      outbox.stop()
    })
  }

  it('allows a properly folded multi-line subject', async () => {
    const { app, mail } = setup()
    const msg = new Message({ subject: 'testing\r\n testing\r\n testing \r\n \ttesting', sender: 'from@example.com', body: 'testing', recipients: ['to@example.com'] })
    expect(msg.hasBadHeaders()).toBe(false)
    await app.appContext(() => mail.send(msg))
  })

  it('a view that mails form input answers 400, and nothing is sent', async () => {
    const { app, mail } = setup()
    app.post('/contact', async function contact() {
      await mail.send(new Message({ subject: request.form.get('subject') ?? '', recipients: ['owner@example.com'], body: 'hi' }))
      return 'sent'
    })
    await mail.recordMessages(async (outbox) => {
      const bad = await app.testClient().post('/contact', { form: { subject: 'Hello\r\nBcc: everyone@example.com' } })
      expect(bad.status).toBe(400)
      expect(bad.text).toContain('The subject has a line break: line breaks in mail headers are refused (header injection).')
      const good = await app.testClient().post('/contact', { form: { subject: 'Hello' } })
      expect(good.status).toBe(200)
      expect(outbox.map((m) => m.subject)).toEqual(['Hello'])
    })
  })
})

describe('templates, suppression, signals', () => {
  it('renders the text and HTML bodies from templates with the app context', async () => {
    const { app, mail } = setup()
    await mail.recordMessages(async (outbox) => {
      await app.appContext(() =>
        mail.send(new Message({ subject: 'Welcome', recipients: ['ada@example.com'], textTemplate: 'mail/welcome.txt', htmlTemplate: 'mail/welcome.html', context: { name: '<Ada>' } })),
      )
      expect(outbox[0]!.body!.trim()).toBe('Hello <Ada>, welcome to Flaskr!')
      expect(outbox[0]!.html!.trim()).toBe('<p>Hello <b>&lt;Ada&gt;</b>, welcome to Flaskr!</p>')
    })
  })

  it('emailDispatched is sent with the app, also when sending is suppressed', async () => {
    const { app, mail } = setup()
    expect(mail.suppressed(app)).toBe(true)
    const seen: string[] = []
    const stop = emailDispatched.connect((sender, { message }) => seen.push(`${(sender as Phial).name}:${message.subject}`))
    const stopMine = emailDispatched.connect((_sender, { message }) => seen.push(`mine:${message.subject}`), { sender: app })
    await app.appContext(() => mail.sendMessage({ subject: 'signal', recipients: ['a@example.com'], body: 'x' }))
    stop()
    stopMine()
    expect(seen.sort()).toEqual(['mail_test:signal', 'mine:signal'])
    app.config.MAIL_SUPPRESS_SEND = false
    expect(mail.suppressed(app)).toBe(false)
  })

  it('mail.connect() sends many messages over one connection', async () => {
    const { app, mail } = setup()
    await mail.recordMessages(async (outbox) => {
      await app.appContext(() =>
        mail.connect(async (conn) => {
          for (let i = 0; i < 100; i++) await conn.sendMessage({ subject: 'testing', recipients: ['to@example.com'], body: 'testing' })
        }),
      )
      expect(outbox).toHaveLength(100)
      expect(outbox[0]!.sender).toBe('support@mysite.com')
    })
  })

  it('outside the app context, send() says what to do', async () => {
    const mail = new Mail()
    await expect(mail.send(new Message({ subject: 'x' }))).rejects.toThrow(/mail.send\(\) needs the app/)
  })
})
