import { describe, expect, test } from 'vitest'
import { flash, redirect, renderTemplate, streamTemplate, streamTemplateString } from '../../src/index.ts'
import { fixtureApp } from './helpers.ts'

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const chunks: string[] = []
  for await (const chunk of iterable) chunks.push(chunk)
  return chunks
}

describe('streamTemplate', () => {
  test('a view can return it; the body is the rendered template', async () => {
    const app = fixtureApp()
    app.get('/', function index() {
      return streamTemplate('index.html', { title: 'Streamed' })
    })
    const res = await app.testClient().get('/')
    expect(res.status).toBe(200)
    expect(res.text).toBe('<h1>Streamed</h1>')
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
  })

  test('big output comes in 16 KiB chunks', async () => {
    const app = fixtureApp()
    const chunks = await app.appContext(() =>
      collect(streamTemplateString('{% for i in range(n) %}{{ row }}{% endfor %}', { n: 5000, row: '0123456789' })),
    )
    expect(chunks.length).toBe(4)
    expect(chunks[0]!.length).toBe(16 * 1024)
    expect(chunks.join('')).toBe('0123456789'.repeat(5000))
  })

  test('it renders before the response starts, so flashed messages are consumed and errors are a 500', async () => {
    const app = fixtureApp()
    app.config.PROPAGATE_EXCEPTIONS = false
    app.logger.level = 'silent'
    app.post('/flash', function flashIt() {
      flash('Hi')
      return redirect('/show')
    })
    app.get('/show', function show() {
      return streamTemplateString("{{ get_flashed_messages()|join(',') }}")
    })
    app.get('/broken', function broken() {
      return streamTemplate('syntax_error.html')
    })
    const client = app.testClient()
    expect((await client.post('/flash', { followRedirects: true })).text).toBe('Hi')
    expect((await client.get('/show')).text).toBe('')
    expect((await client.get('/broken')).status).toBe(500)
  })

  test('with an async context processor the stream waits for it', async () => {
    const app = fixtureApp()
    app.contextProcessor(async () => ({ title: 'Async' }))
    app.get('/', function index() {
      return streamTemplate(['missing.html', 'index.html'])
    })
    expect((await app.testClient().get('/')).text).toBe('<h1>Async</h1>')
    expect(await app.appContext(() => renderTemplate('index.html'))).toBe('<h1>Async</h1>')
  })
})
