/**
 * The posts: list (paginated), create, update, delete (Flaskr's blog.py).
 * Authors edit and delete their own posts; an admin may delete anyone's.
 */
import { Blueprint, abort, redirect, renderTemplate, urlFor } from 'phial'
import { currentUser, loginRequired } from 'phial/login'
import { adminPermission } from './admin.ts'
import { db } from './db.ts'
import { PostForm } from './forms.ts'
import { Post } from './models.ts'

/** Posts on a page of the index. */
export const POSTS_PER_PAGE = 10

export const blog = new Blueprint('blog', import.meta.url)

/** Whether the current user wrote `post`. @example if (!isAuthor(post)) abort(403) */
export function isAuthor(post: Post): boolean {
  return currentUser.isAuthenticated && post.authorId === currentUser.id
}

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
  if (checkAuthor && !isAuthor(post)) abort(403)
  return post
}

blog.get('/', async function index() {
  // ?page=2 and ?per_page=20 (a bad number is a 404, as in Flask-SQLAlchemy)
  const page = await db.paginate(Post, { relations: { author: true }, order: { created: 'DESC', id: 'DESC' }, defaultPerPage: POSTS_PER_PAGE, maxPerPage: 50 })
  return renderTemplate('blog/index.html', { page, isAdmin: adminPermission.can() })
})

blog.route('/create', { methods: ['GET', 'POST'] }, loginRequired(async function create() {
  const form = new PostForm()
  if (!form.validateOnSubmit()) return [renderTemplate('blog/create.html', { form }), form.isSubmitted() ? 400 : 200]
  await db.session.add(Post, { ...form.data, authorId: currentUser.isAuthenticated ? currentUser.id : abort(401) })
  await db.session.commit()
  return redirect(urlFor('blog.index'))
}))

blog.route('/<int:id>/update', { methods: ['GET', 'POST'] }, loginRequired(async function update({ id }) {
  const post = await getPost(id)
  // the post's values, or (on POST) what was submitted
  const form = new PostForm({ obj: post })
  if (!form.validateOnSubmit()) return [renderTemplate('blog/update.html', { post, form }), form.isSubmitted() ? 400 : 200]
  await db.session.update(Post, { id }, form.data)
  await db.session.commit()
  return redirect(urlFor('blog.index'))
}))

blog.post('/<int:id>/delete', { endpoint: 'delete' }, loginRequired(async function deletePost({ id }) {
  const post = await getPost(id, false)
  if (!isAuthor(post) && !adminPermission.can()) abort(403)
  await db.session.delete(Post, { id })
  await db.session.commit()
  return redirect(urlFor('blog.index'))
}))
