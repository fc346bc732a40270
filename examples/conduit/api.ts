/**
 * The Conduit API object: phial/rest's `Api` under `/api`, with the four
 * blueprints (users, profiles, articles, tags) registered into it — one
 * OpenAPI document — and every error in the RealWorld format
 * `{"errors": {"body": ["…"]}}` instead of RFC 9457 problem details
 * (validation errors stay 422).
 */
import type { ErrorFormat, ProblemDetails } from 'phial/rest'
import { Api } from 'phial/rest'
import { articles } from './articles.ts'
import './comments.ts'
import { profiles } from './profiles.ts'
import { GenericErrorModel } from './schemas.ts'
import { tags } from './tags.ts'
import { users } from './users.ts'

/** The messages of an error: one per invalid field (`user.email: Invalid email address`), or its detail. */
export function errorMessages(problem: ProblemDetails): string[] {
  if (problem.errors && problem.errors.length > 0) {
    return problem.errors.map((e) => (e.path.length > 0 ? `${e.path.join('.')}: ${e.message}` : e.message))
  }
  return [problem.detail ?? problem.title]
}

/** RealWorld's error body, for every error the Api answers, and documented as every error response. */
export const realWorldErrors: ErrorFormat = {
  schema: GenericErrorModel,
  render: (problem) => ({ errors: { body: errorMessages(problem) } }),
}

export const api = new Api(null, {
  prefix: '/api',
  title: 'Conduit API',
  version: '1.0.0',
  description: 'The RealWorld "Conduit" API (a Medium clone), built with Phial.',
  errors: realWorldErrors,
  // the token scheme comes from phial/login's JWTManager (JWT_HEADER_TYPE 'Token'), under the spec's name
  jwtScheme: 'Token',
})

for (const blueprint of [users, profiles, articles, tags]) api.registerBlueprint(blueprint)
