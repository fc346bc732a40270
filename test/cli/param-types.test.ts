/**
 * Typed command-line values: a number option given 'abc' is a usage error
 * (message, exit 2) as in Click, never a NaN in the action; CliTypes gives
 * Click's INT, FLOAT, BOOL and Path. And a global option given after the
 * command says where it goes.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CliTypes, Phial } from '../../src/index.ts'

function appWithCommand(): { app: Phial; seen: unknown[] } {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.LOG_LEVEL = 'silent'
  const seen: unknown[] = []
  app.cli.command(
    'seed',
    {
      arguments: [{ name: 'file', parse: CliTypes.path({ exists: true, kind: 'file' }), required: false }],
      options: [
        { flags: '-n, --count <n>', parse: Number, default: 10 },
        { flags: '--times <n>', parse: CliTypes.int },
        { flags: '--ratio <r>', parse: CliTypes.float },
        { flags: '--dry <b>', parse: CliTypes.boolean },
      ],
    },
    (args, opts) => {
      seen.push({ ...args, ...opts })
    },
  )
  return { app, seen }
}

describe('typed command-line values', () => {
  it('refuses NaN from parse: Number with a usage error and exit code 2', async () => {
    const { app, seen } = appWithCommand()
    const bad = await app.testCliRunner().invoke(['seed', '--count', 'abc'])
    expect(bad.exitCode).toBe(2)
    expect(bad.output).toMatch(/'abc' is not a valid number/)
    expect(seen).toEqual([])
  })

  it("validates Click's types and passes the parsed values on", async () => {
    const { app, seen } = appWithCommand()
    const runner = app.testCliRunner()
    const dir = mkdtempSync(join(tmpdir(), 'phial-cli-types-'))
    const file = join(dir, 'rows.csv')
    writeFileSync(file, 'a,b\n')
    for (const [args, message] of [
      [['seed', '--times', '1.5'], /'1\.5' is not a valid integer/],
      [['seed', '--ratio', 'x'], /'x' is not a valid float/],
      [['seed', '--dry', 'maybe'], /'maybe' is not a valid boolean/],
      [['seed', join(dir, 'missing.csv')], /does not exist/],
      [['seed', dir], /is not a file/],
    ] as const) {
      const result = await runner.invoke(args)
      expect(result.exitCode, args.join(' ')).toBe(2)
      expect(result.output).toMatch(message)
    }
    const ok = await runner.invoke(['seed', file, '--times', '3', '--ratio', '0.5', '--dry', 'yes', '-n', '7'])
    expect(ok.exitCode).toBe(0)
    expect(seen).toEqual([{ file, times: 3, ratio: 0.5, dry: true, count: 7 }])
  })
})

describe('a global option after the command', () => {
  it('is a usage error that says where global options go', async () => {
    const { app } = appWithCommand()
    const result = await app.testCliRunner().invoke(['routes', '--app', 'x.ts'])
    expect(result.exitCode).toBe(2)
    expect(result.output).toMatch(/unknown option '--app'/)
    expect(result.output).toMatch(/--app is an option of phial itself: give it before the command, as in phial --app <value> routes/)
  })
})
