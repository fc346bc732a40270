/**
 * The "new post" e-mail (issue 16): when a user writes a post, every other
 * registered user who gave an e-mail address at registration gets a message
 * (the blog has no followers: a user with an address follows everyone).
 * The view enqueues a `phial/tasks` task and answers at once; the task —
 * in this process by default, in `phial worker` with `TASKS_BROKER_URL` —
 * loads the post and the readers in the app context and sends one message
 * per reader with `phial/mail` over one SMTP connection.
 *
 * Suppressed by default (`MAIL_SUPPRESS_SEND: true`: the message is built,
 * signalled and logged, never sent). To send, set `MAIL_SUPPRESS_SEND:
 * false` and the server (`MAIL_SERVER`, `MAIL_PORT`, `MAIL_USE_TLS`,
 * `MAIL_USERNAME`, `MAIL_PASSWORD`, `MAIL_DEFAULT_SENDER`) in
 * instance/config.json or as `PHIAL_MAIL_*` environment variables.
 */
import type { Phial } from 'phial'
import { Mail, Message, emailDispatched } from 'phial/mail'
import { Tasks } from 'phial/tasks'
import { db } from './db.ts'
import { Post, User } from './models.ts'

export const tasks = new Tasks()
export const mail = new Mail()

/**
 * The task: mails post `postId` to every other user with an address; `link`
 * is the blog's absolute URL, built in the request (a worker has none).
 * Returns how many messages went out (or were suppressed).
 */
export const newPostMail = tasks.task(
  'flaskr.newPostMail',
  async (postId: number, link: string): Promise<{ sent: number }> => {
    const post = await db.session.get(Post, postId, { relations: { author: true } })
    if (post === null) return { sent: 0 } // deleted before the task ran
    const readers = (await db.session.find(User, { order: { id: 'ASC' } })).filter((user) => user.email && user.id !== post.authorId)
    if (readers.length === 0) return { sent: 0 }
    const context = { author: post.author?.username ?? 'Someone', title: post.title, body: post.body, link }
    await mail.connect(async (connection) => {
      for (const reader of readers) {
        await connection.send(new Message({ subject: `New post on Flaskr: ${post.title}`, recipients: [reader.email!], textTemplate: 'mail/new_post.txt', context }))
      }
    })
    return { sent: readers.length }
  },
  { retries: 3, backoff: 5 },
)

/** Enqueues the mail of a new post (call after the post is committed). @example await announcePost(post.id, urlFor('index', { _external: true })) */
export async function announcePost(postId: number, link: string): Promise<void> {
  await newPostMail.delay(postId, link)
}

/** Sets up tasks and mail on the app: mail suppressed unless the config says `MAIL_SUPPRESS_SEND: false`. */
export function initApp(app: Phial): void {
  app.config.setDefault('MAIL_SUPPRESS_SEND', true)
  app.config.setDefault('MAIL_DEFAULT_SENDER', ['Flaskr', 'flaskr@localhost'])
  tasks.initApp(app)
  mail.initApp(app)
}

// a suppressed message is still visible: in the log of the app that built it
emailDispatched.connect((sender, { message }) => {
  const app = sender as Phial
  if (mail.suppressed(app)) app.logger.info({ to: message.recipients, subject: message.subject }, 'mail suppressed (MAIL_SUPPRESS_SEND)')
})
