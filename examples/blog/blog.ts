/**
 * The posts: list (paginated), create, update, delete (Flaskr's blog.py).
 */
import { Blueprint, abort, flash, g, redirect, renderTemplate, request, urlFor } from 'phial'
import { loginRequired } from './auth.ts'
import { db } from './db.ts'
import { Post } from './models.ts'

/** Posts on a page of the index. */
export const POSTS_PER_PAGE = 10

export const blog = new Blueprint('blog', import.meta.url)

/**
 * A post by id with its author, or 404; 403 unless the current user wrote it (when `checkAuthor`).
 *
 * @example
 * ```ts
 * const post = await getPost(id)
 * ```
 */
export async function getPost(id: number, checkAuthor = true): Promise<Post> {
  const post = await db.getOr404(Post, id, { relations: { author: true }, description: `Post id ${id} doesn't exist.` })
  if (checkAuthor && post.authorId !== g.user?.id) abort(403)
  return post
}

blog.get('/', async function index() {
  // ?page=2 and ?per_page=20 (a bad number is a 404, as in Flask-SQLAlchemy)
  const page = await db.paginate(Post, { relations: { author: true }, order: { created: 'DESC', id: 'DESC' }, defaultPerPage: POSTS_PER_PAGE, maxPerPage: 50 })
  return renderTemplate('blog/index.html', { page })
})

blog.route('/create', { methods: ['GET', 'POST'] }, loginRequired(async function create() {
  if (request.method === 'POST') {
    const title = request.form.get('title')?.trim() ?? ''
    const body = request.form.get('body') ?? ''
    if (!title) flash('Title is required.')
    else {
      await db.session.add(Post, { title, body, authorId: g.user!.id })
      await db.session.commit()
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
      await db.session.update(Post, { id }, { title, body })
      await db.session.commit()
      return redirect(urlFor('blog.index'))
    }
  }
  return renderTemplate('blog/update.html', { post })
}))

blog.post('/<int:id>/delete', { endpoint: 'delete' }, loginRequired(async function deletePost({ id }) {
  await getPost(id)
  await db.session.delete(Post, { id })
  await db.session.commit()
  return redirect(urlFor('blog.index'))
}))
