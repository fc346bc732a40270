/**
 * The form instance (Flask-WTF's `FlaskForm` on WTForms' `Form`): reads
 * the request, validates the CSRF token and each field, and types its data
 * from the fields' schemas.
 */
import { Markup, currentContext, hasRequestContext, type FileStorage } from 'phial'
import { CsrfTokenField, csrfEnabled, csrfFailure, csrfFieldName } from './csrf-field.ts'
import { BoundField, type Field, type Submitted } from './field.ts'
import type { BoundFields, FormData, FormInput, FormOptions, FormShape, ValidForm } from './form-types.ts'

/** Methods whose requests submit a form (Flask-WTF's `SUBMIT_METHODS`). */
export const SUBMIT_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

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

