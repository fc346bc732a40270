/**
 * The posts: list (paginated), create, update, delete (Flaskr's blog.py).
 * Authors edit and delete their own posts; an admin may delete anyone's.
 *
 * The index's list of posts is a cached fragment for visitors who are not
 * logged in (theirs is the same page for everyone; a logged-in user's has
 * Edit links and CSRF tokens of their own): `{% cache %}` in
 * blog/index.html, keyed by the page, the page size and the index's
 * generation, a counter in the blog's cache. Creating, editing or deleting
 * a post raises the generation, so every cached page is stale at once — in
 * every worker with Redis — and the old fragments age out.
 */
import { Blueprint, abort, redirect, renderTemplate, urlFor } from 'phial'
import { currentUser, loginRequired } from 'phial/login'
import { adminPermission } from './admin.ts'
import { cache } from './cache.ts'
import { db } from './db.ts'
import { PostForm } from './forms.ts'
import { Post } from './models.ts'
import { announcePost } from './notify.ts'
import { publishPost } from './live.ts'

/** Posts on a page of the index. */
export const POSTS_PER_PAGE = 10

export const blog = new Blueprint('blog', import.meta.url)

/** Seconds a cached index fragment lives (a stale generation's fragments go with it). */
export const INDEX_FRAGMENT_TIMEOUT = 300
/** The cache key of the index's generation. */
export const INDEX_GENERATION_KEY = 'index-generation'

/** The index's generation (0 before the first change). @example await indexGeneration() */
export async function indexGeneration(): Promise<number> {
  return (await cache.get<number>(INDEX_GENERATION_KEY)) ?? 0
}

/** Makes every cached index fragment stale: call after a post is created, edited or deleted. @example await invalidateIndex() */
export async function invalidateIndex(): Promise<void> {
  await cache.inc(INDEX_GENERATION_KEY)
}

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
  const cached = !currentUser.isAuthenticated
  const generation = cached ? await indexGeneration() : 0
  return renderTemplate('blog/index.html', { page, isAdmin: adminPermission.can(), cached, generation, fragmentTimeout: INDEX_FRAGMENT_TIMEOUT })
})

blog.route('/create', { methods: ['GET', 'POST'] }, loginRequired(async function create() {
  const form = new PostForm()
  if (!form.validateOnSubmit()) return [renderTemplate('blog/create.html', { form }), form.isSubmitted() ? 400 : 200]
  const post = await db.session.add(Post, { ...form.data, authorId: currentUser.isAuthenticated ? currentUser.id : abort(401) })
  await db.session.commit()
  await invalidateIndex()
  // the other users with an e-mail address hear of it, from a task (notify.ts)
  await announcePost(post.id, urlFor('index', { _external: true }))
  // the open index pages show it at once, and the users it @mentions are told (live.ts)
  await publishPost(post)
  return redirect(urlFor('blog.index'))
}))

blog.route('/<int:id>/update', { methods: ['GET', 'POST'] }, loginRequired(async function update({ id }) {
  const post = await getPost(id)
  // the post's values, or (on POST) what was submitted
  const form = new PostForm({ obj: post })
  if (!form.validateOnSubmit()) return [renderTemplate('blog/update.html', { post, form }), form.isSubmitted() ? 400 : 200]
  await db.session.update(Post, { id }, form.data)
  await db.session.commit()
  await invalidateIndex()
  return redirect(urlFor('blog.index'))
}))

blog.post('/<int:id>/delete', { endpoint: 'delete' }, loginRequired(async function deletePost({ id }) {
  const post = await getPost(id, false)
  if (!isAuthor(post) && !adminPermission.can()) abort(403)
  await db.session.delete(Post, { id })
  await db.session.commit()
  await invalidateIndex()
  return redirect(urlFor('blog.index'))
}))
