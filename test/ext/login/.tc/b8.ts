import assert from 'node:assert/strict'
import { Phial, jsonify } from 'phial'
import { JWTManager, createAccessToken, getJwtIdentity, jwtRequired, setAccessCookies, unsetJwtCookies } from 'phial/login'

const app = new Phial(import.meta.url)
app.config.fromMapping({ JWT_SECRET_KEY: 'change-me-to-a-long-random-string', JWT_TOKEN_LOCATION: ['cookies'], JWT_COOKIE_SECURE: false })
new JWTManager(app)

app.post('/login', async function login() {
  return setAccessCookies(jsonify({ ok: true }), await createAccessToken('ada'))
})
app.post('/posts', jwtRequired()(function createPost() { return { author: getJwtIdentity() } }))
app.post('/logout', function logout() { return unsetJwtCookies(jsonify({ ok: true })) })

const client = app.testClient()
await client.post('/login')
assert.deepEqual((await client.post('/posts')).json, { msg: 'Missing CSRF token' })
const csrf = client.getCookie('csrf_access_token')!
assert.deepEqual((await client.post('/posts', { headers: { 'X-CSRF-TOKEN': csrf } })).json, { author: 'ada' })
await client.post('/logout')
assert.equal(client.getCookie('access_token_cookie'), undefined)

export {}
