/**
 * The WTForms fields for text, numbers, booleans and choices, each with its
 * HTML widget.
 */
import { escape } from 'phial'
import { Field, type BoundField, type FieldOptions, type Submitted } from './field.ts'
import { htmlParams, type HtmlAttrs } from './html.ts'
import { ValidationError } from './validators.ts'

/**
 * An `<input>` of `type` for a bound field: id, name, the value (escaped;
 * none for a field that hides it), then the extra attributes.
 *
 * @example
 * ```ts
 * inputTag('search', field, { placeholder: 'Find' }) // <input id="q" name="q" type="search" value="" placeholder="Find">
 * ```
 */
export function inputTag(type: string, field: BoundField<unknown>, attrs: HtmlAttrs, value: string | null = field.definition.hideValue ? null : field.value): string {
  return `<input${htmlParams({ id: field.id, name: field.name, type, value }, attrs)}>`
}

/**
 * A text input (WTForms' `StringField`): the value is the submitted text,
 * `''` when the field is missing.
 *
 * @example
 * ```ts
 * name: new StringField('Name', { required: true, schema: z.string().max(50) })
 * ```
 */
export class StringField<O = string> extends Field<string, O> {
  readonly type: string = 'StringField'
  /** The `type` attribute of the `<input>`. */
  protected readonly inputType: string = 'text'
  constructor(label?: string, options?: FieldOptions<string, O>) {
    super(label, options)
  }
  convert(submitted: Submitted): string {
    return submitted.values[0] ?? ''
  }
  widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    return inputTag(this.inputType, field, attrs)
  }
}

/**
 * A `<textarea>` (WTForms' `TextAreaField`).
 *
 * @example
 * ```ts
 * body: new TextAreaField('Body', { required: true })
 * ```
 */
export class TextAreaField<O = string> extends StringField<O> {
  override readonly type: string = 'TextAreaField'
  override widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    // the newline after <textarea> keeps a value's own leading newline (HTML drops the first one)
    return `<textarea${htmlParams({ id: field.id, name: field.name }, attrs)}>\r\n${escape(field.value)}</textarea>`
  }
}

/**
 * A password input: the submitted value is never written back into the page.
 *
 * @example
 * ```ts
 * password: new PasswordField('Password', { required: true, schema: z.string().min(8) })
 * ```
 */
export class PasswordField<O = string> extends StringField<O> {
  override readonly type: string = 'PasswordField'
  protected override readonly inputType: string = 'password'
  override readonly hideValue: boolean = true
}

/**
 * An e-mail input (`type="email"`); check the address with the schema (`z.email()`).
 *
 * @example
 * ```ts
 * email: new EmailField('E-mail', { required: true, schema: z.email('Not a valid e-mail address.') })
 * ```
 */
export class EmailField<O = string> extends StringField<O> {
  override readonly type: string = 'EmailField'
  protected override readonly inputType: string = 'email'
}

/**
 * A hidden input, rendered by `form.hiddenTag()`.
 *
 * @example
 * ```ts
 * next: new HiddenField()
 * ```
 */
export class HiddenField<O = string> extends StringField<O> {
  override readonly type: string = 'HiddenField'
  protected override readonly inputType: string = 'hidden'
  override readonly hidden: boolean = true
}

/**
 * A number input for integers (WTForms' `IntegerField`): `''` is
 * `undefined`; anything else that is not an integer is refused with "Not a
 * valid integer value.".
 *
 * @example
 * ```ts
 * age: new IntegerField('Age', { required: true, schema: z.number().int().min(0).max(150) })
 * ```
 */
export class IntegerField<O = number | undefined> extends Field<number | undefined, O> {
  readonly type: string = 'IntegerField'
  constructor(label?: string, options?: FieldOptions<number | undefined, O>) {
    super(label, options)
  }
  convert(submitted: Submitted): number | undefined {
    const text = (submitted.values[0] ?? '').trim()
    if (text === '') return undefined
    const n = Number(text)
    if (!/^[+-]?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new ValidationError('Not a valid integer value.')
    return n
  }
  widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    return inputTag('number', field, attrs)
  }
}

/**
 * A number input for decimals (WTForms' `FloatField`): `''` is `undefined`;
 * text that is not a finite number is refused with "Not a valid float value.".
 *
 * @example
 * ```ts
 * price: new FloatField('Price', { schema: z.number().positive().optional() })
 * ```
 */
export class FloatField<O = number | undefined> extends Field<number | undefined, O> {
  readonly type: string = 'FloatField'
  constructor(label?: string, options?: FieldOptions<number | undefined, O>) {
    super(label, options)
  }
  convert(submitted: Submitted): number | undefined {
    const text = (submitted.values[0] ?? '').trim()
    if (text === '') return undefined
    const n = Number(text)
    if (!Number.isFinite(n)) throw new ValidationError('Not a valid float value.')
    return n
  }
  widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    return `<input${htmlParams({ id: field.id, name: field.name, type: 'number', step: 'any', value: field.value }, attrs)}>`
  }
}

/** Submitted values that mean "unchecked" (WTForms' `false_values`). */
const FALSE_VALUES = new Set(['false', ''])

/**
 * A checkbox (WTForms' `BooleanField`): `true` when the request carries it
 * (with any value but `'false'` or `''`), `false` otherwise. `required`
 * means it must be ticked.
 *
 * @example
 * ```ts
 * remember: new BooleanField('Remember me')
 * ```
 */
export class BooleanField<O = boolean> extends Field<boolean, O> {
  readonly type: string = 'BooleanField'
  constructor(label?: string, options?: FieldOptions<boolean, O>) {
    super(label, options)
  }
  convert(submitted: Submitted): boolean {
    const value = submitted.values[0]
    return value !== undefined && !FALSE_VALUES.has(value)
  }
  widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    const checked = field.raw !== null ? !FALSE_VALUES.has(field.raw[0] ?? '') : Boolean(field.data)
    return `<input${htmlParams({ id: field.id, name: field.name, type: 'checkbox', value: 'y', checked }, attrs)}>`
  }
}

/**
 * The choices of a {@link SelectField}: values, or `[value, label]` pairs.
 *
 * @example
 * ```ts
 * const choices: Choices<'ts' | 'py'> = [['ts', 'TypeScript'], ['py', 'Python']]
 * ```
 */
export type Choices<C extends string> = ReadonlyArray<C | readonly [C, string]>

/**
 * Options of a {@link SelectField}: the choices, and the usual field options.
 *
 * @example
 * ```ts
 * const options: SelectFieldOptions<'ts' | 'py', 'ts' | 'py'> = { choices: ['ts', 'py'], required: true }
 * ```
 */
export interface SelectFieldOptions<C extends string, O> extends FieldOptions<C, O> {
  choices: Choices<C>
}

/**
 * A `<select>` (WTForms' `SelectField`): the value must be one of the
 * choices ("Not a valid choice."), so `data` is typed as their union.
 *
 * @example
 * ```ts
 * language: new SelectField('Language', { choices: [['ts', 'TypeScript'], ['py', 'Python']] as const })
 * ```
 */
export class SelectField<C extends string, O = C> extends Field<C, O> {
  readonly type: string = 'SelectField'
  readonly choices: ReadonlyArray<readonly [C, string]>
  constructor(label: string | undefined, options: SelectFieldOptions<C, O>) {
    super(label, options)
    this.choices = options.choices.map((c) => (typeof c === 'string' ? ([c, c] as const) : c))
  }
  convert(submitted: Submitted): C {
    // checked against the choices in preValidate, after `required` has had its say on ''
    return (submitted.values[0] ?? '') as C
  }
  override preValidate(value: C): void {
    if (!this.choices.some(([v]) => v === value)) throw new ValidationError('Not a valid choice.')
  }
  widget(field: BoundField<O>, attrs: HtmlAttrs): string {
    const current = field.value
    const options = this.choices
      .map(([value, label]) => `<option${htmlParams({ value, selected: value === current })}>${escape(label)}</option>`)
      .join('')
    return `<select${htmlParams({ id: field.id, name: field.name }, attrs)}>${options}</select>`
  }
}

/**
 * A submit button (WTForms' `SubmitField`): `data` is true when this button
 * sent the form, so a form with two buttons knows which one.
 *
 * @example
 * ```ts
 * submit: new SubmitField('Save')
 * ```
 */
export class SubmitField extends Field<boolean> {
  readonly type: string = 'SubmitField'
  constructor(label?: string, options?: FieldOptions<boolean, boolean>) {
    super(label, options)
  }
  convert(submitted: Submitted): boolean {
    return submitted.values.length > 0
  }
  widget(field: BoundField<boolean>, attrs: HtmlAttrs): string {
    return inputTag('submit', field, attrs, field.label.text)
  }
}
