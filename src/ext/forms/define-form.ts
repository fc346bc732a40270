/**
 * `defineForm(fields, hooks?)`: WTForms' declarative form class, made from
 * an object of field definitions so that TypeScript knows the fields.
 */
import { Form } from './form.ts'
import type { BoundFields, FormClass, FormData, FormHooks, FormOptions, FormShape } from './form-types.ts'

/** Names of form members: a field called so would hide it (and `ReservedName` makes it a type error too). */
const RESERVED = new Set([
  'data', 'errors', 'formErrors', 'prefix', 'meta', 'csrf_token', 'validate', 'validateAsync', 'validateOnSubmit',
  'validateOnSubmitAsync', 'validateForm', 'isSubmitted', 'hiddenTag', 'hidden_tag', 'populateObj', 'field', 'fields', 'constructor',
  'toString', 'valueOf',
])

/** Field names that would hide a form member. */
type ReservedName =
  | 'data' | 'errors' | 'formErrors' | 'prefix' | 'meta' | 'csrf_token' | 'validate' | 'validateAsync' | 'validateOnSubmit'
  | 'validateOnSubmitAsync' | 'validateForm' | 'isSubmitted' | 'hiddenTag' | 'hidden_tag' | 'populateObj' | 'field' | 'fields'

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
