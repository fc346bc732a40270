/**
 * Forms through HTTP: Flask-WTF's validate_on_submit behaviour (its
 * test_form.py / test_csrf_form.py meaning), per-field errors, re-rendering
 * with the submitted values (escaped, never a password), form-level errors.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import { makeApp, signups, tokenIn } from './app.ts'

const VALID = {
  username: '  ada  ', email: 'ada@example.com', password: 'correct horse', confirm: 'correct horse',
  age: '36', bio: 'Hello', language: 'py', terms: 'y', next: '/home', submit: 'Sign up',
}

async function signupClient(options?: Parameters<typeof makeApp>[0]) {
  const client = makeApp(options).testClient()
  const page = await client.get('/signup')
  return { client, token: tokenIn(page.text), page }
}

beforeEach(() => {
  signups.length = 0
})

describe("Flask-WTF's quick start: MyForm with a required StringField", () => {
  it('GET renders the form with a CSRF token and is not validated', async () => {
    const res = await makeApp().testClient().get('/submit')
    expect(res.status).toBe(200)
    expect(res.text).toContain('<label for="name">Name</label> <input id="name" name="name" type="text" value="" required size="20">')
    expect(res.text).toMatch(/<input id="csrf_token" name="csrf_token" type="hidden" value="[\w.-]+">/)
    expect(res.text).not.toContain('class="error"')
  })

  it('a valid POST with the token redirects; the data is the typed, validated value', async () => {
    const client = makeApp().testClient()
    const token = tokenIn((await client.get('/submit')).text)
    const res = await client.post('/submit', { form: { csrf_token: token, name: 'danny' } })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/success?name=danny')
  })

  it('a missing field re-renders the form with "This field is required." and aria-invalid', async () => {
    const client = makeApp().testClient()
    const token = tokenIn((await client.get('/submit')).text)
    const res = await client.post('/submit', { form: { csrf_token: token } })
    expect(res.status).toBe(200)
    expect(res.text).toContain('<span class="error">This field is required.</span>')
    expect(res.text).toContain('aria-invalid="true"')
  })

  it("the schema's message is the field's error, and the submitted value comes back", async () => {
    const client = makeApp().testClient()
    const token = tokenIn((await client.get('/submit')).text)
    const res = await client.post('/submit', { form: { csrf_token: token, name: 'x'.repeat(21) } })
    expect(res.text).toContain('At most 20 characters.')
    expect(res.text).toContain(`value="${'x'.repeat(21)}"`)
  })

  it('XSS in a submitted value is re-rendered escaped', async () => {
    const client = makeApp().testClient()
    const token = tokenIn((await client.get('/submit')).text)
    const evil = '"><script>alert(1)</script>' + 'x'.repeat(20)
    const res = await client.post('/submit', { form: { csrf_token: token, name: evil } })
    expect(res.status).toBe(200)
    expect(res.text).not.toContain('<script>')
    expect(res.text).toContain('value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;')
  })
})

describe('which requests submit a form', () => {
  it('POST, PUT, PATCH and DELETE are submissions; GET and HEAD (even with a query string) are not', async () => {
    const { Phial } = await import('phial')
    const { defineForm, StringField } = await import('phial/forms')
    const NameForm = defineForm({ name: new StringField('Name', { required: true }) })
    const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
    app.config.fromMapping({ SECRET_KEY: 's', LOG_LEVEL: 'silent', WTF_CSRF_ENABLED: false })
    app.route('/f', { methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] }, function f() {
      const form = new NameForm()
      return { submitted: form.isSubmitted(), valid: form.validateOnSubmit(), name: form.data.name ?? null }
    })
    const client = app.testClient()
    for (const method of ['post', 'put', 'patch', 'delete'] as const) {
      expect((await client[method]('/f', { form: { name: 'Ann' } })).json).toEqual({ submitted: true, valid: true, name: 'Ann' })
    }
    expect((await client.get('/f?name=Ann')).json).toEqual({ submitted: false, valid: false, name: null })
    expect((await client.post('/f', { form: {} })).json).toEqual({ submitted: true, valid: false, name: null })
  })
})

describe('CSRF', () => {
  it('with CSRFProtect, a POST without a token is a 400 before the view (Flask-WTF)', async () => {
    const res = await makeApp().testClient().post('/submit', { form: { name: 'danny' } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The CSRF token is missing.')
  })

  it('with CSRFProtect, a forged token is a 400', async () => {
    const client = makeApp().testClient()
    await client.get('/submit')
    const res = await client.post('/submit', { form: { csrf_token: 'forged.token.value', name: 'danny' } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The CSRF token is invalid.')
  })

  it("a token from another session does not match", async () => {
    const app = makeApp()
    const mallory = app.testClient()
    const token = tokenIn((await mallory.get('/submit')).text)
    const victim = app.testClient()
    await victim.get('/submit')
    const res = await victim.post('/submit', { form: { csrf_token: token, name: 'danny' } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('The CSRF tokens do not match.')
  })

  it("without CSRFProtect the form checks the token itself: the error is the csrf_token field's, the page re-renders", async () => {
    const client = makeApp({ protect: false }).testClient()
    await client.get('/submit')
    const res = await client.post('/submit', { form: { name: 'danny' } })
    expect(res.status).toBe(200)
    expect(res.text).toContain('<input id="name" name="name" type="text" value="danny"')
    const token = tokenIn(res.text)
    const ok = await client.post('/submit', { form: { name: 'danny', csrf_token: token } })
    expect(ok.status).toBe(302)
    const forged = await client.post('/submit', { form: { name: 'danny', csrf_token: token + 'x' } })
    expect(forged.status).toBe(200)
  })

  it('WTF_CSRF_ENABLED = false leaves the field out and accepts the post (tests)', async () => {
    const client = makeApp({ protect: false, config: { WTF_CSRF_ENABLED: false } }).testClient()
    const page = await client.get('/submit')
    expect(page.text).not.toContain('csrf_token')
    const res = await client.post('/submit', { form: { name: 'danny' } })
    expect(res.status).toBe(302)
  })
})

describe('a form with every kind of field', () => {
  it('a valid signup gives the converted, filtered, typed data', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', { form: { ...VALID, csrf_token: token } })
    expect(res.status).toBe(201)
    expect(res.json.saved).toEqual({
      username: 'ada', email: 'ada@example.com', password: 'correct horse', confirm: 'correct horse', age: 36,
      bio: 'Hello', language: 'py', terms: true, next: '/home', submit: true,
    })
    expect(signups).toHaveLength(1)
  })

  it('GET shows the initial data: the default choice selected, the checkbox unchecked', async () => {
    const { page } = await signupClient()
    expect(page.text).toContain('<option value="ts" selected>TypeScript</option><option value="py">Python</option>')
    expect(page.text).toContain('<input id="terms" name="terms" type="checkbox" value="y" required class="input"> <label for="terms">I accept the terms</label>')
    expect(page.text).toContain('<small class="description">Optional.</small>')
  })

  it('wrong types and bad values: each field says what is wrong, nothing is saved', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', {
      form: { ...VALID, csrf_token: token, username: 'al', email: 'not-an-email', age: 'twelve', language: 'cobol', terms: '' },
    })
    expect(res.status).toBe(200)
    expect(signups).toHaveLength(0)
    const text = res.text
    expect(text).toContain('<ul class="errors" id="username-errors"><li>At least 3 characters.</li></ul>')
    expect(text).toContain('Not a valid e-mail address.')
    expect(text).toContain('Not a valid integer value.')
    expect(text).toContain('Not a valid choice.')
    expect(text).toContain('Please accept the terms.')
    expect(text).toContain('aria-describedby="age-errors"')
    // the bad values come back so the user can fix them
    expect(text).toContain('value="twelve"')
    expect(text).toContain('value="not-an-email"')
  })

  it('an integer the schema refuses, and an overlong number string, are errors, not crashes', async () => {
    const { client, token } = await signupClient()
    const young = await client.post('/signup', { form: { ...VALID, csrf_token: token, age: '12' } })
    expect(young.text).toContain('You must be 13 or older.')
    const huge = await client.post('/signup', { form: { ...VALID, csrf_token: token, age: '9'.repeat(400) } })
    expect(huge.status).toBe(200)
    expect(huge.text).toContain('Not a valid integer value.')
  })

  it('an empty optional integer is undefined in the data', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', { form: { ...VALID, csrf_token: token, age: '' } })
    expect(res.status).toBe(201)
    expect(res.json.saved).not.toHaveProperty('age')
  })

  it('a password is never echoed back, even when the form is re-rendered with errors', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', { form: { ...VALID, csrf_token: token, password: 'hunter2-secret', confirm: 'different-secret' } })
    expect(res.status).toBe(200)
    expect(res.text).not.toContain('hunter2-secret')
    expect(res.text).not.toContain('different-secret')
    expect(res.text).toContain('<input id="password" name="password" type="password" required class="input">')
    expect(res.text).toContain('Passwords must match.')
  })

  it('form-level errors from validateForm are rendered, and the form is invalid', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', { form: { ...VALID, csrf_token: token, username: 'admin' } })
    expect(res.status).toBe(200)
    expect(res.text).toContain('<ul class="errors"><li>That account cannot be created here.</li></ul>')
  })

  it('hidden fields are rendered by hidden_tag() with their submitted values, escaped', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', { form: { ...VALID, csrf_token: token, email: '', next: '/x?a="b"&c=<d>' } })
    expect(res.text).toContain('<input id="next" name="next" type="hidden" value="/x?a=&#34;b&#34;&amp;c=&lt;d&gt;">')
    expect(res.text).toContain('This field is required.')
  })

  it('unicode and null bytes in values are kept as text and escaped', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', { form: { ...VALID, csrf_token: token, username: 'Zoë\u0000<b>', bio: 'naïve ✓' } })
    expect(res.status).toBe(201)
    expect(res.json.saved.username).toBe('Zoë\u0000<b>')
    expect(res.json.saved.bio).toBe('naïve ✓')
  })

  it('missing every field: required fields say so, the CSRF check still runs first', async () => {
    const { client, token } = await signupClient()
    const res = await client.post('/signup', { form: { csrf_token: token } })
    expect(res.status).toBe(200)
    expect(res.text.match(/This field is required\./g)?.length).toBe(5) // username, email, password, confirm, language
    expect(res.text).toContain('Please accept the terms.')
  })
})
