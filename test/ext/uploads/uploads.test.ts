/**
 * Upload sets through HTTP (Flask-Reuploaded's test_flask_reuploaded.py,
 * ported to real files and requests): configuration, allowed and refused
 * files (nothing left on disk), secure and de-duplicated names, the serving
 * route, and hostile names.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Phial, request, type TestFile } from 'phial'
import {
  ALL, IMAGES, TEXT, UploadNotAllowed, UploadSet, Uploads, allExcept, configureUploads, extension, lowercaseExt, storedName,
} from 'phial/uploads'
import { FileField, defineForm, fileAllowed } from 'phial/forms'

const root = mkdtempSync(join(tmpdir(), 'phial-uploads-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function files(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String).sort() : []
}

function makeApp(config: Record<string, unknown> = {}) {
  const instancePath = mkdtempSync(join(root, 'instance-'))
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null, instancePath })
  app.config.fromMapping({ SECRET_KEY: 's', LOG_LEVEL: 'silent', WTF_CSRF_ENABLED: false, ...config })
  const photos = new UploadSet('photos', { extensions: IMAGES, mimetypes: ['image/*'], maxSize: 1000 })
  const docs = new UploadSet('docs', { extensions: TEXT })
  new Uploads([photos, docs], app)
  app.post('/photos', async function upload() {
    const name = await photos.save(request.files.get('photo'), { folder: request.form.get('folder') })
    return { name, url: photos.url(name) }
  })
  app.post('/docs', async function uploadDoc() {
    const name = await docs.save(request.files.get('doc'), { name: request.form.get('name') })
    return { name, url: docs.url(name) }
  })
  return { app, client: app.testClient(), photos, docs, photoDir: join(instancePath, 'uploads', 'photos') }
}

const png = (filename: string, content = 'fake png'): TestFile => ({ content, filename, contentType: 'image/png' })

describe('names', () => {
  it("extension() and lowercaseExt() as Flask-Reuploaded's", () => {
    expect(extension('foo.txt')).toBe('txt')
    expect(extension('foo')).toBe('')
    expect(extension('archive.tar.gz')).toBe('gz')
    expect(extension('.bashrc')).toBe('')
    expect(lowercaseExt('FOO.TXT')).toBe('FOO.txt')
    expect(lowercaseExt('ARCHIVE.TAR.GZ')).toBe('ARCHIVE.TAR.gz')
    expect(lowercaseExt('FOO')).toBe('FOO')
  })

  it('storedName: traversal, absolute paths, unicode-only names, nothing usable', () => {
    expect(storedName('/etc/passwd')).toBe('etc_passwd')
    expect(storedName('../../my_app.wsgi')).toBe('my_app.wsgi')
    expect(storedName('写真.PNG')).toBe('upload.png')
    expect(storedName('../..')).toBe('')
  })

  it('ALL and allExcept; set names must be alphanumeric', () => {
    expect(ALL.has('exe')).toBe(true)
    expect(allExcept(['exe']).has('txt')).toBe(true)
    expect(allExcept(['exe']).has('EXE')).toBe(false)
    expect(() => new UploadSet('__not__allowed__')).toThrow('alphanumeric')
  })
})

describe('configuration', () => {
  it('the folder defaults to <instance>/uploads/<set>; UPLOADED_X_DEST, UPLOADS_DEFAULT_DEST/URL and defaultDest override it', () => {
    const { app, photos } = makeApp()
    expect(photos.configFor(app)).toMatchObject({ destination: join(app.instancePath, 'uploads', 'photos'), baseUrl: null, maxSize: 1000 })

    const a = new Phial(import.meta.url, { staticFolder: null })
    a.config.fromMapping({ UPLOADED_FILES_DEST: '/var/files', UPLOADED_FILES_URL: 'http://localhost:6001', UPLOADS_DEFAULT_DEST: '/var/uploads', UPLOADS_DEFAULT_URL: 'http://localhost:6000/' })
    const f = new UploadSet('files')
    const p = new UploadSet('photos')
    const i = new UploadSet('icons', { defaultDest: (app) => join(app.instancePath, 'icons') })
    configureUploads(a, [f, p, i])
    expect(f.configFor(a)).toMatchObject({ destination: '/var/files', baseUrl: 'http://localhost:6001/' })
    expect(p.configFor(a)).toMatchObject({ destination: '/var/uploads/photos', baseUrl: 'http://localhost:6000/photos/' })
    expect(i.configFor(a)).toMatchObject({ destination: join(a.instancePath, 'icons'), baseUrl: null })
    // a set with a URL is served elsewhere; the route exists for the one without
    expect(a.urlMap.rules().some((r) => r.endpoint === '_uploads.uploadedFile')).toBe(true)
  })

  it('no route when every set has a URL, or with UPLOADS_AUTOSERVE = false', () => {
    const a = new Phial(import.meta.url, { staticFolder: null })
    a.config.fromMapping({ UPLOADED_FILES_DEST: '/var/files', UPLOADED_FILES_URL: 'http://cdn.test/' })
    configureUploads(a, new UploadSet('files'))
    const b = new Phial(import.meta.url, { staticFolder: null })
    b.config.UPLOADS_AUTOSERVE = false
    configureUploads(b, new UploadSet('files'))
    for (const app of [a, b]) expect(app.urlMap.rules().some((r) => r.endpoint === '_uploads.uploadedFile')).toBe(false)
  })

  it('an unconfigured set says what to do', () => {
    const a = new Phial(import.meta.url, { staticFolder: null })
    expect(() => new UploadSet('files').configFor(a)).toThrow("call configureUploads(app, files)")
  })

  it('UPLOADED_X_ALLOW / _DENY adjust the extensions', () => {
    const a = new Phial(import.meta.url, { staticFolder: null })
    a.config.fromMapping({ UPLOADED_FILES_ALLOW: ['exe'], UPLOADED_FILES_DENY: ['txt'] })
    const f = new UploadSet('files')
    configureUploads(a, f)
    const config = f.configFor(a)
    expect(f.extensionAllowed('exe', config)).toBe(true)
    expect(f.extensionAllowed('txt', config)).toBe(false)
    expect(f.extensionAllowed('jpg', config)).toBe(true)
  })
})

describe('saving through HTTP', () => {
  it('stores the file under its secure name and serves it at its URL, with nosniff and a sandbox CSP', async () => {
    const { client, photoDir } = makeApp()
    const res = await client.post('/photos', { files: { photo: png('../../Beach Day.PNG', 'png-bytes') } })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ name: 'Beach_Day.png', url: '/_uploads/photos/Beach_Day.png' })
    expect(readFileSync(join(photoDir, 'Beach_Day.png'), 'utf8')).toBe('png-bytes')
    const served = await client.get(res.json.url)
    expect(served.status).toBe(200)
    expect(served.text).toBe('png-bytes')
    expect(served.headers.get('content-type')).toBe('image/png')
    expect(served.headers.get('x-content-type-options')).toBe('nosniff')
    expect(served.headers.get('content-security-policy')).toContain('sandbox')
  })

  it('a second file with the same name gets name_1, then name_2; none is overwritten', async () => {
    const { client, photoDir } = makeApp()
    const names = []
    for (const content of ['one', 'two', 'three']) names.push((await client.post('/photos', { files: { photo: png('cat.png', content) } })).json.name)
    expect(names).toEqual(['cat.png', 'cat_1.png', 'cat_2.png'])
    expect(readFileSync(join(photoDir, 'cat.png'), 'utf8')).toBe('one')
    expect(readFileSync(join(photoDir, 'cat_2.png'), 'utf8')).toBe('three')
  })

  it('ten uploads of one name at the same moment get ten different files (exclusive create)', async () => {
    const { client, photoDir } = makeApp()
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => client.post('/photos', { files: { photo: png('same.png', `#${i}`) } })))
    const names = results.map((r) => r.json.name as string)
    expect(new Set(names).size).toBe(10)
    const contents = names.map((n) => readFileSync(join(photoDir, n), 'utf8')).sort()
    expect(contents).toEqual(Array.from({ length: 10 }, (_, i) => `#${i}`).sort())
  })

  it('a large file spooled to disk by the body parser is stored whole', async () => {
    const { app, photoDir } = makeApp({ UPLOADED_PHOTOS_MAX_SIZE: 2_000_000 })
    const big = Buffer.alloc(900_000, 7)
    const res = await app.testClient().post('/photos', { files: { photo: { content: big, filename: 'big.png', contentType: 'image/png' } } })
    expect(res.status).toBe(200)
    expect(readFileSync(join(photoDir, 'big.png')).equals(big)).toBe(true)
  })

  it('a folder and a name ending with "." (extension appended); the folder cannot climb out', async () => {
    const { client, photoDir } = makeApp()
    const res = await client.post('/photos', { form: { folder: '../../someguy' }, files: { photo: png('boat.jpg') } })
    expect(res.json.name).toBe('someguy/boat.jpg')
    expect(files(photoDir)).toEqual(['someguy', 'someguy/boat.jpg'])
    const { client: c2 } = makeApp()
    const named = await c2.post('/docs', { form: { name: 'notes_123.' }, files: { doc: { content: 'x', filename: 'Notes.TXT' } } })
    expect(named.json.name).toBe('notes_123.txt')
  })

  it('a disallowed extension is a 400 that lists the allowed ones; nothing is written', async () => {
    const { client, photoDir } = makeApp()
    const res = await client.post('/photos', { files: { photo: png('evil.exe') } })
    expect(res.status).toBe(400)
    expect(res.text).toContain('Files of type .exe are not allowed here (allowed: jpg, jpe, jpeg, png, gif, svg, bmp, webp).')
    expect(files(photoDir)).toEqual([])
  })

  it('a refused content type is a 400; a file over the size limit is a 413; nothing is written', async () => {
    const { client, photoDir } = makeApp()
    const html = await client.post('/photos', { files: { photo: { content: '<script>', filename: 'x.png', contentType: 'text/html' } } })
    expect(html.status).toBe(400)
    expect(html.text).toContain('Content type text/html is not allowed here (allowed: image/*).')
    const big = await client.post('/photos', { files: { photo: png('big.png', 'x'.repeat(1001)) } })
    expect(big.status).toBe(413)
    expect(big.text).toContain('The file is 1001 bytes; the limit is 1000 bytes.')
    expect(files(photoDir)).toEqual([])
  })

  it('no file, an empty file input, and a name with nothing usable are 400s that say so', async () => {
    const { client, photoDir } = makeApp()
    const none = await client.post('/photos', { form: { x: '1' } })
    expect(none.status).toBe(400)
    expect(none.text).toContain('No file was uploaded')
    const empty = await client.post('/photos', { files: { photo: { content: '', filename: '' } } })
    expect(empty.status).toBe(400)
    const dots = await client.post('/photos', { files: { photo: png('../..') } })
    expect(dots.status).toBe(400)
    expect(dots.text).toContain('cannot be used; rename the file.')
    expect(files(photoDir)).toEqual([])
  })

  it('unicode names are stored under an ASCII name; a null byte in the name is refused by the body parser', async () => {
    const { client, photoDir } = makeApp()
    const unicode = await client.post('/photos', { files: { photo: png('写真.png') } })
    expect(unicode.json.name).toBe('upload.png')
    const nul = await client.post('/photos', { files: { photo: png('a\u0000.png') } })
    expect(nul.status).toBe(400)
    expect(files(photoDir)).toEqual(['upload.png'])
  })

  it('the route refuses traversal and unknown sets with a 404', async () => {
    const { client } = makeApp()
    expect((await client.get('/_uploads/photos/../../etc/passwd')).status).toBe(404)
    expect((await client.get('/_uploads/photos/%2e%2e/%2e%2e/secret')).status).toBe(404)
    expect((await client.get('/_uploads/nope/x.png')).status).toBe(404)
  })

  it("phial/forms' fileAllowed(set) uses the set's rules", async () => {
    const { app, photos } = makeApp()
    const AvatarForm = defineForm({ avatar: new FileField('Avatar', { validators: [fileAllowed(photos)] }) })
    app.post('/avatar', function avatar() {
      const form = new AvatarForm()
      return { valid: form.validateOnSubmit(), errors: form.errors }
    })
    const client = app.testClient()
    expect((await client.post('/avatar', { files: { avatar: png('me.png') } })).json).toEqual({ valid: true, errors: {} })
    expect((await client.post('/avatar', { files: { avatar: png('me.exe') } })).json.errors).toEqual({ avatar: ['File does not have an approved extension.'] })
  })

  it('UploadNotAllowed is a 400 error class an app can handle', () => {
    const error = new UploadNotAllowed('nope')
    expect(error.code).toBe(400)
    expect(error.description).toBe('nope')
  })
})
