/**
 * The types around forms: the shape of fields, the data typed from their
 * schemas, the options of a form, the class `defineForm` returns.
 */
import type { FileStorage } from 'phial'
import type { BoundField, Field } from './field.ts'
import type { Form } from './form.ts'

/**
 * The fields of a form, by property name.
 *
 * @example
 * ```ts
 * const shape = { name: new StringField('Name', { required: true }) } satisfies FormShape
 * ```
 */
// Not Record<string, Field<any, any>>: that contextual type would make TypeScript infer `any` for the
// output of a field written without a schema (`new StringField('Nick')`) instead of its default.
export type FormShape = Record<string, FieldDefinition>

/** What {@link FormShape} holds: any {@link Field} (a non-generic view of it). */
export interface FieldDefinition {
  readonly type: string
  readonly acceptsFiles: boolean
  readonly hidden: boolean
}

/** The `data` type of a field definition. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type FieldOutput<F> = F extends Field<any, infer O> ? O : never

/**
 * The validated data of a form with these fields, typed from their schemas.
 *
 * @example
 * ```ts
 * type Data = FormData<{ age: IntegerField<number> }>   // { age: number }
 * ```
 */
export type FormData<S extends FormShape> = { -readonly [K in keyof S]: FieldOutput<S[K]> }

/**
 * The data of a form instance or class (`DataOf<SignupForm>`).
 *
 * @example
 * ```ts
 * function save(data: DataOf<SignupForm>) { db.insert(data) }
 * ```
 */
export type DataOf<F> = F extends Form<infer S> ? FormData<S> : F extends FormClass<infer S> ? FormData<S> : never

/** The bound fields a form instance has as properties. */
export type BoundFields<S extends FormShape> = { readonly [K in keyof S]: BoundField<FieldOutput<S[K]>> }

/** What a successful `validate()` / `validateOnSubmit()` narrows a form to: complete data, every field's `data` set. */
export type ValidForm<S extends FormShape> = { readonly data: FormData<S> } & {
  readonly [K in keyof S]: BoundField<FieldOutput<S[K]>> & { data: FieldOutput<S[K]> }
}

/**
 * Where a form reads submitted values: a MultiDict (or anything with
 * `getAll`) of strings and `FileStorage`s. By default, on a submitting
 * request, `request.form` and `request.files` together.
 *
 * @example
 * ```ts
 * new ContactForm({ formdata: new MultiDict([['email', 'a@example.com']]) })
 * ```
 */
export interface FormInput {
  getAll(key: string): ReadonlyArray<string | FileStorage>
}

/**
 * Options of a form instance.
 *
 * @example
 * ```ts
 * new EditPostForm({ obj: post })                 // the fields start from the post's attributes
 * new SearchForm({ prefix: 'search', meta: { csrf: false } })
 * ```
 */
export interface FormOptions<S extends FormShape> {
  /** Submitted values to read instead of the request's; `null` reads nothing (WTForms' `formdata`). */
  formdata?: FormInput | null
  /** Initial values when nothing was submitted (an `obj` attribute wins). */
  data?: Partial<FormData<S>>
  /** An object whose attributes, by field name, give the initial values (an edit form's model). */
  obj?: object
  /** Prefix of every HTML name (`'login'` → `login-email`), for several forms on one page. */
  prefix?: string
  /** `csrf: false` leaves the CSRF field out (default: `WTF_CSRF_ENABLED`). */
  meta?: { csrf?: boolean }
}

/**
 * A form class made by {@link defineForm}: `new MyForm(options?)`. Extend
 * it to add checks across fields ({@link Form.validateForm}).
 *
 * @example
 * ```ts
 * const LoginForm: FormClass<{ email: EmailField; password: PasswordField }> = defineForm({ email: new EmailField(), password: new PasswordField() })
 * ```
 */
export interface FormClass<S extends FormShape> {
  new (options?: FormOptions<S>): Form<S> & BoundFields<S>
  /** The field definitions. */
  readonly shape: S
}

/**
 * Checks across fields for {@link defineForm}: `validate(data, form)` runs
 * after every field passed, with the typed data; add messages to a field's
 * `errors` or to `form.formErrors`.
 *
 * @example
 * ```ts
 * const SignupForm = defineForm({ password: new PasswordField(), confirm: new PasswordField() }, {
 *   validate(data, form) { if (data.password !== data.confirm) form.confirm.errors.push('Passwords must match.') },
 * })
 * ```
 */
export interface FormHooks<S extends FormShape> {
  validate?(data: FormData<S>, form: Form<S> & BoundFields<S>): void
}
