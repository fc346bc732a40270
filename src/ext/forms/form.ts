/**
 * Forms (Flask-WTF's `FlaskForm` on WTForms' `Form`): `defineForm(shape)`
 * makes a form class whose instances read the request, validate each field
 * and the CSRF token, and type their data from the fields' schemas.
 */
import { Markup, currentContext, hasRequestContext, type FileStorage } from 'phial'
import { CsrfTokenField, csrfEnabled, csrfFailure, csrfFieldName } from './csrf-field.ts'
import { BoundField, type Field, type Submitted } from './field.ts'

/** Methods whose requests submit a form (Flask-WTF's `SUBMIT_METHODS`). */
export const SUBMIT_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

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

const RESERVED = new Set([
  'data', 'errors', 'formErrors', 'prefix', 'meta', 'csrf_token', 'validate', 'validateAsync', 'validateOnSubmit',
  'validateOnSubmitAsync', 'validateForm', 'isSubmitted', 'hiddenTag', 'hidden_tag', 'populateObj', 'field', 'fields', 'constructor',
  'toString', 'valueOf',
])

/** Field names that would hide a form member. */
type ReservedName =
  | 'data' | 'errors' | 'formErrors' | 'prefix' | 'meta' | 'csrf_token' | 'validate' | 'validateAsync' | 'validateOnSubmit'
  | 'validateOnSubmitAsync' | 'validateForm' | 'isSubmitted' | 'hiddenTag' | 'hidden_tag' | 'populateObj' | 'field' | 'fields'

/** A combined view of `request.form` and `request.files`. */
function requestInput(): FormInput {
  const request = currentContext().request
  return {
    getAll: (key) => {
      const values: Array<string | FileStorage> = request.form.getAll(key)
      return request.files.size > 0 ? values.concat(request.files.getAll(key)) : values
    },
  }
}

function submittedFor(input: FormInput, name: string): Submitted {
  const values: string[] = []
  const files: FileStorage[] = []
  for (const value of input.getAll(name)) {
    if (typeof value === 'string') values.push(value)
    else files.push(value)
  }
  return { values, files }
}

/**
 * A form instance (Flask-WTF's `FlaskForm`): each field is a property
 * (`form.email`), plus the CSRF field `csrf_token`. Made by the classes
 * {@link defineForm} returns.
 *
 * @example
 * ```ts
 * const form = new LoginForm()
 * if (form.validateOnSubmit()) loginUser(findUser(form.data.email))
 * return renderTemplate('login.html', { form })
 * ```
 */
export class Form<S extends FormShape = FormShape> implements Iterable<BoundField<unknown>> {
  /** The prefix of the HTML names (with its `-`), or `''`. */
  readonly prefix: string
  /** Errors about the form as a whole (add yours in {@link validateForm}). */
  formErrors: string[] = []
  /** The CSRF field, or null when CSRF is off for this form. */
  readonly csrf_token: BoundField<string> | null
  /** The bound fields by name (the same objects as `form.<name>`). */
  readonly fields: BoundFields<S>
  readonly #fields = new Map<string, BoundField<unknown>>()

  constructor(shape: S, options: FormOptions<S> = {}) {
    const prefix = options.prefix ? (/[-_;:/.]$/.test(options.prefix) ? options.prefix : `${options.prefix}-`) : ''
    this.prefix = prefix
    let input: FormInput | null = null
    if (options.formdata !== undefined) input = options.formdata
    else if (isSubmitted()) input = requestInput()
    const fields: Record<string, BoundField<unknown>> = {}
    const obj = options.obj as Record<string, unknown> | undefined
    const data = (options.data ?? {}) as Record<string, unknown>
    for (const [key, definition] of Object.entries(shape)) {
      const field = new BoundField(definition as Field<unknown>, key, prefix)
      field.process(input === null ? null : submittedFor(input, field.name), obj !== undefined && key in obj ? obj[key] : data[key])
      this.#fields.set(key, field)
      fields[key] = field
      Object.defineProperty(this, key, { value: field, enumerable: true })
    }
    this.fields = Object.freeze(fields) as BoundFields<S>
    let csrf: BoundField<string> | null = null
    if (csrfEnabled(options.meta?.csrf)) {
      csrf = new BoundField(new CsrfTokenField(), csrfFieldName(currentContext().app.config.get('WTF_CSRF_FIELD_NAME')), prefix)
      csrf.process(input === null ? null : submittedFor(input, csrf.name), undefined)
    }
    this.csrf_token = csrf
  }

  /** True on a POST, PUT, PATCH or DELETE request (Flask-WTF's `is_submitted`). */
  isSubmitted(): boolean {
    return isSubmitted()
  }

  /**
   * Validates the CSRF token and every field (conversion, `required`,
   * validators, schema), then {@link validateForm} when they all pass.
   * True narrows the form: `form.data` is complete and typed.
   *
   * @throws `TypeError` when a schema validates asynchronously (use {@link validateAsync}).
   * @example
   * ```ts
   * const form = new ContactForm({ formdata: new MultiDict([['email', 'x']]) })
   * form.validate()      // false; form.email.errors = ['Invalid email address']
   * ```
   */
  validate(): this is ValidForm<S> {
    let ok = this.#checkCsrf()
    for (const field of this.#fields.values()) {
      if (!(field.validate(false, 'form') as boolean)) ok = false
    }
    return this.#finish(ok) as boolean
  }

  /**
   * {@link validate} for schemas that validate asynchronously (an async
   * refinement that looks a name up in the database).
   *
   * @example
   * ```ts
   * if (await form.validateAsync()) save(form.data as DataOf<SignupForm>)
   * ```
   */
  async validateAsync(): Promise<boolean> {
    let ok = this.#checkCsrf()
    const results = await Promise.all([...this.#fields.values()].map((field) => field.validate(true)))
    if (results.includes(false)) ok = false
    return this.#finish(ok)
  }

  /**
   * `isSubmitted() && validate()` (Flask-WTF's `validate_on_submit`): true
   * only for a submitting request with a valid CSRF token and valid data.
   *
   * @example
   * ```ts
   * if (form.validateOnSubmit()) { save(form.data); return redirect(urlFor('index')) }
   * ```
   */
  validateOnSubmit(): this is ValidForm<S> {
    return this.isSubmitted() && this.validate()
  }

  /**
   * `isSubmitted() && await validateAsync()`.
   *
   * @example
   * ```ts
   * if (await form.validateOnSubmitAsync()) return redirect(urlFor('index'))
   * ```
   */
  async validateOnSubmitAsync(): Promise<boolean> {
    return this.isSubmitted() && (await this.validateAsync())
  }

  /**
   * Checks across fields, run after every field passed; add messages to a
   * field's `errors` or to {@link formErrors}. Override it in a subclass.
   *
   * @example
   * ```ts
   * class SignupForm extends defineForm({ password: new PasswordField(), confirm: new PasswordField() }) {
   *   protected override validateForm(data: DataOf<SignupForm>): void {
   *     if (data.password !== data.confirm) this.confirm.errors.push('Passwords must match.')
   *   }
   * }
   * ```
   */
  protected validateForm(_data: FormData<S>): void {}

  /** The fields' data by name (complete and typed after a successful validation). */
  get data(): Partial<FormData<S>> {
    const out: Record<string, unknown> = {}
    for (const [key, field] of this.#fields) out[key] = field.data
    return out as Partial<FormData<S>>
  }

  /**
   * The fields' errors by name, only fields that have some (the CSRF field
   * under its name); form-level errors are in {@link formErrors}.
   *
   * @example
   * ```ts
   * form.errors // { email: ['This field is required.'], csrf_token: ['The CSRF token is missing.'] }
   * ```
   */
  get errors(): Partial<Record<keyof S | 'csrf_token', string[]>> {
    const out: Record<string, string[]> = {}
    for (const field of this) if (field.errors.length > 0) out[field === this.csrf_token ? 'csrf_token' : field.key] = field.errors
    return out as Partial<Record<keyof S | 'csrf_token', string[]>>
  }

  /**
   * A field by name (`null` for an unknown one).
   *
   * @example
   * ```ts
   * form.field('email')?.errors
   * ```
   */
  field(name: string): BoundField<unknown> | null {
    return this.#fields.get(name) ?? (name === 'csrf_token' ? this.csrf_token : null)
  }

  /**
   * The hidden fields as HTML — the CSRF token and every `HiddenField`
   * (Flask-WTF's `hidden_tag()`; templates call `form.hidden_tag()`). With
   * names, only those of them that are hidden.
   *
   * @example
   * ```ts
   * `<form method="post">${form.hiddenTag()}${form.name}</form>`
   * ```
   */
  hiddenTag(...names: unknown[]): Markup {
    const wanted = names.filter((n): n is string | BoundField<unknown> => typeof n === 'string' || n instanceof BoundField)
    const pick = wanted.length > 0 ? wanted.map((n) => (typeof n === 'string' ? this.field(n) : n)) : [...this]
    return new Markup(pick.filter((f) => f !== null && f.flags.hidden).map(String).join('\n'))
  }

  /** Jinja's name of {@link hiddenTag}. */
  hidden_tag(...names: unknown[]): Markup {
    return this.hiddenTag(...names)
  }

  /**
   * Copies each field's data onto `obj` by field name (WTForms' `populate_obj`) and returns it.
   *
   * @example
   * ```ts
   * if (form.validateOnSubmit()) { form.populateObj(post); await db.save(post) }
   * ```
   */
  populateObj<T extends object>(obj: T): T & Partial<FormData<S>> {
    for (const [key, field] of this.#fields) if (field.definition.type !== 'SubmitField') (obj as Record<string, unknown>)[key] = field.data
    return obj as T & Partial<FormData<S>>
  }

  /** The fields in declaration order, then the CSRF field (`{% for field in form %}`). */
  *[Symbol.iterator](): Iterator<BoundField<unknown>> {
    yield* this.#fields.values()
    if (this.csrf_token !== null) yield this.csrf_token as BoundField<unknown>
  }

  #checkCsrf(): boolean {
    this.formErrors = []
    const csrf = this.csrf_token
    if (csrf === null) return true
    const reason = csrfFailure(csrf.raw?.[0])
    csrf.errors = reason === null ? [] : [reason]
    return reason === null
  }

  #finish(ok: boolean): boolean {
    if (!ok) return false
    const result = this.validateForm(this.data as FormData<S>) as unknown
    if (result instanceof Promise) throw new TypeError('validateForm() must be synchronous; do asynchronous checks in an async schema.')
    for (const field of this) if (field.errors.length > 0) return false
    return this.formErrors.length === 0
  }
}

function isSubmitted(): boolean {
  return hasRequestContext() && SUBMIT_METHODS.has(currentContext().request.method)
}

/**
 * Makes a form class from its fields (WTForms' declarative `class MyForm(FlaskForm)`).
 * Each instance reads the submitted request (POST, PUT, PATCH, DELETE) or,
 * otherwise, its `data`/`obj`/defaults; `validateOnSubmit()` checks the
 * CSRF token and every field, and narrows `form.data` to the fields' schema
 * outputs. A field may not be named like a form member (`data`, `errors`…).
 * `hooks.validate` adds checks across fields (or extend the class and
 * override `validateForm`).
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * import { defineForm, StringField, IntegerField } from 'phial/forms'
 *
 * const MyForm = defineForm({
 *   name: new StringField('Name', { required: true, schema: z.string().max(50) }),
 *   age: new IntegerField('Age', { schema: z.number().int().min(0).optional() }),
 * })
 * app.route('/submit', { methods: ['GET', 'POST'] }, function submit() {
 *   const form = new MyForm()
 *   if (form.validateOnSubmit()) return `Hello ${form.data.name}`   // data: { name: string; age: number | undefined }
 *   return renderTemplate('submit.html', { form })
 * })
 * ```
 */
export function defineForm<const S extends FormShape>(shape: S & { readonly [K in keyof S & ReservedName]: never }, hooks: FormHooks<S> = {}): FormClass<S> {
  for (const key of Object.keys(shape)) {
    if (RESERVED.has(key) || key.startsWith('#')) {
      throw new TypeError(`defineForm(): a field may not be named '${key}' (it is a member of every form); rename it.`)
    }
  }
  const frozen = Object.freeze({ ...shape }) as S
  const FormOfShape = class extends Form<S> {
    static readonly shape: S = frozen
    constructor(options?: FormOptions<S>) {
      super(frozen, options)
    }
    protected override validateForm(data: FormData<S>): void {
      hooks.validate?.(data, this as unknown as Form<S> & BoundFields<S>)
    }
  }
  return FormOfShape as unknown as FormClass<S>
}
