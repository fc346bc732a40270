/**
 * The live index (phial/socketio, Flask-SocketIO's way): a new post appears
 * on every open index page without a reload, and a user mentioned in it
 * (`@name`) is told so in a room of their own, `user:<id>`, which each of
 * their pages joins when it connects with the session's `currentUser`.
 * The browser's Socket.IO client is served from the `socket.io-client`
 * package (/live/socket.io.js), never from a CDN; static/live.js drives the
 * page. With `phial serve --workers N`, set `SOCKETIO_MESSAGE_QUEUE` to a
 * Redis URL so that an emit in one worker reaches the pages of the others
 * (the page uses the WebSocket transport only: no sticky sessions needed).
 */
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Blueprint, sendFile, type Phial } from 'phial'
import { currentUser } from 'phial/login'
import { SocketIO, joinRoom } from 'phial/socketio'
import { db } from './db.ts'
import { User, type Post } from './models.ts'

export const socketio = new SocketIO()

/** The route of the Socket.IO browser client. */
export const live = new Blueprint('live', { urlPrefix: '/live' })

/** The browser build of the client, from the npm package (its exports map does not list the minified file). */
const CLIENT_JS = join(dirname(createRequire(import.meta.url).resolve('socket.io-client/package.json')), 'dist', 'socket.io.min.js')

/** At most this many users are told of one post's mentions. */
export const MAX_MENTIONS = 10

live.get('/socket.io.js', function socketioClient() {
  return sendFile(CLIENT_JS, { mimetype: 'text/javascript', maxAge: 3600 })
})

/** The room of one user's pages. @example socketio.emit('notification', n, { to: userRoom(2) }) */
export function userRoom(id: number): string {
  return `user:${id}`
}

// every page hears of new posts (everyone is in the namespace); a logged-in user's pages also join the user's room
socketio.on('connect', async () => {
  if (currentUser.isAuthenticated) await joinRoom(userRoom(currentUser.id))
})

/** The distinct `@names` in a text (letters, digits, `_`, `.`, `-`), at most {@link MAX_MENTIONS}. @example mentions('hi @ada and @bob') // ['ada', 'bob'] */
export function mentions(text: string): string[] {
  const names = new Set<string>()
  for (const match of text.matchAll(/(?:^|[^\w@])@([\w.-]{1,150})/g)) {
    names.add(match[1]!.replace(/[.-]+$/, ''))
    if (names.size >= MAX_MENTIONS) break
  }
  return [...names].filter(Boolean)
}

/**
 * Tells the open pages of a new post by the current user (`new_post`, to
 * everyone) and each user it mentions (`notification`, to that user's
 * room only; the author is not told of their own mention). Call it from
 * the view that created the post.
 *
 * @example
 * ```ts
 * const post = await db.session.add(Post, { title, body, authorId: currentUser.id })
 * await publishPost(post)
 * ```
 */
export async function publishPost(post: Pick<Post, 'id' | 'title' | 'body'> & { created?: Date | null }): Promise<void> {
  if (!currentUser.isAuthenticated) return
  const author = currentUser.username
  const created = post.created instanceof Date ? post.created : new Date()
  socketio.emit('new_post', { id: post.id, title: post.title, body: post.body, author, created: created.toISOString().slice(0, 10) })
  for (const username of mentions(`${post.title}\n${post.body}`)) {
    if (username === author) continue
    const user = await db.session.findOne(User, { where: { username } })
    if (user === null) continue
    socketio.emit('notification', { text: `${author} mentioned you in “${post.title}”`, postId: post.id }, { to: userRoom(user.id) })
  }
}

/** Sets the live index up on the app. */
export function initApp(app: Phial): void {
  socketio.initApp(app)
  app.register(live)
}
