/**
 * Sending for real: nodemailer to an `smtp-server` peer on loopback, with
 * STARTTLS (a self-signed certificate made for the test with openssl) and
 * AUTH, as Flask-Mail talks to a real SMTP server. Also the background send
 * through phial/tasks.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SMTPServer, type SMTPServerSession } from 'smtp-server'
import { Phial } from 'phial'
import { Mail, Message } from 'phial/mail'
import { Tasks } from 'phial/tasks'

interface Received {
  from: string
  to: string[]
  data: string
  user: string | undefined
  secure: boolean
}

let dir: string
let cert: string
let key: string
const received: Received[] = []

function startServer(options: { noTLS?: boolean } = {}): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    key,
    cert,
    ...(options.noTLS ? { disabledCommands: ['STARTTLS'] } : {}),
    // AUTH only after STARTTLS (smtp-server's default): a password never crosses in clear.
    allowInsecureAuth: false,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'app' && auth.password === 's3cret') callback(null, { user: auth.username })
      else callback(new Error('Invalid username or password'))
    },
    onData(stream, session: SMTPServerSession, callback) {
      let data = ''
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()))
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
          user: session.user as string | undefined,
          secure: session.secure,
        })
        callback()
      })
    },
    logger: false,
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.server.address() as AddressInfo).port }))
  })
}

function makeApp(port: number, config: Record<string, unknown> = {}): { app: Phial; mail: Mail } {
  const app = new Phial(import.meta.url, { name: 'smtp_test' })
  app.config.fromMapping({
    TESTING: true,
    LOG_LEVEL: 'silent',
    MAIL_SUPPRESS_SEND: false,
    MAIL_SERVER: '127.0.0.1',
    MAIL_PORT: port,
    MAIL_USE_TLS: true,
    MAIL_USERNAME: 'app',
    MAIL_PASSWORD: 's3cret',
    MAIL_DEFAULT_SENDER: ['Flaskr', 'noreply@flaskr.test'],
    MAIL_TLS_OPTIONS: { ca: cert, servername: 'localhost' },
    MAIL_TIMEOUT: 5,
    ...config,
  })
  const mail = new Mail()
  mail.initApp(app)
  return { app, mail }
}

let smtp: { server: SMTPServer; port: number }

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'phial-mail-'))
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' })
  key = readFileSync(join(dir, 'key.pem'), 'utf8')
  cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
  smtp = await startServer()
})

afterAll(async () => {
  await new Promise<void>((r) => smtp?.server.close(() => r()))
  rmSync(dir, { recursive: true, force: true })
})

describe('SMTP with STARTTLS and AUTH', () => {
  it('delivers to every recipient, cc and bcc in the envelope, bcc not in the message', async () => {
    const { app, mail } = makeApp(smtp.port)
    received.length = 0
    const msg = new Message({ subject: 'Report ✓', recipients: ['ada@example.com'], cc: ['cc@example.com'], bcc: ['hidden@example.com'], body: 'numbers', html: '<b>numbers</b>' })
    msg.attach('report.csv', 'text/csv', 'a,b\n1,2\n')
    await app.appContext(() => mail.send(msg))
    expect(received).toHaveLength(1)
    const [got] = received
    expect(got).toMatchObject({ from: 'noreply@flaskr.test', user: 'app', secure: true })
    expect(got!.to.sort()).toEqual(['ada@example.com', 'cc@example.com', 'hidden@example.com'])
    expect(got!.data).toMatch(/^From: Flaskr <noreply@flaskr\.test>$/m)
    expect(got!.data).toMatch(/^Cc: cc@example\.com$/m)
    expect(got!.data).not.toContain('hidden@example.com')
    expect(got!.data).toContain(`Message-ID: ${msg.msgId}`)
    expect(got!.data).toContain('filename=report.csv')
    expect(got!.data).toContain(Buffer.from('a,b\n1,2\n').toString('base64'))
  })

  it('a wrong password fails the send with the server\'s answer', async () => {
    const { app, mail } = makeApp(smtp.port, { MAIL_PASSWORD: 'wrong' })
    await expect(app.appContext(() => mail.sendMessage({ subject: 'x', recipients: ['a@example.com'], body: 'x' }))).rejects.toThrow(/Invalid username or password/)
  })

  it('a certificate that is not trusted fails the send', async () => {
    const { app, mail } = makeApp(smtp.port, { MAIL_TLS_OPTIONS: null })
    await expect(app.appContext(() => mail.sendMessage({ subject: 'x', recipients: ['a@example.com'], body: 'x' }))).rejects.toThrow(/self[- ]signed certificate/i)
  })

  it('MAIL_USE_TLS refuses a server that does not offer STARTTLS', async () => {
    const plain = await startServer({ noTLS: true })
    try {
      const { app, mail } = makeApp(plain.port)
      received.length = 0
      await expect(app.appContext(() => mail.sendMessage({ subject: 'x', recipients: ['a@example.com'], body: 'x' }))).rejects.toThrow(/STARTTLS/)
      expect(received).toHaveLength(0)
    } finally {
      await new Promise<void>((r) => plain.server.close(() => r()))
    }
  })

  it('mail.connect() sends several messages over one connection', async () => {
    const { app, mail } = makeApp(smtp.port)
    received.length = 0
    let connections = 0
    const count = (): void => void connections++
    smtp.server.server.on('connection', count)
    await app.appContext(() =>
      mail.connect(async (conn) => {
        for (const name of ['a', 'b', 'c']) await conn.sendMessage({ subject: `hello ${name}`, recipients: [`${name}@example.com`], body: '...' })
      }),
    )
    smtp.server.server.off('connection', count)
    expect(received.map((r) => r.to[0])).toEqual(['a@example.com', 'b@example.com', 'c@example.com'])
    expect(connections).toBe(1)
  })

  it('sendInBackground() sends from a phial/tasks task, whatever the initApp order', async () => {
    for (const order of ['tasks first', 'mail first']) {
      received.length = 0
      const app = new Phial(import.meta.url, { name: 'smtp_bg' })
      app.config.fromMapping({
        LOG_LEVEL: 'silent', SITE: 'Flaskr', MAIL_SERVER: '127.0.0.1', MAIL_PORT: smtp.port, MAIL_USE_TLS: true, MAIL_USERNAME: 'app', MAIL_PASSWORD: 's3cret',
        MAIL_DEFAULT_SENDER: 'noreply@flaskr.test', MAIL_TLS_OPTIONS: { ca: cert, servername: 'localhost' }, MAIL_TIMEOUT: 5,
      })
      const tasks = new Tasks()
      const mail = new Mail()
      if (order === 'tasks first') {
        tasks.initApp(app)
        mail.initApp(app)
      } else {
        mail.initApp(app)
        tasks.initApp(app)
      }
      const result = await app.appContext(() =>
        mail.sendInBackground(new Message({ subject: 'Welcome', recipients: ['ada@example.com'], textTemplate: 'mail/welcome.txt', context: { name: 'Ada' } })),
      )
      expect(received).toHaveLength(0)
      const { messageId } = await result.get({ timeout: 10 })
      expect(received).toHaveLength(1)
      expect(received[0]!.data).toContain(`Message-ID: ${messageId}`)
      expect(received[0]!.data).toContain('Hello Ada, welcome to Flaskr!')
      await tasks.close()
    }
  })

  it('sendInBackground() without phial/tasks says what to do', async () => {
    const { app, mail } = makeApp(smtp.port)
    await expect(app.appContext(() => mail.sendInBackground(new Message({ subject: 'x', recipients: ['a@example.com'] })))).rejects.toThrow(/needs phial\/tasks: call tasks.initApp\(app\)/)
  })
})

describe('background send with two apps', () => {
  it('each app sends through its own phial/tasks', async () => {
    const mail = new Mail()
    const make = (name: string): { app: Phial; tasks: Tasks } => {
      const app = new Phial(import.meta.url, { name })
      app.config.fromMapping({ TESTING: true, LOG_LEVEL: 'silent', MAIL_DEFAULT_SENDER: `${name}@example.com` })
      const tasks = new Tasks()
      tasks.initApp(app)
      mail.initApp(app)
      return { app, tasks }
    }
    const one = make('one')
    const two = make('two')
    await mail.recordMessages(async (outbox) => {
      for (const { app } of [one, two]) {
        const result = await app.appContext(() => mail.sendInBackground(new Message({ subject: app.name, recipients: ['a@example.com'], body: 'x' })))
        await result.get({ timeout: 5 })
      }
      expect(outbox.map((m) => `${m.subject} from ${m.sender}`)).toEqual(['one from one@example.com', 'two from two@example.com'])
    })
    const stats = async (t: Tasks, app: Phial): Promise<number> => (await (await t.stateFor(app).backend()).stats(['default']))[0]!.completed
    expect([await stats(one.tasks, one.app), await stats(two.tasks, two.app)]).toEqual([1, 1])
    await one.tasks.close()
    await two.tasks.close()
  })
})
