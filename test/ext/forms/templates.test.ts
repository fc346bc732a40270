/**
 * The template side: fields print as widgets, labels, hidden_tag(),
 * iteration, render_field, and Flask's own `_formhelpers.html` macro
 * ported (the `field(**kwargs)` call becomes `field.render(...)`).
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MultiDict, Phial, renderTemplateString } from 'phial'
import { Forms, HiddenField, StringField, TextAreaField, defineForm, htmlParams, renderField } from 'phial/forms'

const CommentForm = defineForm({
  author: new StringField('Your name', { required: true, renderKw: { autocomplete: 'name' } }),
  body: new TextAreaField(undefined, { schema: z.string().max(10, 'Too long.') }),
  post_id: new HiddenField(),
})

function appWith(template: string, formdata: MultiDict<string> | null = null, options: { prefix?: string } = {}) {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ SECRET_KEY: 's', LOG_LEVEL: 'silent', WTF_CSRF_ENABLED: false })
  new Forms(app)
  app.get('/', function page() {
    const form = new CommentForm({ formdata, prefix: options.prefix, data: { post_id: '7' } })
    if (formdata !== null) form.validate()
    return renderTemplateString(template, { form })
  })
  return app.testClient().get('/')
}

/** Flask's `_formhelpers.html` macro as docs/forms.md shows it ported: the test renders the page's own block. */
const FLASK_MACRO = /```jinja\n([\s\S]*?)```/.exec(readFileSync(new URL('../../../docs/forms.md', import.meta.url), 'utf8'))![1]!

describe('fields in templates', () => {
  it('{{ form.field }}, {{ form.field.label }}, the default label from the name, render_kw', async () => {
    const res = await appWith('{{ form.author.label }}|{{ form.author }}|{{ form.body.label }}|{{ form.post_id.label.text }}')
    expect(res.text).toBe(
      '<label for="author">Your name</label>|<input id="author" name="author" type="text" value="" required autocomplete="name">|<label for="body">Body</label>|Post Id',
    )
  })

  it("a label with attributes: {{ form.author.label.render(class_='lbl') }}", async () => {
    const res = await appWith("{{ form.author.label.render(class_='lbl') }}")
    expect(res.text).toBe('<label for="author" class="lbl">Your name</label>')
  })

  it('calling a field as in Jinja (form.author(size=20)) is an error that names it', async () => {
    const res = await appWith('{{ form.author(size=20) }}')
    expect(res.status).toBe(500)
  })

  it('hidden_tag() prints the hidden fields with their data', async () => {
    const res = await appWith('{{ form.hidden_tag() }}')
    expect(res.text).toBe('<input id="post_id" name="post_id" type="hidden" value="7">')
  })

  it('Flask\'s render_field macro, ported as docs/forms.md shows it, shows errors and the submitted value escaped', async () => {
    const data = new MultiDict([['author', ''], ['body', '<i>far too long</i>']])
    const res = await appWith(`${FLASK_MACRO}<dl>{{ render_field(form.author) }}{{ render_field(form.body) }}</dl>`, data)
    expect(res.text).toContain('<dt><label for="author">Your name</label>')
    expect(res.text).toContain('<li>This field is required.</li>')
    expect(res.text).toContain('<li>Too long.</li>')
    expect(res.text).toContain('<textarea id="body" name="body" aria-invalid="true" class="input">\r\n&lt;i&gt;far too long&lt;/i&gt;</textarea>')
  })

  it('{% for field in form %} walks the fields in order; field.type and flags are there', async () => {
    const res = await appWith('{% for f in form %}{{ f.name }}:{{ f.type }}:{{ f.flags.required }};{% endfor %}')
    expect(res.text).toBe('author:StringField:True;body:TextAreaField:False;post_id:HiddenField:False;')
  })

  it('a prefix goes on names and ids; a page with two forms keeps them apart', async () => {
    const res = await appWith('{{ form.author }}', new MultiDict([['c-author', 'Ann'], ['author', 'wrong']]), { prefix: 'c' })
    expect(res.text).toBe('<input id="c-author" name="c-author" type="text" value="Ann" required autocomplete="name">')
  })

  it('the built-in render_field global: label, widget with aria attributes, errors, all escaped', async () => {
    const data = new MultiDict([['author', '']])
    const res = await appWith(`{{ render_field(form.author, placeholder='"x"') }}`, data)
    expect(res.text).toBe(
      '<div class="field has-errors"><label for="author">Your name</label> <input id="author" name="author" type="text" value="" required aria-invalid="true" autocomplete="name" placeholder="&#34;x&#34;" aria-describedby="author-errors"><ul class="errors" id="author-errors"><li>This field is required.</li></ul></div>',
    )
  })

  it('a wrong field name in render_field is a clear error, not an empty string', async () => {
    const res = await appWith('{{ render_field(form.nope) }}')
    expect(res.status).toBe(500)
    expect(() => renderField(undefined)).toThrow(/takes a form field .*undefined \(is the field name right\?\)/)
  })

  it('a form field in a template literal prints its widget too', () => {
    const form = new CommentForm({ formdata: null, data: { author: 'Ann <3' }, meta: { csrf: false } })
    expect(`${form.author}`).toBe('<input id="author" name="author" type="text" value="Ann &lt;3" required autocomplete="name">')
  })

  it('attribute names are checked and values escaped', () => {
    expect(htmlParams({ class_: 'a"b', data_user_id: 3, hidden: true, disabled: false })).toBe(' class="a&#34;b" data-user-id="3" hidden')
    expect(() => htmlParams({ 'onclick="x"': 1 })).toThrow(/Invalid HTML attribute name/)
  })
})
