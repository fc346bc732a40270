/**
 * bindParameters: one placeholder syntax for every database, scanned once
 * per statement (the plan is cached), with the values bound on every call.
 */
import { describe, expect, it } from 'vitest'
import { bindParameters } from 'phial/sql'

describe('bindParameters', () => {
  it('rewrites :name and ? for each dialect, leaving quotes, comments and ::casts alone', () => {
    const sql = `SELECT ':skip', "a:b", x::text -- :no ?\nFROM t WHERE a = :a AND b = :b OR a = :a`
    expect(bindParameters(sql, { a: 1, b: true }, 'postgres')).toEqual([`SELECT ':skip', "a:b", x::text -- :no ?\nFROM t WHERE a = $1 AND b = $2 OR a = $3`, [1, 1, 1]])
    expect(bindParameters(sql, { a: 1, b: false }, 'sqlite')).toEqual([`SELECT ':skip', "a:b", x::text -- :no ?\nFROM t WHERE a = ? AND b = ? OR a = ?`, [1, 0, 1]])
    expect(bindParameters("SELECT ? , 'it''s ?', ?", ['x', undefined], 'postgres')).toEqual(["SELECT $1 , 'it''s ?', $2", ['x', null]])
    expect(bindParameters('SELECT 1', undefined, 'mysql')).toEqual(['SELECT 1', []])
  })

  it('binds fresh values on every call of a statement it has seen (the plan is cached, never the values)', () => {
    const sql = 'SELECT * FROM post WHERE id = :id'
    expect(bindParameters(sql, { id: 1 }, 'sqlite')[1]).toEqual([1])
    expect(bindParameters(sql, { id: 2 }, 'sqlite')[1]).toEqual([2])
    expect(bindParameters(sql, { id: 3 }, 'postgres')).toEqual(['SELECT * FROM post WHERE id = $1', [3]])
    // the same text with positional values is another plan: ':id' is not a placeholder there
    expect(bindParameters(sql, [], 'sqlite')).toEqual([sql, []])
    for (let i = 0; i < 600; i++) expect(bindParameters(`SELECT :v${i}`, { [`v${i}`]: i }, 'sqlite')).toEqual(['SELECT ?', [i]])
  })

  it('says which parameter is missing, or how many ? there are, on every call', () => {
    const sql = 'SELECT :a, :b'
    expect(() => bindParameters(sql, { a: 1 }, 'sqlite')).toThrow('The SQL uses :b, which is not among the parameters (a).')
    expect(() => bindParameters(sql, { a: 1 }, 'sqlite')).toThrow(/:b/)
    expect(() => bindParameters('SELECT ?, ?', [1], 'sqlite')).toThrow('The SQL has more ? placeholders than the 1 parameters given.')
    expect(() => bindParameters('SELECT ?', [1, 2], 'sqlite')).toThrow('The SQL has 1 ? placeholders but 2 parameters were given.')
  })
})
