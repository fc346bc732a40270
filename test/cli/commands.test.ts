/**
 * The `phial` command as a process: routes, custom and blueprint commands,
 * discovery and its errors, env files, the shell.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FIXTURE_APP, FIXTURE_DIR, killAll, runPhial } from './helpers.ts'

const APP = ['--app', FIXTURE_APP]
const temps: string[] = []

afterAll(() => {
  killAll()
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

const lines = (output: string): string[] => output.trimEnd().split('\n')

describe('phial routes', () => {
  it('lists endpoint, methods and rule, sorted by endpoint, static included', async () => {
    const { code, output } = await runPhial([...APP, 'routes'])
    expect(code).toBe(0)
    expect(lines(output)).toEqual([
      'Endpoint         Methods    Rule',
      '---------------  ---------  -----------------------',
      'admin.dashboard  GET        /admin/',
      'index            GET        /',
      'item             GET, POST  /items/<int:id>',
      'pid              GET        /pid',
      'slow             GET        /slow',
      'static           GET        /static/<path:filename>',
      'where            GET        /where',
    ])
  })

  it('sorts by rule and shows HEAD and OPTIONS with --all-methods', async () => {
    const { code, output } = await runPhial([...APP, 'routes', '--sort', 'rule', '--all-methods'])
    expect(code).toBe(0)
    const rows = lines(output).slice(2)
    expect(rows.map((r) => r.split(/\s{2,}/)[2])).toEqual(['/', '/admin/', '/items/<int:id>', '/pid', '/slow', '/static/<path:filename>', '/where'])
    expect(rows[0]).toMatch(/^index\s+GET, HEAD, OPTIONS\s+\/$/)
    expect(rows[2]).toMatch(/^item\s+GET, HEAD, OPTIONS, POST\s+/)
  })

  it('rejects an unknown sort order', async () => {
    const { code, output } = await runPhial([...APP, 'routes', '--sort', 'nope'])
    expect(code).toBe(2)
    expect(output).toMatch(/Allowed choices are endpoint, methods, rule, match/)
  })
})

describe('custom commands', () => {
  it('runs a command with an argument and options in the app context', async () => {
    const { code, output } = await runPhial([...APP, 'greet', 'Ann', '--count', '2', '--shout'])
    expect(code).toBe(0)
    expect(lines(output)).toEqual(['HELLO, ANN! (APP CLI_APP)', 'HELLO, ANN! (APP CLI_APP)'])
  })

  it('runs group, blueprint and top-level blueprint commands', async () => {
    const [group, bp, top] = await Promise.all([
      runPhial([...APP, 'user', 'create', 'bob', '--admin']),
      runPhial([...APP, 'admin', 'purge', '--older-than', '7']),
      runPhial([...APP, 'top-level']),
    ])
    expect(group).toEqual({ code: 0, output: 'created bob (admin)\n' })
    expect(bp).toEqual({ code: 0, output: 'purged entries older than 7 days\n' })
    expect(top).toEqual({ code: 0, output: 'a blueprint command at the top level\n' })
  })

  it('reports usage errors, CliError and crashes with their exit codes', async () => {
    const [missing, fail, crash, unknown] = await Promise.all([
      runPhial([...APP, 'greet']),
      runPhial([...APP, 'fail']),
      runPhial([...APP, 'crash']),
      runPhial([...APP, 'nosuch']),
    ])
    expect(missing.code).toBe(2)
    expect(missing.output).toContain("error: missing required argument 'name'")
    expect(fail).toEqual({ code: 3, output: 'Error: Nothing to do here.\n' })
    expect(crash.code).toBe(1)
    expect(crash.output).toMatch(/^Error: TypeError: unexpected\n\s+at /)
    expect(unknown.code).toBe(2)
    expect(unknown.output).toContain("error: unknown command 'nosuch'")
  })

  it('lists the app and blueprint commands in the help', async () => {
    const { code, output } = await runPhial([...APP, '--help'])
    expect(code).toBe(0)
    for (const name of ['run', 'routes', 'shell', 'serve', 'greet [options] <name>', 'user', 'admin', 'top-level']) expect(output).toContain(`  ${name}`)
    expect(output).toContain("Commands of the 'admin' blueprint.")
  })
})

describe('app discovery', () => {
  it('calls a factory with literal arguments', async () => {
    const { code, output } = await runPhial(['--app', `${FIXTURE_DIR}factory.ts:createApp({"GREETING": "hi there"})`, 'greeting'])
    expect({ code, output }).toEqual({ code: 0, output: 'greeting=hi there\n' })
  })

  it('finds src/app.ts and its createApp without --app', async () => {
    const { code, output } = await runPhial(['routes'], { cwd: join(FIXTURE_DIR, 'default_src') })
    expect(code).toBe(0)
    expect(output).toMatch(/^found\s+GET\s+\/found$/m)
  })

  it('says clearly when there is no app, and exits with 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'phial-noapp-'))
    temps.push(empty)
    const [none, attr] = await Promise.all([
      runPhial(['routes'], { cwd: empty }),
      runPhial(['--app', `${FIXTURE_APP}:nope`, 'routes']),
    ])
    expect(none.code).toBe(2)
    expect(none.output).toContain("Error: Could not locate a Phial application. Use the 'phial --app' option, the 'PHIAL_APP' environment variable")
    expect(attr.code).toBe(2)
    expect(attr.output).toContain("Error: Failed to find attribute 'nope' in")
  })
  it('shows the error of an app that fails while being imported', async () => {
    const broken = await runPhial(['--app', `${FIXTURE_DIR}broken.ts`, 'routes'])
    expect(broken.code).toBe(1)
    expect(broken.output).toMatch(/While importing 'test\/fixtures\/cli_app\/broken.ts', an error was raised:\n\nError: boom at import time/)
  })
})

describe('env files', () => {
  it('loads .phialenv and .env (env wins over --env-file, which wins over .env, which wins over .phialenv)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'phial-env-'))
    temps.push(dir)
    writeFileSync(join(dir, '.phialenv'), `PHIAL_APP=${FIXTURE_APP}\nCLI_A=phialenv\nCLI_B=phialenv\nCLI_C=phialenv\n`)
    writeFileSync(join(dir, '.env'), 'CLI_B=dotenv\nCLI_C=dotenv\nCLI_D=dotenv\n')
    writeFileSync(join(dir, 'extra.env'), 'CLI_C=extra\nCLI_D=extra\n')
    const [defaults, extra, missing] = await Promise.all([
      runPhial(['env', 'CLI_A', 'CLI_B', 'CLI_C', 'CLI_D'], { cwd: dir }),
      runPhial(['--env-file', 'extra.env', 'env', 'CLI_B', 'CLI_C', 'CLI_D'], { cwd: dir, env: { CLI_D: 'real' } }),
      // -e: Node 20 itself reads a `--env-file` even after the script name, and exits 9 when it is missing
      runPhial(['-e', 'missing.env', 'routes'], { cwd: dir }),
    ])
    expect(defaults).toEqual({ code: 0, output: 'CLI_A=phialenv\nCLI_B=dotenv\nCLI_C=dotenv\nCLI_D=dotenv\n' })
    expect(extra).toEqual({ code: 0, output: 'CLI_B=dotenv\nCLI_C=extra\nCLI_D=real\n' })
    expect(missing.code).toBe(2)
    expect(missing.output).toContain("Error: The env file 'missing.env' does not exist")
  })
})

describe('phial shell', () => {
  it('evaluates lines in the app context with app, g and the shell context', async () => {
    const input = ['app.name', 'answer', 'whoami()', 'g.user = "ann"; await Promise.resolve(); g.user', '.exit', ''].join('\n')
    const { code, output } = await runPhial([...APP, 'shell'], { input })
    expect(code).toBe(0)
    expect(output).toContain('App: cli_app')
    expect(output).toContain("'cli_app'")
    expect(output).toContain('42')
    expect(output).toContain("'ann'")
    expect(output).not.toContain('Uncaught')
  })
})
