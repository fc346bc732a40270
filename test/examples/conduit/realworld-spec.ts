/**
 * The RealWorld spec's published OpenAPI document (gothinkster/realworld,
 * api/openapi.yml, OpenAPI 3.0.1), transcribed as the facts the comparison
 * checks: every operation (method, path under the `/api` server, id,
 * parameters, request body, response codes, security) and every schema's
 * properties and required fields.
 */

export interface SpecOperation {
  method: 'get' | 'post' | 'put' | 'delete'
  path: string
  operationId: string
  parameters: Array<{ name: string; in: 'path' | 'query'; required: boolean; type: 'string' | 'integer' }>
  requestBody: string | null
  responses: string[]
  security: boolean
}

const slug = { name: 'slug', in: 'path', required: true, type: 'string' } as const
const username = { name: 'username', in: 'path', required: true, type: 'string' } as const
const page = [
  { name: 'offset', in: 'query', required: false, type: 'integer' },
  { name: 'limit', in: 'query', required: false, type: 'integer' },
] as const

export const SPEC_OPERATIONS: SpecOperation[] = [
  { method: 'post', path: '/users/login', operationId: 'Login', parameters: [], requestBody: 'LoginUserRequest', responses: ['200', '401', '422'], security: false },
  { method: 'post', path: '/users', operationId: 'CreateUser', parameters: [], requestBody: 'NewUserRequest', responses: ['201', '422'], security: false },
  { method: 'get', path: '/user', operationId: 'GetCurrentUser', parameters: [], requestBody: null, responses: ['200', '401', '422'], security: true },
  { method: 'put', path: '/user', operationId: 'UpdateCurrentUser', parameters: [], requestBody: 'UpdateUserRequest', responses: ['200', '401', '422'], security: true },
  { method: 'get', path: '/profiles/{username}', operationId: 'GetProfileByUsername', parameters: [username], requestBody: null, responses: ['200', '401', '422'], security: false },
  { method: 'post', path: '/profiles/{username}/follow', operationId: 'FollowUserByUsername', parameters: [username], requestBody: null, responses: ['200', '401', '422'], security: true },
  { method: 'delete', path: '/profiles/{username}/follow', operationId: 'UnfollowUserByUsername', parameters: [username], requestBody: null, responses: ['200', '401', '422'], security: true },
  { method: 'get', path: '/articles/feed', operationId: 'GetArticlesFeed', parameters: [...page], requestBody: null, responses: ['200', '401', '422'], security: true },
  {
    method: 'get',
    path: '/articles',
    operationId: 'GetArticles',
    parameters: [
      { name: 'tag', in: 'query', required: false, type: 'string' },
      { name: 'author', in: 'query', required: false, type: 'string' },
      { name: 'favorited', in: 'query', required: false, type: 'string' },
      ...page,
    ],
    requestBody: null,
    responses: ['200', '401', '422'],
    security: false,
  },
  { method: 'post', path: '/articles', operationId: 'CreateArticle', parameters: [], requestBody: 'NewArticleRequest', responses: ['201', '401', '422'], security: true },
  { method: 'get', path: '/articles/{slug}', operationId: 'GetArticle', parameters: [slug], requestBody: null, responses: ['200', '422'], security: false },
  { method: 'put', path: '/articles/{slug}', operationId: 'UpdateArticle', parameters: [slug], requestBody: 'UpdateArticleRequest', responses: ['200', '401', '422'], security: true },
  { method: 'delete', path: '/articles/{slug}', operationId: 'DeleteArticle', parameters: [slug], requestBody: null, responses: ['200', '401', '422'], security: true },
  { method: 'get', path: '/articles/{slug}/comments', operationId: 'GetArticleComments', parameters: [slug], requestBody: null, responses: ['200', '401', '422'], security: false },
  { method: 'post', path: '/articles/{slug}/comments', operationId: 'CreateArticleComment', parameters: [slug], requestBody: 'NewCommentRequest', responses: ['200', '401', '422'], security: true },
  {
    method: 'delete',
    path: '/articles/{slug}/comments/{id}',
    operationId: 'DeleteArticleComment',
    parameters: [slug, { name: 'id', in: 'path', required: true, type: 'integer' }],
    requestBody: null,
    responses: ['200', '401', '422'],
    security: true,
  },
  { method: 'post', path: '/articles/{slug}/favorite', operationId: 'CreateArticleFavorite', parameters: [slug], requestBody: null, responses: ['200', '401', '422'], security: true },
  { method: 'delete', path: '/articles/{slug}/favorite', operationId: 'DeleteArticleFavorite', parameters: [slug], requestBody: null, responses: ['200', '401', '422'], security: true },
  { method: 'get', path: '/tags', operationId: 'GetTags', parameters: [], requestBody: null, responses: ['200', '422'], security: false },
]

/** The schema each operation's 2xx response has in the spec. */
export const SPEC_RESPONSES: Record<string, string | null> = {
  Login: 'UserResponse', CreateUser: 'UserResponse', GetCurrentUser: 'UserResponse', UpdateCurrentUser: 'UserResponse',
  GetProfileByUsername: 'ProfileResponse', FollowUserByUsername: 'ProfileResponse', UnfollowUserByUsername: 'ProfileResponse',
  GetArticlesFeed: 'MultipleArticlesResponse', GetArticles: 'MultipleArticlesResponse', CreateArticle: 'SingleArticleResponse',
  GetArticle: 'SingleArticleResponse', UpdateArticle: 'SingleArticleResponse', DeleteArticle: null,
  GetArticleComments: 'MultipleCommentsResponse', CreateArticleComment: 'SingleCommentResponse', DeleteArticleComment: null,
  CreateArticleFavorite: 'SingleArticleResponse', DeleteArticleFavorite: 'SingleArticleResponse', GetTags: 'TagsResponse',
}

/** Each schema: property → type (`$Name` for a reference, `[type]` for an array), and the required ones. */
export const SPEC_SCHEMAS: Record<string, { properties: Record<string, string>; required: string[] }> = {
  LoginUser: { properties: { email: 'string', password: 'string' }, required: ['email', 'password'] },
  LoginUserRequest: { properties: { user: '$LoginUser' }, required: ['user'] },
  NewUser: { properties: { username: 'string', email: 'string', password: 'string' }, required: ['email', 'password', 'username'] },
  NewUserRequest: { properties: { user: '$NewUser' }, required: ['user'] },
  User: { properties: { email: 'string', password: 'string', username: 'string', bio: 'string', image: 'string' }, required: ['bio', 'email', 'image', 'password', 'username'] },
  UserResponse: { properties: { user: '$User' }, required: ['user'] },
  UpdateUser: { properties: { email: 'string', password: 'string', username: 'string', bio: 'string', image: 'string' }, required: [] },
  UpdateUserRequest: { properties: { user: '$UpdateUser' }, required: ['user'] },
  Profile: { properties: { username: 'string', bio: 'string', image: 'string', following: 'boolean' }, required: ['bio', 'following', 'image', 'username'] },
  ProfileResponse: { properties: { profile: '$Profile' }, required: ['profile'] },
  Article: {
    properties: { slug: 'string', title: 'string', description: 'string', body: 'string', tagList: '[string]', createdAt: 'string', updatedAt: 'string', favorited: 'boolean', favoritesCount: 'integer', author: '$Profile' },
    required: ['author', 'body', 'createdAt', 'description', 'favorited', 'favoritesCount', 'slug', 'tagList', 'title', 'updatedAt'],
  },
  SingleArticleResponse: { properties: { article: '$Article' }, required: ['article'] },
  MultipleArticlesResponse: { properties: { articles: '[$Article]', articlesCount: 'integer' }, required: ['articles', 'articlesCount'] },
  NewArticle: { properties: { title: 'string', description: 'string', body: 'string', tagList: '[string]' }, required: ['body', 'description', 'title'] },
  NewArticleRequest: { properties: { article: '$NewArticle' }, required: ['article'] },
  UpdateArticle: { properties: { title: 'string', description: 'string', body: 'string' }, required: [] },
  UpdateArticleRequest: { properties: { article: '$UpdateArticle' }, required: ['article'] },
  Comment: { properties: { id: 'integer', createdAt: 'string', updatedAt: 'string', body: 'string', author: '$Profile' }, required: ['author', 'body', 'createdAt', 'id', 'updatedAt'] },
  SingleCommentResponse: { properties: { comment: '$Comment' }, required: ['comment'] },
  MultipleCommentsResponse: { properties: { comments: '[$Comment]' }, required: ['comments'] },
  NewComment: { properties: { body: 'string' }, required: ['body'] },
  NewCommentRequest: { properties: { comment: '$NewComment' }, required: ['comment'] },
  TagsResponse: { properties: { tags: '[string]' }, required: ['tags'] },
  GenericErrorModel: { properties: { errors: 'object' }, required: ['errors'] },
}
