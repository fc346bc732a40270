/**
 * The DEBUG traceback page reads source only for frames of the real stack and
 * only from files under the app's root (issue 18): a message that names a
 * file must not make the page print that file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { makeApp } from '../core/helpers.ts'

const SECRET = 'secret-line-outside-the-app-root'

function outsideFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'phial-debug-outside-'))
  const file = join(dir, 'secret.txt')
  writeFileSync(file, `${SECRET}\n`.repeat(5))
  return file
}

describe('debug page source lines', () => {
  it('a frame named in the message is not read', async () => {
    const file = outsideFile()
    const app = makeApp()
    app.config.DEBUG = true
    app.get('/boom', function boomWithPath() {
      throw new Error(`bad input\n    at evil (${file}:2:1)`)
    })
    const res = await app.testClient().get('/boom')
    expect(res.status).toBe(500)
    expect(res.text).toContain('boomWithPath') // the real frames are still there
    expect(res.text).not.toContain(SECRET)
  })

  it('a message that ends the stack with a fake frame is not read either', async () => {
    const file = outsideFile()
    const app = makeApp()
    app.config.DEBUG = true
    app.get('/boom', function boomLate() {
      const error = new Error('x')
      error.message = `changed\n    at evil (${file}:2:1)` // the header no longer matches the stack
      error.stack = `Error: changed\n    at evil (${file}:2:1)`
      throw error
    })
    const res = await app.testClient().get('/boom')
    expect(res.status).toBe(500)
    expect(res.text).not.toContain(SECRET)
  })

  it('the source of a real frame of the app project is still shown', async () => {
    const app = makeApp()
    app.config.DEBUG = true
    app.get('/boom', function rootFrame() {
      const marker = 'marker-inside-the-app-root'
      throw new Error(marker)
    })
    const res = await app.testClient().get('/boom')
    expect(res.text).toContain('const marker = &#39;marker-inside-the-app-root&#39;')
  })
})
