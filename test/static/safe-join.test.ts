import { isAbsolute, join, relative, sep } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { safeJoin } from 'phial'

const DIR = '/srv/app/static'

function inside(dir: string, result: string): boolean {
  const rel = relative(dir, result)
  return rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)
}

describe('safeJoin', () => {
  it('joins ordinary relative paths', () => {
    expect(safeJoin(DIR, 'css/site.css')).toBe(join(DIR, 'css/site.css'))
    expect(safeJoin(DIR, 'a', 'b', 'c.txt')).toBe(join(DIR, 'a/b/c.txt'))
    expect(safeJoin(DIR, './a//b')).toBe(join(DIR, 'a/b'))
    expect(safeJoin(DIR, '')).toBe(DIR)
    expect(safeJoin(DIR, 'café/文件.txt')).toBe(join(DIR, 'café/文件.txt'))
    expect(safeJoin(DIR, '..foo')).toBe(join(DIR, '..foo'))
    expect(safeJoin(DIR, 'a..b/c..')).toBe(join(DIR, 'a..b/c..'))
  })

  it('keeps a relative directory relative', () => {
    expect(safeJoin('uploads', 'x.txt')).toBe(join('uploads', 'x.txt'))
    expect(safeJoin('', 'x.txt')).toBe('x.txt')
  })

  it.each([
    ['..'],
    ['../secret.txt'],
    ['a/../../secret.txt'],
    ['a/../b'],
    ['a/..'],
    ['/etc/passwd'],
    ['//etc/passwd'],
    ['..\\secret.txt'],
    ['a\\b'],
    ['C:\\Windows'],
    ['C:'],
    ['c:secret'],
    ['x\0.txt'],
  ])('refuses %j', (p) => {
    expect(safeJoin(DIR, p)).toBeNull()
  })

  it('refuses when any one of several parts is unsafe', () => {
    expect(safeJoin(DIR, 'ok', '..', 'x')).toBeNull()
    expect(safeJoin(DIR, 'ok', '/abs')).toBeNull()
  })

  it('does not decode percent escapes again: %2e%2e is a literal name', () => {
    expect(safeJoin(DIR, '%2e%2e/secret.txt')).toBe(join(DIR, '%2e%2e/secret.txt'))
    expect(safeJoin(DIR, '..%2fsecret.txt')).toBe(join(DIR, '..%2fsecret.txt'))
  })

  it('property: the result is null or inside the folder', () => {
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', '/', '\\', '%2e', '%2e%2e', '%2f', '\0', 'C:', 'c:\\', '…', '..\u2215', '\u002e\u002e', 'é', '文件', '~', ' '),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    )
    const parts = fc
      .tuple(fc.array(segment, { maxLength: 8 }), fc.constantFrom('/', '', '\\'))
      .map(([segments, separator]) => segments.join(separator))
    fc.assert(
      fc.property(fc.array(parts, { minLength: 1, maxLength: 3 }), (untrusted) => {
        for (const dir of [DIR, 'relative/dir']) {
          const result = safeJoin(dir, ...untrusted)
          if (result !== null) expect(inside(dir, result)).toBe(true)
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('property: joining segments made of ".." and "/" never escapes', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('..', '.', '', '/', 'a'), { maxLength: 10 }), (segs) => {
        const result = safeJoin(DIR, segs.join('/'))
        if (result !== null) expect(inside(DIR, result)).toBe(true)
        if (segs.includes('..')) expect(result).toBeNull()
      }),
    )
  })
})
