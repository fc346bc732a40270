/**
 * The request and response shapes of the RealWorld spec as zod schemas:
 * they validate requests (422 on failure), filter responses, and become the
 * OpenAPI document's components under the spec's own names.
 */
import { z } from 'zod'

const required = (field: string) => z.string({ error: `${field} can't be blank` }).trim().min(1, `${field} can't be blank`)
const password = () => z.string({ error: "password can't be blank" }).min(1, "password can't be blank").max(200)

export const LoginUser = z.object({ email: required('email'), password: password() }).meta({ id: 'LoginUser' })
export const LoginUserRequest = z.object({ user: LoginUser }).meta({ id: 'LoginUserRequest' })

export const NewUser = z.object({
  username: required('username').max(100),
  email: z.email('email is invalid').max(255),
  password: password(),
}).meta({ id: 'NewUser' })
export const NewUserRequest = z.object({ user: NewUser }).meta({ id: 'NewUserRequest' })

export const UpdateUser = z.object({
  email: z.email('email is invalid').max(255).optional(),
  password: password().optional(),
  username: required('username').max(100).optional(),
  bio: z.string().max(10_000).nullable().optional(),
  image: z.string().max(1000).nullable().optional(),
}).meta({ id: 'UpdateUser' })
export const UpdateUserRequest = z.object({ user: UpdateUser }).meta({ id: 'UpdateUserRequest' })

export const User = z.object({
  email: z.string(),
  token: z.string(),
  username: z.string(),
  bio: z.string().nullable(),
  image: z.string().nullable(),
}).meta({ id: 'User' })
export const UserResponse = z.object({ user: User }).meta({ id: 'UserResponse' })

export const Profile = z.object({
  username: z.string(),
  bio: z.string().nullable(),
  image: z.string().nullable(),
  following: z.boolean(),
}).meta({ id: 'Profile' })
export const ProfileResponse = z.object({ profile: Profile }).meta({ id: 'ProfileResponse' })

export const Article = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  body: z.string(),
  tagList: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  favorited: z.boolean(),
  favoritesCount: z.number().int(),
  author: Profile,
}).meta({ id: 'Article' })
export const SingleArticleResponse = z.object({ article: Article }).meta({ id: 'SingleArticleResponse' })
export const MultipleArticlesResponse = z.object({ articles: z.array(Article), articlesCount: z.number().int() }).meta({ id: 'MultipleArticlesResponse' })

const tagName = z.string().trim().min(1, "tag can't be blank").max(100)
export const NewArticle = z.object({
  title: required('title').max(255),
  description: required('description').max(10_000),
  body: required('body').max(100_000),
  tagList: z.array(tagName).max(20).optional(),
}).meta({ id: 'NewArticle' })
export const NewArticleRequest = z.object({ article: NewArticle }).meta({ id: 'NewArticleRequest' })

export const UpdateArticle = z.object({
  title: required('title').max(255).optional(),
  description: required('description').max(10_000).optional(),
  body: required('body').max(100_000).optional(),
}).meta({ id: 'UpdateArticle' })
export const UpdateArticleRequest = z.object({ article: UpdateArticle }).meta({ id: 'UpdateArticleRequest' })

export const Comment = z.object({
  id: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  body: z.string(),
  author: Profile,
}).meta({ id: 'Comment' })
export const SingleCommentResponse = z.object({ comment: Comment }).meta({ id: 'SingleCommentResponse' })
export const MultipleCommentsResponse = z.object({ comments: z.array(Comment) }).meta({ id: 'MultipleCommentsResponse' })
export const NewComment = z.object({ body: required('body').max(10_000) }).meta({ id: 'NewComment' })
export const NewCommentRequest = z.object({ comment: NewComment }).meta({ id: 'NewCommentRequest' })

export const TagsResponse = z.object({ tags: z.array(z.string()) }).meta({ id: 'TagsResponse' })

export const GenericErrorModel = z.object({ errors: z.object({ body: z.array(z.string()) }) }).meta({ id: 'GenericErrorModel' })

/** `limit` (default 20, at most 100) and `offset` (default 0) of the article lists. */
export const Page = {
  limit: z.number().int().min(1).max(100).default(20).describe('Limit number of articles returned (default is 20)'),
  offset: z.number().int().min(0).default(0).describe('Offset/skip number of articles (default is 0)'),
}
export const ArticlesQuery = z.object({
  tag: z.string().optional().describe('Filter by tag'),
  author: z.string().optional().describe('Filter by author (username)'),
  favorited: z.string().optional().describe('Filter by favorites of a user (username)'),
  ...Page,
})
export const FeedQuery = z.object(Page)
