/**
 * File fields through HTTP (Flask-WTF's test_file.py, ported to requests):
 * FileRequired / FileAllowed / FileSize on one and several files, an empty
 * file input, and nothing written for a refused upload.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Phial, secureFilename } from 'phial'
import { FileField, MultipleFileField, StringField, defineForm, fileAllowed, fileRequired, fileSize } from 'phial/forms'

const dir = mkdtempSync(join(tmpdir(), 'phial-forms-files-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const UploadForm = defineForm({
  title: new StringField('Title'),
  photo: new FileField('Photo', { validators: [fileRequired(), fileAllowed(['jpg', 'png'], 'Images only!'), fileSize({ max: 100 })] }),
  extras: new MultipleFileField('Extras', { validators: [fileAllowed(['txt']), fileSize({ max: 10, min: 1 })] }),
})

const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
app.config.fromMapping({ SECRET_KEY: 's', LOG_LEVEL: 'silent', WTF_CSRF_ENABLED: false })
app.post('/upload', async function upload() {
  const form = new UploadForm()
  if (!form.validateOnSubmit()) return [{ errors: form.errors }, 400]
  const photo = form.data.photo                 // FileStorage | undefined: fileRequired checks at run time
  const name = secureFilename(photo!.filename!)
  await photo!.save(join(dir, name))
  return { saved: name, extras: form.data.extras.map((f) => f.filename) }
})
const client = app.testClient()
const png = (filename: string, content = 'png bytes') => ({ content, filename, contentType: 'image/png' })

describe('FileField validators through HTTP', () => {
  it('a valid file is saved under its secure name', async () => {
    const res = await client.post('/upload', { files: { photo: png('../../etc/beach.PNG') } })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ saved: 'etc_beach.PNG', extras: [] })
  })

  it('no file, and an empty file input (no file name), are "This field is required."', async () => {
    const none = await client.post('/upload', { form: { title: 'x' } })
    expect(none.json.errors).toEqual({ photo: ['This field is required.'] })
    const empty = await client.post('/upload', { form: { title: 'x' }, files: { photo: { content: '', filename: '' } } })
    expect(empty.json.errors).toEqual({ photo: ['This field is required.'] })
  })

  it('a disallowed extension and a dot-file are refused with the message; nothing is written', async () => {
    const before = readdirSync(dir).length
    const exe = await client.post('/upload', { files: { photo: png('evil.exe') } })
    expect(exe.json.errors).toEqual({ photo: ['Images only!'] })
    const dotfile = await client.post('/upload', { files: { photo: png('.png') } })
    expect(dotfile.json.errors).toEqual({ photo: ['Images only!'] })
    expect(readdirSync(dir).length).toBe(before)
  })

  it('an oversize file is "File must be between 0 and 100 bytes."', async () => {
    const res = await client.post('/upload', { files: { photo: png('big.png', 'x'.repeat(101)) } })
    expect(res.status).toBe(400)
    expect(res.json.errors).toEqual({ photo: ['File must be between 0 and 100 bytes.'] })
  })

  it('several files: every one is checked', async () => {
    const ok = await client.post('/upload', { files: { photo: png('a.png'), extras: [{ content: 'one', filename: 'a.txt' }, { content: 'two', filename: 'b.TXT' }] } })
    expect(ok.json.extras).toEqual(['a.txt', 'b.TXT'])
    const bad = await client.post('/upload', { files: { photo: png('a.png'), extras: [{ content: 'one', filename: 'a.txt' }, { content: 'x', filename: 'b.png' }] } })
    expect(bad.json.errors).toEqual({ extras: ['File does not have an approved extension: txt'] })
    const small = await client.post('/upload', { files: { photo: png('a.png'), extras: [{ content: '', filename: 'empty.txt' }] } })
    expect(small.json.errors).toEqual({ extras: ['File must be between 1 and 10 bytes.'] })
  })

  it('a file name with a null byte is refused by the body parser (400 that says why); unicode names pass', async () => {
    const before = readdirSync(dir).length
    const nul = await client.post('/upload', { files: { photo: png('a\u0000.png') } })
    expect(nul.status).toBe(400)
    expect(nul.text).toContain('Malformed multipart/form-data body')
    expect(readdirSync(dir).length).toBe(before)
    const unicode = await client.post('/upload', { files: { photo: png('写真 ümlaut.png') } })
    expect(unicode.status).toBe(200)
    expect(unicode.json.saved).toBe('umlaut.png')
  })

  it('a file field renders as a file input without a value', () => {
    const form = new UploadForm({ formdata: null, meta: { csrf: false } })
    expect(String(form.photo)).toBe('<input id="photo" name="photo" type="file">')
    expect(String(form.extras)).toBe('<input id="extras" name="extras" type="file" multiple>')
  })
})
