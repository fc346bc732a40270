/**
 * Fields: the definition (`Field`, WTForms' unbound field: a label, a
 * schema, validators, how to read the request and how to render) and the
 * per-form state (`BoundField`: name, id, submitted value, data, errors).
 */
import type { StandardSchemaV1 } from '@standard-schema/spec'
import { Markup, escape, type FileStorage } from 'phial'
import { htmlParams, keywordsOf, type HtmlAttrs } from './html.ts'
import { StopValidation, ValidationError, type Validator } from './validators.ts'

/**
 * Options every field takes.
 *
 * @example
 * ```ts
 * const options: FieldOptions<string, string> = { schema: z.string().max(50), required: true, renderKw: { autocomplete: 'name' } }
 * ```
 */
export interface FieldOptions<I, O> {
  /** Any Standard Schema (zod, valibot, arktype…) run on the field's value; its output becomes `data`. */
  schema?: StandardSchemaV1<I, O>
  /** An empty value is refused with "This field is required." (or this message), and the widget gets `required`. */
  required?: boolean | string
  /** Checks run before the schema, in order (WTForms validators): return or throw a message. */
  validators?: ReadonlyArray<Validator<I>>
  /** Functions applied to the converted value before validation (WTForms filters), e.g. `(s) => s.trim()`. */
  filters?: ReadonlyArray<(value: I) => I>
  /** The value shown when the form was not submitted and no `data`/`obj` gives one. */
  default?: O | (() => O)
  /** Help text, available as `field.description`. */
  description?: string
  /** The element id (default: the field's HTML name). */
  id?: string
  /** The HTML name (default: the property name, with the form's prefix). */
  name?: string
  /** Attributes every rendering of the widget gets (WTForms' `render_kw`). */
  renderKw?: HtmlAttrs
}

/**
 * What a field's request name carried: the text values and the uploaded files.
 *
 * @example
 * ```ts
 * const submitted: Submitted = { values: ['42'], files: [] }
 * ```
 */
export interface Submitted {
  values: readonly string[]
  files: readonly FileStorage[]
}

/**
 * A field definition: put instances in {@link defineForm}'s shape. `I` is
 * what the field reads from the request (a string, a number, a
 * `FileStorage`…) and what its schema receives; `O` is the schema's output,
 * the field's typed `data`.
 *
 * @example
 * ```ts
 * class ColorField extends Field<string> {
 *   readonly type = 'ColorField'
 *   convert(submitted: Submitted): string { return submitted.values[0] ?? '#000000' }
 *   widget(field: BoundField<string>, attrs: HtmlAttrs): string { return inputTag('color', field, attrs) }
 * }
 * ```
 */
export abstract class Field<I = unknown, O = I> {
  /** The WTForms class name (`'StringField'`), `field.type` in templates. */
  abstract readonly type: string
  /** Rendered by `form.hiddenTag()`. */
  readonly hidden: boolean = false
  /** Reads `request.files` rather than `request.form`. */
  readonly acceptsFiles: boolean = false
  /** Writes no value back into the widget (a password). */
  readonly hideValue: boolean = false
  readonly label: string | undefined
  readonly options: FieldOptions<I, O>

  constructor(label?: string, options: FieldOptions<I, O> = {}) {
    this.label = label
    this.options = options
  }

  /** The field's value from what the request carried; throws {@link ValidationError} for input it cannot read ("Not a valid integer value."). */
  abstract convert(submitted: Submitted): I

  /** The widget's HTML for a bound field (attributes already merged). */
  abstract widget(field: BoundField<O>, attrs: HtmlAttrs): string

  /** True for a value `required` refuses: `''`, `undefined`, `null`, `false`, `[]`. */
  isEmpty(value: I): boolean {
    return value === undefined || value === null || value === '' || value === false || (Array.isArray(value) && value.length === 0)
  }

  /** A check of the field's own (a select's choices), after `required` and before the validators; throws {@link ValidationError}. */
  preValidate(_value: I): void {}

  /** The text a widget shows for `data` that did not come from the request. */
  formatData(data: O | undefined): string {
    return data === undefined || data === null ? '' : String(data)
  }
}

/** The `<label>` of a field: prints as HTML, `text` is the plain label. */
export class FieldLabel extends Markup {
  readonly fieldId: string
  readonly text: string

  constructor(fieldId: string, text: string) {
    super(`<label for="${escape(fieldId)}">${escape(text)}</label>`)
    this.fieldId = fieldId
    this.text = text
  }

  /**
   * The label with extra attributes (`{{ form.name.label.render(class_='lbl') }}`).
   *
   * @example
   * ```ts
   * form.name.label.render({ class_: 'lbl' }) // <label for="name" class="lbl">Name</label>
   * ```
   */
  render(...args: unknown[]): Markup {
    return new Markup(`<label${htmlParams({ for: this.fieldId }, keywordsOf(args))}>${escape(this.text)}</label>`)
  }
}

/** The text of a field's label when none is given: `first_name` → `First Name` (WTForms' rule). */
function defaultLabel(key: string): string {
  return key.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase())
}

/**
 * A field bound to one form: its HTML `name` and `id`, `label`, what the
 * request sent (`raw`), the validated `data` and the `errors`. It is
 * `Markup`, so `{{ form.name }}` in a template (or `${form.name}` in a
 * template literal) prints the widget — with the submitted value (escaped),
 * `required`, and `aria-invalid` when it has errors.
 *
 * @example
 * ```ts
 * form.name.render({ size: 20 })   // <input id="name" name="name" type="text" value="" size="20">
 * form.name.errors                 // ['This field is required.']
 * ```
 */
export class BoundField<O = unknown> extends Markup {
  /** The property name in the form. */
  readonly key: string
  /** The HTML name (with the form's prefix). */
  readonly name: string
  readonly id: string
  readonly label: FieldLabel
  readonly description: string
  readonly type: string
  /** WTForms' flags: `required` (from the option), `hidden`. */
  readonly flags: { readonly required: boolean; readonly hidden: boolean }
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly definition: Field<any, O>
  /** Messages of the last validation (edit it to add your own). */
  errors: string[] = []
  /** The typed value: the schema's output after a successful validation, else the default / object data. */
  data: O | undefined
  /** The submitted text values, or null when the request did not send this field. */
  raw: readonly string[] | null = null
  /** The submitted files. */
  files: readonly FileStorage[] = []
  #value: unknown = undefined
  #conversionError: string | null = null
  #submitted = false

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(definition: Field<any, O>, key: string, prefix: string) {
    super(' ') // a non-empty placeholder, so a field is truthy in templates; the HTML comes from render()
    const options = definition.options
    this.definition = definition
    this.key = key
    this.name = options.name ?? prefix + key
    this.id = options.id ?? this.name
    this.type = definition.type
    this.label = new FieldLabel(this.id, definition.label ?? defaultLabel(key))
    this.description = options.description ?? ''
    this.flags = { required: Boolean(options.required), hidden: definition.hidden }
  }

  /** Reads the request's values (or, when the form was not submitted, takes `data`/`default`). */
  process(submitted: Submitted | null, data: unknown): void {
    this.errors = []
    if (submitted === null) {
      const fallback = this.definition.options.default
      this.data = (data !== undefined ? data : typeof fallback === 'function' ? (fallback as () => O)() : fallback) as O | undefined
      return
    }
    this.#submitted = true
    this.raw = submitted.values.length > 0 ? submitted.values : null
    this.files = submitted.files
    try {
      let value = this.definition.convert(submitted)
      for (const filter of this.definition.options.filters ?? []) value = filter(value)
      this.#value = value
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      this.#conversionError = err.message
    }
  }

  /**
   * Validates the submitted value: conversion, `required`, validators, then
   * the schema. Returns true when valid (and sets `data`), or a promise when
   * the schema validates asynchronously and `allowAsync` is set.
   */
  validate(allowAsync: boolean, formName = 'form'): boolean | Promise<boolean> {
    this.errors = []
    if (this.#conversionError !== null) return this.#fail([this.#conversionError])
    const definition = this.definition
    // a form that read nothing validates its initial data (WTForms does the same)
    const value = this.#submitted ? this.#value : this.data
    const required = definition.options.required
    if (required && definition.isEmpty(value)) {
      return this.#fail([typeof required === 'string' ? required : 'This field is required.'])
    }
    try {
      definition.preValidate(value)
    } catch (err) {
      if (err instanceof ValidationError) return this.#fail([err.message])
      throw err
    }
    for (const validator of definition.options.validators ?? []) {
      try {
        const message = validator(value, this as BoundField<unknown>)
        if (typeof message === 'string') this.errors.push(message)
      } catch (err) {
        if (err instanceof StopValidation) {
          if (err.message) this.errors.push(err.message)
          return this.#fail(this.errors)
        }
        if (err instanceof ValidationError) this.errors.push(err.message)
        else throw err
      }
    }
    if (this.errors.length > 0) return this.#fail(this.errors)
    const schema = definition.options.schema
    if (schema === undefined) {
      this.data = value as O
      return true
    }
    const result = schema['~standard'].validate(value)
    if (result instanceof Promise) {
      if (!allowAsync) {
        throw new TypeError(
          `The schema of field '${this.key}' validates asynchronously: call 'await ${formName}.validateOnSubmitAsync()' (or validateAsync()) instead.`,
        )
      }
      return result.then((r) => this.#settle(r))
    }
    return this.#settle(result)
  }

  #settle(result: StandardSchemaV1.Result<O>): boolean {
    if (result.issues) return this.#fail(result.issues.map((issue) => issue.message))
    this.data = result.value
    return true
  }

  #fail(messages: string[]): false {
    this.errors = messages
    this.data = undefined
    return false
  }

  /** The text the widget shows: what was submitted, else the formatted data. */
  get value(): string {
    if (this.raw !== null) return this.raw[0] ?? ''
    return this.definition.formatData(this.data)
  }

  /**
   * The widget's HTML with extra attributes (template keyword arguments or
   * an object): `{{ form.name.render(size=20, class_='wide') }}`.
   *
   * @example
   * ```ts
   * form.email.render({ placeholder: 'you@example.com' })
   * ```
   */
  render(...args: unknown[]): Markup {
    // the flags first, so the page's own attributes (render_kw, then the call's) may override them
    const attrs: HtmlAttrs = {
      required: this.flags.required,
      aria_invalid: this.errors.length > 0 ? 'true' : undefined,
      ...this.definition.options.renderKw,
      ...keywordsOf(args),
    }
    return new Markup(this.definition.widget(this, attrs))
  }

  /** The widget's HTML (MarkupSafe's protocol; templates and template literals print this). */
  override toString(): string {
    return this.render().toString()
  }

  override valueOf(): string {
    return this.toString()
  }

  override __html__(): string {
    return this.toString()
  }
}
