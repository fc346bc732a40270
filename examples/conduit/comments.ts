/**
 * Comments on an article: list, add, delete (RealWorld's
 * `/articles/{slug}/comments`), on the articles blueprint.
 */
import { abort } from 'phial'
import { Resource } from 'phial/rest'
import { articleOr404, articles } from './articles.ts'
import { OPTIONAL_TOKEN, TOKEN, authOptional, authRequired, currentConduitUser, viewer } from './auth.ts'
import { db } from './db.ts'
import { ConduitComment } from './models.ts'
import { MultipleCommentsResponse, NewCommentRequest, SingleCommentResponse } from './schemas.ts'
import { commentsJson } from './serialize.ts'

const TAGS = ['Comments']
const errors = { 401: null, 422: null }

class Comments extends Resource<'/<slug>/comments'> {
  static override methodDecorators = { get: [authOptional], post: [authRequired] }

  get = this.validate(
    { responses: { 200: MultipleCommentsResponse, ...errors }, operationId: 'GetArticleComments', summary: 'Get comments for an article', tags: TAGS, security: OPTIONAL_TOKEN },
    async ({ path }) => {
      const article = await articleOr404(path.slug)
      const rows = await db.session.find(ConduitComment, { where: { articleId: article.id }, relations: { author: true }, order: { createdAt: 'DESC', id: 'DESC' } })
      return { comments: await commentsJson(rows, viewer()) }
    },
  )

  post = this.validate(
    { body: NewCommentRequest, responses: { 200: SingleCommentResponse, ...errors }, unknown: 'strip', operationId: 'CreateArticleComment', summary: 'Create a comment for an article', tags: TAGS, security: TOKEN },
    async ({ path, body: { comment } }) => {
      const article = await articleOr404(path.slug)
      const me = currentConduitUser()
      const now = new Date()
      const row = await db.session.add(ConduitComment, { body: comment.body, articleId: article.id, authorId: me.id, createdAt: now, updatedAt: now })
      await db.session.commit()
      const [json] = await commentsJson([{ ...row, author: me }], me)
      return { comment: json! }
    },
  )
}

class CommentItem extends Resource<'/<slug>/comments/<int:id>'> {
  static override methodDecorators = [authRequired]

  delete = this.validate(
    { responses: { 200: null, ...errors }, operationId: 'DeleteArticleComment', summary: 'Delete a comment for an article', tags: TAGS, security: TOKEN },
    async ({ path }) => {
      const article = await articleOr404(path.slug)
      const comment = await db.session.firstOr404(ConduitComment, { where: { id: path.id, articleId: article.id }, description: 'comment not found' })
      if (comment.authorId !== currentConduitUser().id) abort(403, 'only the author may delete this comment')
      await db.session.delete(ConduitComment, { id: comment.id })
      await db.session.commit()
      // 200 is declared without a body: an empty response, as the spec says
    },
  )
}

articles.addResource(Comments, '/<slug>/comments', { endpoint: 'comments' })
articles.addResource(CommentItem, '/<slug>/comments/<int:id>', { endpoint: 'comment' })
