/**
 * The app the forms tests post to: Flask-WTF's quick start (`MyForm` with a
 * required name) plus a signup form with every kind of field, rendered by
 * templates that use the helpers as a Flask app would.
 */
import { z } from 'zod'
import { Phial, redirect, renderTemplateString } from 'phial'
import { CSRFProtect } from 'phial/csrf'
import {
  BooleanField, EmailField, Forms, HiddenField, IntegerField, PasswordField, SelectField, StringField, SubmitField,
  TextAreaField, defineForm, type DataOf,
} from 'phial/forms'

export const MyForm = defineForm({
  name: new StringField('Name', { required: true, schema: z.string().max(20, 'At most 20 characters.') }),
})

export const SignupForm = defineForm({
  username: new StringField('User name', { required: true, filters: [(s) => s.trim()], schema: z.string().min(3, 'At least 3 characters.') }),
  email: new EmailField('E-mail', { required: true, schema: z.email('Not a valid e-mail address.') }),
  password: new PasswordField('Password', { required: true, schema: z.string().min(8, 'At least 8 characters.') }),
  confirm: new PasswordField('Repeat password', { required: true }),
  age: new IntegerField('Age', { schema: z.number().int().min(13, 'You must be 13 or older.').optional() }),
  bio: new TextAreaField('About you', { description: 'Optional.' }),
  language: new SelectField('Language', { choices: [['ts', 'TypeScript'], ['py', 'Python']] as const, required: true }),
  terms: new BooleanField('I accept the terms', { required: 'Please accept the terms.' }),
  next: new HiddenField(),
  submit: new SubmitField('Sign up'),
}, {
  validate(data, form) {
    if (data.password !== data.confirm) form.confirm.errors.push('Passwords must match.')
    if (data.username === 'admin') form.formErrors.push('That account cannot be created here.')
  },
})

export const signups: Array<DataOf<typeof SignupForm>> = []

const SUBMIT_PAGE = `<form method="post" action="/submit">
  {{ form.csrf_token }}
  {{ form.name.label }} {{ form.name.render(size=20) }}
  {% for error in form.name.errors %}<span class="error">{{ error }}</span>{% endfor %}
  <input type="submit" value="Go">
</form>`

const SIGNUP_PAGE = `<form method="post" action="/signup">
{{ form.hidden_tag() }}
{{ render_errors(form.formErrors) }}
{% for field in form %}{% if not field.flags.hidden %}{{ render_field(field, class_='input') }}
{% endif %}{% endfor %}
</form>`

/** An app with (or without) CSRFProtect; `WTF_CSRF_ENABLED` and the rest from `config`. */
export function makeApp(options: { protect?: boolean; config?: Record<string, unknown> } = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ SECRET_KEY: 'forms-test-secret', LOG_LEVEL: 'silent', ...options.config })
  if (options.protect !== false) new CSRFProtect(app)
  new Forms(app)

  app.route('/submit', { methods: ['GET', 'POST'] }, function submit() {
    const form = new MyForm()
    if (form.validateOnSubmit()) return redirect(`/success?name=${encodeURIComponent(form.data.name)}`)
    return renderTemplateString(SUBMIT_PAGE, { form })
  })

  app.route('/signup', { methods: ['GET', 'POST'] }, function signup() {
    const form = new SignupForm({ data: { language: 'ts' } })
    if (form.validateOnSubmit()) {
      signups.push(form.data)
      return [{ saved: form.data }, 201]
    }
    return renderTemplateString(SIGNUP_PAGE, { form })
  })
  return app
}

/** The CSRF token in a page (the value of the hidden `csrf_token` input). */
export function tokenIn(html: string): string {
  const match = /name="csrf_token" type="hidden" value="([^"]+)"/.exec(html)
  if (!match) throw new Error(`no CSRF token in:\n${html}`)
  return match[1]!
}
