/**
 * Dotfiles and symlinks in static folders (issue 18): by default `/static/`
 * and `sendFromDirectory` answer 404 for a dotfile or dot-folder (except
 * `.well-known`) and for a symlink that resolves outside the folder; before,
 * both were served. The options allow them.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendFile, sendFromDirectory } from 'phial'
import { makeApp } from './fixture.ts'

let root: string
let outside: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'phial-static-hidden-'))
  outside = mkdtempSync(join(tmpdir(), 'phial-static-outside-'))
  writeFileSync(join(outside, 'secret.txt'), 'outside secret')
  mkdirSync(join(root, 'static/.git'), { recursive: true })
  mkdirSync(join(root, 'static/.well-known'), { recursive: true })
  mkdirSync(join(root, 'static/sub'), { recursive: true })
  writeFileSync(join(root, 'static/.env'), 'SECRET_KEY=abc')
  writeFileSync(join(root, 'static/.git/config'), '[core]')
  writeFileSync(join(root, 'static/.well-known/security.txt'), 'Contact: x')
  writeFileSync(join(root, 'static/sub/real.txt'), 'real')
  writeFileSync(join(root, 'static/plain.txt'), 'plain')
  symlinkSync(join(outside, 'secret.txt'), join(root, 'static/leak.txt'))
  symlinkSync(outside, join(root, 'static/leakdir'))
  symlinkSync(join(root, 'static/sub/real.txt'), join(root, 'static/alias.txt')) // inside: fine
})
afterAll(() => {
  rmSync(root, { recursive: true, force: true })
  rmSync(outside, { recursive: true, force: true })
})

describe('hidden and linked static files', () => {
  it('refuses dotfiles and links that leave the folder, serves the rest', async () => {
    const c = makeApp(root).testClient()
    for (const path of ['/static/.env', '/static/.git/config', '/static/leak.txt', '/static/leakdir/secret.txt', '/static/sub/../.env']) {
      const res = await c.get(path)
      expect([path, res.status]).toEqual([path, 404])
      expect(res.text).not.toContain('secret')
    }
    for (const [path, body] of [['/static/plain.txt', 'plain'], ['/static/alias.txt', 'real'], ['/static/.well-known/security.txt', 'Contact: x']]) {
      const res = await c.get(path!)
      expect([path, res.status, res.text]).toEqual([path, 200, body])
    }
  })

  it('STATIC_ALLOW_DOTFILES and STATIC_FOLLOW_SYMLINKS opt back in', async () => {
    const app = makeApp(root)
    app.config.STATIC_ALLOW_DOTFILES = true
    app.config.STATIC_FOLLOW_SYMLINKS = true
    const c = app.testClient()
    expect((await c.get('/static/.env')).status).toBe(200)
    expect((await c.get('/static/leak.txt')).text).toBe('outside secret')
  })

  it('sendFromDirectory takes the same rules as options', async () => {
    const app = makeApp(root)
    app.get('/f/<path:name>', function f({ name }) { return sendFromDirectory('static', name) })
    app.get('/all/<path:name>', function all({ name }) { return sendFromDirectory('static', name, { dotfiles: true, followSymlinks: true }) })
    const c = app.testClient()
    expect((await c.get('/f/.env')).status).toBe(404)
    expect((await c.get('/f/leak.txt')).status).toBe(404)
    expect((await c.get('/all/.env')).status).toBe(200)
    expect((await c.get('/all/leak.txt')).status).toBe(200)
  })

  it('serves a folder reached through a link, and never the folder itself when it is a file', async () => {
    symlinkSync(join(root, 'static'), join(root, 'linked'))
    const app = makeApp(root)
    app.get('/l/<path:name>', function l({ name }) { return sendFromDirectory('linked', name) })
    app.get('/file-root', function fileRoot() { return sendFromDirectory('static/plain.txt', '') })
    const c = app.testClient()
    expect((await c.get('/l/plain.txt')).text).toBe('plain')
    expect((await c.get('/l/alias.txt')).text).toBe('real')
    expect((await c.get('/l/leak.txt')).status).toBe(404)
    expect((await c.get('/file-root')).status).toBe(404)
  })

  it('answers with the headers sendFile gives the same file (one stat instead of two)', async () => {
    const app = makeApp(root)
    app.get('/d', function d() { return sendFromDirectory('static', 'plain.txt') })
    app.get('/s', function s() { return sendFile(join(root, 'static/plain.txt')) })
    const c = app.testClient()
    const [a, b] = [await c.get('/d'), await c.get('/s')]
    for (const name of ['etag', 'last-modified', 'content-length', 'content-type', 'cache-control', 'accept-ranges']) expect(a.headers.get(name)).toBe(b.headers.get(name))
    expect((await c.get('/d', { headers: { 'if-none-match': a.headers.get('etag')! } })).status).toBe(304)
  })
})
