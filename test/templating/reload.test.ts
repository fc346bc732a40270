import { describe, expect, test } from 'vitest'
import { utimesSync } from 'node:fs'
import { join } from 'node:path'
import { renderTemplate } from '../../src/index.ts'
import { tempApp } from './helpers.ts'

/** Rewrites a template and moves its mtime, so the change is seen even within one clock tick. */
function change(root: string, write: (n: string, t: string) => void, name: string, text: string, seconds: number): void {
  write(name, text)
  utimesSync(join(root, 'templates', name), seconds, seconds)
}

describe('reloading changed templates', () => {
  test('with DEBUG a changed file (and a changed layout) is reloaded', async () => {
    const { app, root, write } = tempApp({ 'base.html': '[{% block b %}{% endblock %}]', 'page.html': '{% extends "base.html" %}{% block b %}v1{% endblock %}' })
    app.config.DEBUG = true
    app.get('/', function index() {
      return renderTemplate('page.html')
    })
    const client = app.testClient()
    expect((await client.get('/')).text).toBe('[v1]')
    change(root, write, 'page.html', '{% extends "base.html" %}{% block b %}version 2{% endblock %}', 1_000_000)
    expect((await client.get('/')).text).toBe('[version 2]')
    change(root, write, 'base.html', '<{% block b %}{% endblock %}>', 1_000_001)
    expect((await client.get('/')).text).toBe('<version 2>')
  })

  test('TEMPLATES_AUTO_RELOAD turns it on without DEBUG', async () => {
    const { app, root, write } = tempApp({ 'a.txt': 'one' })
    app.config.TEMPLATES_AUTO_RELOAD = true
    expect(await app.appContext(() => renderTemplate('a.txt'))).toBe('one')
    change(root, write, 'a.txt', 'two!', 1_000_000)
    expect(await app.appContext(() => renderTemplate('a.txt'))).toBe('two!')
  })

  test('without DEBUG compiled templates stay cached', async () => {
    const { app, root, write } = tempApp({ 'a.txt': 'one' })
    expect(await app.appContext(() => renderTemplate('a.txt'))).toBe('one')
    change(root, write, 'a.txt', 'two!', 1_000_000)
    expect(await app.appContext(() => renderTemplate('a.txt'))).toBe('one')
  })

  test('TEMPLATES_AUTO_RELOAD = false wins over DEBUG', async () => {
    const { app, root, write } = tempApp({ 'a.txt': 'one' })
    app.config.DEBUG = true
    app.config.TEMPLATES_AUTO_RELOAD = false
    expect(await app.appContext(() => renderTemplate('a.txt'))).toBe('one')
    change(root, write, 'a.txt', 'two!', 1_000_000)
    expect(await app.appContext(() => renderTemplate('a.txt'))).toBe('one')
  })

  test('a syntax error fixed in the file renders once fixed', async () => {
    const { app, root, write } = tempApp({ 'a.txt': '{{ oops' })
    app.config.DEBUG = true
    await expect(app.appContext(() => renderTemplate('a.txt'))).rejects.toThrow(/Syntax|expected/)
    change(root, write, 'a.txt', '{{ 1 + 1 }}', 1_000_000)
    expect(await app.appContext(() => renderTemplate('a.txt'))).toBe('2')
  })
})
