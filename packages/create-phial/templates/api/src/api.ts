/**
 * The `api` blueprint: a JSON API of notes, kept in memory (swap the Map for a
 * database when you have one). Every error comes back as JSON.
 */
import { abort, BadRequest, Blueprint, HTTPException, request, UnsupportedMediaType } from 'phial'

export interface Note {
  id: number
  text: string
}

const notes = new Map<number, Note>()
let nextId = 1

export const api = new Blueprint('api', import.meta.url)

api.errorHandler(HTTPException, (error) => [{ error: error.name, message: error.description }, error.code])

/** The note text of a JSON body, or a 400 that says what is wrong. */
function noteText(): string {
  if (!request.isJson) throw new UnsupportedMediaType('Send the note as JSON (Content-Type: application/json).')
  const body = request.getJson() as { text?: unknown } | null
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequest('The body must be a JSON object like {"text": "..."}.')
  if (typeof body.text !== 'string' || body.text.trim() === '') throw new BadRequest('"text" must be a non-empty string.')
  if (body.text.length > 1000) throw new BadRequest('"text" must be at most 1000 characters.')
  return body.text.trim()
}

api.get('/notes', function listNotes() {
  return { notes: [...notes.values()] }
})

api.post('/notes', function createNote() {
  const note: Note = { id: nextId++, text: noteText() }
  notes.set(note.id, note)
  return [note, 201]
})

api.get('/notes/<int:id>', function getNote({ id }) {
  return notes.get(id) ?? abort(404, `There is no note ${id}.`)
})

api.delete('/notes/<int:id>', function deleteNote({ id }) {
  if (!notes.delete(id)) abort(404, `There is no note ${id}.`)
  return ['', 204]
})
