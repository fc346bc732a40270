import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { checkPasswordHash, generatePasswordHash, secureFilename } from '../src/security.ts'

describe('secureFilename', () => {
  it("matches Werkzeug's documented examples", () => {
    expect(secureFilename('My cool movie.mov')).toBe('My_cool_movie.mov')
    expect(secureFilename('../../../etc/passwd')).toBe('etc_passwd')
    expect(secureFilename('i contain cool \xfcml\xe4uts.txt')).toBe('i_contain_cool_umlauts.txt')
  })

  // Expected values produced by Werkzeug 3.1.8's secure_filename on Linux.
  it.each([
    ['  ..hidden.. ', 'hidden'],
    ['\u65e5\u672c\u8a9e.txt', 'txt'],
    ['a\tb\nc  d', 'a_b_c_d'],
    ['file (1).tar.gz', 'file_1.tar.gz'],
    ['__init__.py', 'init__.py'],
    ['\ufb01le.txt', 'file.txt'],
    ['\u216b.txt', 'XII.txt'],
    ['a\x1cb', 'a_b'],
    ['...', ''],
    ['-rf', '-rf'],
    ['x/../y', 'x_.._y'],
    ['résumé final.PDF', 'resume_final.PDF'],
  ])('secureFilename(%j) is %j', (input, expected) => {
    expect(secureFilename(input)).toBe(expected)
  })

  it('treats backslashes as separators too', () => {
    expect(secureFilename('C:\\Users\\me\\report.docx')).toBe('C_Users_me_report.docx')
    expect(secureFilename('..\\..\\boot.ini')).toBe('boot.ini')
  })

  it('prefixes Windows device names on every platform', () => {
    expect(secureFilename('CON.txt')).toBe('_CON.txt')
    expect(secureFilename('con')).toBe('_con')
    expect(secureFilename('com1.log')).toBe('_com1.log')
    expect(secureFilename('LPT9')).toBe('_LPT9')
    expect(secureFilename('nul.tar.gz')).toBe('_nul.tar.gz')
    expect(secureFilename('CONSOLE.txt')).toBe('CONSOLE.txt')
    expect(secureFilename('COM10')).toBe('COM10')
  })

  it('may return an empty string', () => {
    expect(secureFilename('')).toBe('')
    expect(secureFilename('../..')).toBe('')
    expect(secureFilename('\u0416\u0416')).toBe('')
  })

  it('always yields a safe name (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (input) => {
        const out = secureFilename(input)
        expect(out).toMatch(/^[A-Za-z0-9_.-]*$/)
        expect(out).not.toMatch(/^\.|[._]$/)
        if (out.startsWith('_')) expect(out.slice(1).split('.')[0].toUpperCase()).toMatch(/^(CON|PRN|AUX|NUL|COM\d|LPT\d)$/)
        expect(secureFilename(out)).toBe(out) // idempotent
      }),
    )
  })
})

describe('password hashes', () => {
  it("round-trips with the default method in Werkzeug's format", async () => {
    const pwhash = await generatePasswordHash('correct horse battery staple')
    expect(pwhash).toMatch(/^scrypt:32768:8:1\$[A-Za-z0-9]{16}\$[0-9a-f]{128}$/)
    expect(await checkPasswordHash(pwhash, 'correct horse battery staple')).toBe(true)
    expect(await checkPasswordHash(pwhash, 'correct horse battery stapler')).toBe(false)
    expect(await checkPasswordHash(pwhash, '')).toBe(false)
  })

  it('uses a different salt each time', async () => {
    const a = await generatePasswordHash('same', { method: 'scrypt:1024:8:1' })
    const b = await generatePasswordHash('same', { method: 'scrypt:1024:8:1' })
    expect(a).not.toBe(b)
    expect(a.split('$')[1]).not.toBe(b.split('$')[1])
    expect(await checkPasswordHash(a, 'same')).toBe(true)
    expect(await checkPasswordHash(b, 'same')).toBe(true)
  })

  it('supports scrypt parameters, pbkdf2 and salt length', async () => {
    const s = await generatePasswordHash('pw', { method: 'scrypt:16384:8:2', saltLength: 8 })
    expect(s).toMatch(/^scrypt:16384:8:2\$[A-Za-z0-9]{8}\$[0-9a-f]{128}$/)
    expect(await checkPasswordHash(s, 'pw')).toBe(true)
    const p = await generatePasswordHash('pw', { method: 'pbkdf2:sha256:1000' })
    expect(p).toMatch(/^pbkdf2:sha256:1000\$[A-Za-z0-9]{16}\$[0-9a-f]{64}$/)
    expect(await checkPasswordHash(p, 'pw')).toBe(true)
    expect(await checkPasswordHash(p, 'pW')).toBe(false)
    const p512 = await generatePasswordHash('pw', { method: 'pbkdf2:sha512:1000' })
    expect(p512.split('$')[2]).toHaveLength(128)
    expect(await checkPasswordHash(p512, 'pw')).toBe(true)
  })

  it('writes the default pbkdf2 parameters explicitly', async () => {
    const p = await generatePasswordHash('pw', { method: 'pbkdf2' })
    expect(p.startsWith('pbkdf2:sha256:1000000$')).toBe(true)
    expect(await checkPasswordHash(p, 'pw')).toBe(true)
  })

  it('handles non-ASCII passwords', async () => {
    const p = await generatePasswordHash('pässwörd ✓ 🔑', { method: 'scrypt:1024:8:1' })
    expect(await checkPasswordHash(p, 'pässwörd ✓ 🔑')).toBe(true)
    expect(await checkPasswordHash(p, 'passwoerd ✓ 🔑')).toBe(false)
  })

  it('rejects unknown methods and bad options when generating', async () => {
    await expect(generatePasswordHash('pw', { method: 'md5' })).rejects.toThrow(RangeError)
    await expect(generatePasswordHash('pw', { method: 'scrypt:1000:8:1' })).rejects.toThrow(/power of two/)
    await expect(generatePasswordHash('pw', { method: 'scrypt:1024:8' })).rejects.toThrow(/3 arguments/)
    await expect(generatePasswordHash('pw', { method: 'pbkdf2:nope:1000' })).rejects.toThrow(/digest/)
    await expect(generatePasswordHash('pw', { method: 'pbkdf2:sha256:0' })).rejects.toThrow(/iterations/)
    await expect(generatePasswordHash('pw', { saltLength: 0 })).rejects.toThrow(/saltLength/)
  })

  it.each([
    '',
    'plain',
    'scrypt$onlyone',
    'md5$salt$5f4dcc3b5aa765d61d8327deb882cf99',
    'sha256$salt$abc',
    'scrypt:abc:8:1$salt$00',
    'scrypt:1000:8:1$salt$00',
    'scrypt:1073741824:8:1$salt$00',
    'scrypt:1024:8$salt$00',
    'pbkdf2:sha256:-5$salt$00',
    'pbkdf2:sha256:1e3$salt$00',
    'pbkdf2:sha256:999999999999$salt$00',
    'pbkdf2:whirlpool-x:1000$salt$00',
    'pbkdf2:sha256:1000:9$salt$00',
    'pbkdf2:sha256:1000$salt$',
    'pbkdf2:sha256:1000$salt$zz',
  ])('returns false, never throws, for the malformed hash %j', async (pwhash) => {
    await expect(checkPasswordHash(pwhash, 'pw')).resolves.toBe(false)
  })

  it('returns false for non-string input', async () => {
    await expect(checkPasswordHash(undefined as unknown as string, 'pw')).resolves.toBe(false)
    await expect(checkPasswordHash('pbkdf2:sha256:1$a$b', null as unknown as string)).resolves.toBe(false)
  })

  // Produced by Werkzeug 3.1.8's generate_password_hash.
  it.each([
    [
      'scrypt:32768:8:1$8GgIW0OVRCrdA66b$72e49521fb9f9fb98b61e5d520174abbfc2cdcbe71d5f891b2788e39882551c8d60ff63fc52f7b5b07fc02d754b7bcbe9e4dc0ab0889b5fe872a6a25ec0a3b7a',
      'correct horse battery staple',
    ],
    [
      'scrypt:16384:8:1$yvRU7jOG$6608d9c3e2ec3cc7ce86166b0c5e158f1bdd5020085680bf38eb9e08740710d1259f5b8155d213f880145376dc06860c5dcc9121349b301b9fcca76c785b0175',
      'pässwörd ✓',
    ],
    [
      'pbkdf2:sha256:600000$ZylvfekBHWuEYgtI$ac22eaa4b5d1216dd9f949de46515b90b87eec9e7c5f57954d62d46f29eb5dab',
      'hunter2',
    ],
    [
      'pbkdf2:sha512:1000$5PAz9AxYWM40W7kC$d2f6d2c022798e0fdfdad82f13db823bb5ddde403c67fc5e33d8b2ce49e21ddda11d0eacc5dc3254af6560acaa8af90e93bd09f6aed26b273a1926f1b4a6c47f',
      'hunter2',
    ],
    ['pbkdf2:sha1:1000$4kbbuyqtdfyZdIYY$5d5734635776b8026351c23250e0fbdb91bf95b1', 'hunter2'],
  ])('verifies the Werkzeug hash %s', async (pwhash, password) => {
    expect(await checkPasswordHash(pwhash, password)).toBe(true)
    expect(await checkPasswordHash(pwhash, `${password}x`)).toBe(false)
  })
})
