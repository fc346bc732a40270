/**
 * `phial/forms`: HTML forms (Flask-WTF's `FlaskForm` and WTForms' fields)
 * with typed, schema-validated data: `defineForm({...fields})`,
 * `validateOnSubmit()` (a submitting method, a valid CSRF token and valid
 * data), per-field `data` and `errors`, form-level errors, file fields with
 * `fileRequired`/`fileAllowed`/`fileSize`, widgets that re-render the
 * submitted value escaped (never a password), `hidden_tag()`, and the
 * `render_field` template helper. Any Standard Schema library validates a
 * field (zod first).
 *
 * @example
 * ```ts
 * import { z } from 'zod'
 * import { defineForm, StringField } from 'phial/forms'
 *
 * const MyForm = defineForm({ name: new StringField('Name', { required: true, schema: z.string().max(50) }) })
 *
 * app.route('/submit', { methods: ['GET', 'POST'] }, function submit() {
 *   const form = new MyForm()
 *   if (form.validateOnSubmit()) return redirect('/success')   // form.data.name: string
 *   return renderTemplate('submit.html', { form })
 * })
 * ```
 *
 * @module
 */
export { defineForm } from './define-form.ts'
export { Form, SUBMIT_METHODS } from './form.ts'
export type { FormShape, FormData, DataOf, BoundFields, ValidForm, FormInput, FormOptions, FormClass, FieldOutput, FormHooks, FieldDefinition } from './form-types.ts'
export { Field, BoundField, FieldLabel, type FieldOptions, type Submitted } from './field.ts'
export { StringField, TextAreaField, PasswordField, EmailField, HiddenField, IntegerField, FloatField, BooleanField, SelectField, SubmitField, inputTag, type Choices, type SelectFieldOptions } from './fields.ts'
export { FileField, MultipleFileField, fileRequired, fileAllowed, fileSize, type AllowsFiles, type FileSizeBounds } from './file-fields.ts'
export { ValidationError, StopValidation, type Validator } from './validators.ts'
export { CsrfTokenField } from './csrf-field.ts'
export { htmlParams, type HtmlAttrs } from './html.ts'
export { renderField, renderErrors } from './render.ts'
export { Forms } from './extension.ts'
