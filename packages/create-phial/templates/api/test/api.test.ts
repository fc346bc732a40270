import { describe, expect, it } from 'vitest'
import { createApp } from '../src/app.ts'

const client = () => createApp({ TESTING: true, SECRET_KEY: 'test', LOG_LEVEL: 'silent' }).testClient()

describe('the notes API', () => {
  it('creates, reads and deletes a note', async () => {
    const c = client()
    const created = await c.post('/api/notes', { json: { text: 'buy milk' } })
    expect(created.status).toBe(201)
    const { id } = created.json as { id: number }
    expect((await c.get(`/api/notes/${id}`)).json).toEqual({ id, text: 'buy milk' })
    expect((await c.get('/api/notes')).json).toMatchObject({ notes: expect.arrayContaining([{ id, text: 'buy milk' }]) })
    expect((await c.delete(`/api/notes/${id}`)).status).toBe(204)
    const gone = await c.get(`/api/notes/${id}`)
    expect(gone.status).toBe(404)
    expect(gone.json).toEqual({ error: 'Not Found', message: `There is no note ${id}.` })
  })

  it('says what is wrong with a bad body', async () => {
    const c = client()
    const empty = await c.post('/api/notes', { json: { text: '' } })
    expect(empty.status).toBe(400)
    expect(empty.json).toEqual({ error: 'Bad Request', message: '"text" must be a non-empty string.' })
    const form = await c.post('/api/notes', { form: { text: 'x' } })
    expect(form.status).toBe(415)
    const broken = await c.post('/api/notes', { data: '{"text":', contentType: 'application/json' })
    expect(broken.status).toBe(400)
  })
})
