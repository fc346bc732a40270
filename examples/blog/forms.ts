/**
 * The blog's forms: a zod schema per form and `validateForm`, which runs any
 * Standard Schema on the submitted fields and gives the errors per field, for
 * the templates to show next to each input (as Flask-WTF's `form.errors`).
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { z } from 'zod'

/** Messages per field name: `{ title: ['Title is required.'] }`. */
export type FieldErrors = Record<string, string[]>

/** What `validateForm` found: the parsed data when valid, else the errors by field. */
export type FormResult<T> = { ok: true; data: T; errors: FieldErrors } | { ok: false; data: null; errors: FieldErrors }

/** The text fields of a submitted form (`request.form`), read by name. */
interface SubmittedForm {
  get(name: string): string | undefined
}

const required = (message: string) => z.string().trim().min(1, message)

/** Register: a username of 1–150 characters (the column's length) and a password. */
export const RegisterForm = z.object({
  username: required('Username is required.').max(150, 'Username must be at most 150 characters.'),
  password: z.string().min(1, 'Password is required.').max(1024, 'Password must be at most 1024 characters.'),
})

/** Log in: username, password and the "Remember me" checkbox (sent only when ticked). */
export const LoginForm = z.object({
  username: required('Username is required.'),
  password: z.string().min(1, 'Password is required.'),
  remember: z.string().transform((value) => value !== ''),
})

/** New post and edit post: a title of 1–200 characters (the column's length) and a body. */
export const PostForm = z.object({
  title: required('Title is required.').max(200, 'Title must be at most 200 characters.'),
  body: z.string().max(20_000, 'Body must be at most 20000 characters.'),
})

/** The field names a schema declares (a zod object's keys), so each is read from the form. */
function fieldNames(schema: StandardSchemaV1): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape
  return shape ? Object.keys(shape) : []
}

/**
 * Validates the submitted fields with `schema` (zod, or any Standard Schema
 * with a `shape`): an absent field (an unticked checkbox) reads as `''`.
 * Each issue's first path segment names its field; an issue
 * with no path goes under `''`.
 *
 * @example
 * ```ts
 * const form = await validateForm(PostForm, request.form)
 * if (form.ok) await db.session.add(Post, { ...form.data, authorId: currentUser.id })
 * else return [renderTemplate('blog/create.html', { errors: form.errors }), 400]
 * ```
 */
export async function validateForm<S extends StandardSchemaV1>(schema: S, form: SubmittedForm): Promise<FormResult<StandardSchemaV1.InferOutput<S>>> {
  const values: Record<string, string> = {}
  for (const name of fieldNames(schema)) values[name] = form.get(name) ?? ''
  const result = await schema['~standard'].validate(values)
  if (!result.issues) return { ok: true, data: result.value as StandardSchemaV1.InferOutput<S>, errors: {} }
  const errors: FieldErrors = {}
  for (const issue of result.issues) {
    const first = issue.path?.[0]
    const field = first === undefined ? '' : String(typeof first === 'object' ? first.key : first)
    ;(errors[field] ??= []).push(issue.message)
  }
  return { ok: false, data: null, errors }
}
