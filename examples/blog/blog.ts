/**
 * The posts: list, create, update, delete (Flaskr's blog.py).
 */
import { Blueprint, abort, flash, g, redirect, renderTemplate, request, urlFor } from 'phial'
import { loginRequired } from './auth.ts'
import { getDb } from './db.ts'

/** A post with its author's name. */
export interface Post {
  id: number
  title: string
  body: string
  created: string
  author_id: number
  username: string
}

export const blog = new Blueprint('blog', import.meta.url)

/**
 * A post by id, or 404; 403 unless the current user wrote it (when `checkAuthor`).
 *
 * @example
 * ```ts
 * const post = await getPost(id)
 * ```
 */
export async function getPost(id: number, checkAuthor = true): Promise<Post> {
  const { rows } = await getDb().execute({
    sql: 'SELECT p.id, title, body, created, author_id, username FROM post p JOIN user u ON p.author_id = u.id WHERE p.id = ?',
    args: [id],
  })
  const post = rows[0] as unknown as Post | undefined
  if (post === undefined) abort(404, `Post id ${id} doesn't exist.`)
  if (checkAuthor && post.author_id !== g.user?.id) abort(403)
  return post
}

blog.get('/', async function index() {
  const { rows } = await getDb().execute(
    'SELECT p.id, title, body, created, author_id, username FROM post p JOIN user u ON p.author_id = u.id ORDER BY created DESC, p.id DESC',
  )
  return renderTemplate('blog/index.html', { posts: rows })
})

blog.route('/create', { methods: ['GET', 'POST'] }, loginRequired(async function create() {
  if (request.method === 'POST') {
    const title = request.form.get('title')?.trim() ?? ''
    const body = request.form.get('body') ?? ''
    if (!title) flash('Title is required.')
    else {
      await getDb().execute({ sql: 'INSERT INTO post (title, body, author_id) VALUES (?, ?, ?)', args: [title, body, g.user!.id] })
      return redirect(urlFor('blog.index'))
    }
  }
  return renderTemplate('blog/create.html')
}))

blog.route('/<int:id>/update', { methods: ['GET', 'POST'] }, loginRequired(async function update({ id }) {
  const post = await getPost(id)
  if (request.method === 'POST') {
    const title = request.form.get('title')?.trim() ?? ''
    const body = request.form.get('body') ?? ''
    if (!title) flash('Title is required.')
    else {
      await getDb().execute({ sql: 'UPDATE post SET title = ?, body = ? WHERE id = ?', args: [title, body, id] })
      return redirect(urlFor('blog.index'))
    }
  }
  return renderTemplate('blog/update.html', { post })
}))

blog.post('/<int:id>/delete', { endpoint: 'delete' }, loginRequired(async function deletePost({ id }) {
  await getPost(id)
  await getDb().execute({ sql: 'DELETE FROM post WHERE id = ?', args: [id] })
  return redirect(urlFor('blog.index'))
}))
