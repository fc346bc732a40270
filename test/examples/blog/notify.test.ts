/**
 * Issue 16 item 6: the blog's "new post" e-mail. A new post is announced to
 * every other user who gave an e-mail address when registering, by a
 * phial/tasks task that sends with phial/mail: suppressed by default (the
 * messages are still recorded), sent to the configured SMTP server with
 * MAIL_SUPPRESS_SEND false (an smtp-server peer on loopback here).
 */
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { SMTPServer } from 'smtp-server'
import { mail, tasks } from '../../../examples/blog/notify.ts'
import { blogFixture, type BlogFixture } from './fixtures.ts'

let fx: BlogFixture | undefined
afterEach(async () => {
  await fx?.cleanup()
  fx = undefined
})

async function withReaders(config: Record<string, unknown> = {}): Promise<BlogFixture> {
  const f = await blogFixture(config)
  // 'ada' registers with an address; 'other' adds one; 'test' (the author) has one too, and is not mailed
  const registered = await f.client.post('/auth/register', { form: { username: 'ada', password: 'pw', email: 'ada@example.com' } })
  expect(registered.status).toBe(302)
  await f.query(`UPDATE "user" SET email = 'other@example.com' WHERE username = 'other'`)
  await f.query(`UPDATE "user" SET email = 'test@example.com' WHERE username = 'test'`)
  return f
}

describe('the new-post e-mail', () => {
  it('goes to the other users with an address, through the task, suppressed by default', async () => {
    fx = await withReaders()
    expect(fx.app.appContext(() => mail.suppressed())).toBe(true)
    await fx.login()
    await mail.recordMessages(async (outbox) => {
      const created = await fx!.client.post('/create', { form: { title: 'Caching in Phial', body: 'How the index is cached.' } })
      expect(created.status).toBe(302)
      expect(outbox.map((m) => m.recipients)).toEqual([['other@example.com'], ['ada@example.com']])
      const [first] = outbox
      expect(first!.subject).toBe('New post on Flaskr: Caching in Phial')
      expect(first!.sender).toBe('Flaskr <flaskr@localhost>')
      expect(first!.body).toContain('test wrote a new post on Flaskr:')
      expect(first!.body).toContain('How the index is cached.')
      expect(first!.body).toContain('Read it at http://localhost/')
    })
  })

  it('the task runs with the app context and reports how many it sent; a deleted post sends none', async () => {
    fx = await withReaders()
    const { newPostMail } = await import('../../../examples/blog/notify.ts')
    const [post] = await fx.query<{ id: number }>('SELECT id FROM post')
    await fx.app.appContext(async () => {
      await mail.recordMessages(async (outbox) => {
        expect(await (await newPostMail.delay(post!.id, 'http://blog.example/')).get()).toEqual({ sent: 2 })
        expect(await (await newPostMail.delay(999, 'http://blog.example/')).get()).toEqual({ sent: 0 })
        expect(outbox).toHaveLength(2)
      })
    })
  })

  it('with no other user having an address, nothing is sent', async () => {
    fx = await blogFixture()
    await fx.login()
    await mail.recordMessages(async (outbox) => {
      expect((await fx!.client.post('/create', { form: { title: 't', body: 'b' } })).status).toBe(302)
      expect(outbox).toHaveLength(0)
    })
  })

  it('registration refuses an address that is not one, and keeps it optional', async () => {
    fx = await blogFixture()
    const bad = await fx.client.post('/auth/register', { form: { username: 'bob', password: 'pw', email: 'not an address' } })
    expect(bad.status).toBe(400)
    expect(bad.text).toContain('Enter a valid e-mail address.')
    expect((await fx.client.post('/auth/register', { form: { username: 'bob', password: 'pw', email: '' } })).status).toBe(302)
    expect(await fx.query(`SELECT email FROM "user" WHERE username = 'bob'`)).toEqual([{ email: null }])
  })

  it('with MAIL_SUPPRESS_SEND false, it is sent to the configured SMTP server', async () => {
    const received: Array<{ to: string[]; data: string }> = []
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        let data = ''
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()))
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), data })
          callback()
        })
      },
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.server.address() as AddressInfo).port
      fx = await withReaders({ MAIL_SUPPRESS_SEND: false, MAIL_SERVER: '127.0.0.1', MAIL_PORT: port, MAIL_DEFAULT_SENDER: 'blog@example.com' })
      await fx.login()
      expect((await fx.client.post('/create', { form: { title: 'Sent for real', body: 'Over SMTP.' } })).status).toBe(302)
      expect(received.map((r) => r.to)).toEqual([['other@example.com'], ['ada@example.com']])
      expect(received[0]!.data).toContain('Subject: New post on Flaskr: Sent for real')
      expect(received[0]!.data).toContain('Over SMTP.')
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  it('without TASKS_ALWAYS_EAGER the view answers first and the task sends after', async () => {
    fx = await withReaders({ TASKS_ALWAYS_EAGER: false })
    await fx.login()
    const outbox = mail.recordMessages()
    try {
      expect((await fx.client.post('/create', { form: { title: 'Later', body: 'b' } })).status).toBe(302)
      for (let i = 0; i < 100 && outbox.length < 2; i++) await new Promise((r) => setTimeout(r, 20))
      expect(outbox.map((m) => m.subject)).toEqual(['New post on Flaskr: Later', 'New post on Flaskr: Later'])
    } finally {
      outbox.stop()
    }
  })
})

afterEach(() => tasks.close())
