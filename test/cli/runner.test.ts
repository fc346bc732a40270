/**
 * `app.testCliRunner()`, the command registry and its inferred types, and
 * the small pure parts of the CLI (spec parsing, argv scan, back-off).
 */
import { tmpdir } from 'node:os'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { CliError, Phial, currentApp, g } from '../../src/index.ts'
import { testCliRunner } from '../../src/cli/runner.ts'
import { scanGlobalOptions } from '../../src/cli/argv.ts'
import { findApp, locateAppFile, parseAppSpec } from '../../src/cli/discovery.ts'
import * as emptyModule from '../fixtures/cli_app/empty.ts'
import * as factoryModule from '../fixtures/cli_app/factory.ts'
import * as twoAppsModule from '../fixtures/cli_app/two_apps.ts'
import { isWatchedFile } from '../../src/cli/watch.ts'
import { RestartBackoff } from '../../src/server/production/backoff.ts'
import { app } from '../fixtures/cli_app/app.ts'

describe('testCliRunner().invoke()', () => {
  const runner = app.testCliRunner()

  it('runs a command with an argument and options and captures console.log', async () => {
    const result = await runner.invoke(['greet', 'Ann', '-c', '2'])
    expect(result).toEqual({
      exitCode: 0,
      output: 'Hello, Ann! (app cli_app)\nHello, Ann! (app cli_app)\n',
      stdout: 'Hello, Ann! (app cli_app)\nHello, Ann! (app cli_app)\n',
      stderr: '',
      exception: null,
    })
  })

  it('captures process.stdout.write and stderr from group and blueprint commands', async () => {
    expect((await runner.invoke(['user', 'create', 'zoe'])).output).toBe('created zoe\n')
    const purge = await runner.invoke(['admin', 'purge'])
    expect(purge).toMatchObject({ exitCode: 0, stdout: '', stderr: 'purged\n', output: 'purged\n' })
    expect((await runner.invoke(['top-level'])).output).toBe('a blueprint command at the top level\n')
  })

  it('gives exit codes for usage errors, CliError and crashes', async () => {
    const usage = await runner.invoke(['greet'])
    expect(usage.exitCode).toBe(2)
    expect(usage.stderr).toContain("missing required argument 'name'")
    expect(await runner.invoke(['fail'])).toMatchObject({ exitCode: 3, output: 'Error: Nothing to do here.\n', exception: null })
    const crash = await runner.invoke(['crash'])
    expect(crash.exitCode).toBe(1)
    expect(crash.exception).toBeInstanceOf(TypeError)
    expect(crash.output).toMatch(/^Error: TypeError: unexpected/)
  })

  it('includes routes and the help, sets env for the call only, and restores stdout', async () => {
    const routes = await runner.invoke(['routes', '--sort', 'rule'])
    expect(routes.exitCode).toBe(0)
    expect(routes.output.split('\n')[2]).toMatch(/^index\s+GET\s+\/$/)
    const help = await runner.invoke(['--help'])
    expect(help.exitCode).toBe(0)
    expect(help.output).toContain('greet [options] <name>')
    const write = process.stdout.write
    expect((await runner.invoke(['env', 'CLI_RUNNER_X'], { env: { CLI_RUNNER_X: 'set' } })).output).toBe('CLI_RUNNER_X=set\n')
    expect(process.env.CLI_RUNNER_X).toBeUndefined()
    expect(process.stdout.write).toBe(write)
  })
})

describe('app.cli', () => {
  it('infers args and opts from the specs, and commander fills them in', async () => {
    const local = new Phial(import.meta.url, { name: 'typed' })
    const seen: unknown[] = []
    local.cli.command(
      'typed',
      {
        arguments: [{ name: 'user-name' }, { name: 'n', parse: Number, required: false }],
        options: [
          { flags: '--dry-run' },
          { flags: '-c, --count <n>', parse: Number, default: 1 },
          { flags: '--tag <tags...>' },
          { flags: '--no-color' },
          { flags: '--name <name>' },
        ],
      },
      (args, opts) => {
        expectTypeOf(args).toEqualTypeOf<{ userName: string; n: number | undefined }>()
        expectTypeOf(opts).toEqualTypeOf<{ dryRun: boolean; count: number; tag: string[] | undefined; color: boolean; name: string | undefined }>()
        seen.push(args, opts, currentApp.name)
        g.ran = true
      },
    )
    const result = await testCliRunner(local).invoke(['typed', 'alice', '--no-color', '--tag', 'a', 'b'])
    expect(result.exitCode, result.output).toBe(0)
    expect(seen).toEqual([{ userName: 'alice', n: undefined }, { dryRun: false, count: 1, color: false, tag: ['a', 'b'] }, 'typed'])
  })

  it('runs commands in the app context and tears it down', async () => {
    const local = new Phial(import.meta.url, { name: 'ctx' })
    const events: string[] = []
    local.teardownAppContext(() => void events.push('teardown'))
    local.cli.command('ctx', async () => {
      await Promise.resolve()
      events.push(`run in ${currentApp.name}`)
    })
    local.cli.command('bare', { withAppContext: false }, () => void events.push('bare'))
    await local.testCliRunner().invoke(['ctx'])
    await local.testCliRunner().invoke(['bare'])
    expect(events).toEqual(['run in ctx', 'teardown', 'bare'])
  })

  it('refuses bad names and argument orders, and hides app commands named like built-ins', async () => {
    const local = new Phial(import.meta.url, { name: 'bad' })
    expect(() => local.cli.command('has space', () => {})).toThrow(/not a valid command name/)
    expect(() => local.cli.command('x', { arguments: [{ name: 'a', variadic: true }, { name: 'b' }] }, () => {})).toThrow(/only the last argument may be variadic/)
    expect(() => local.cli.command('y', { arguments: [{ name: 'a', required: false }, { name: 'b' }] }, () => {})).toThrow(/follows an optional one/)
    local.cli.command('routes', () => console.log('mine'))
    const result = await local.testCliRunner().invoke(['routes'])
    expect(result.output).toContain("Warning: the app's command 'routes' is hidden by the built-in command of that name.")
    expect(result.output).not.toContain('mine')
  })

  it('recognises a CliError from another copy of Phial', () => {
    const foreign = Object.assign(new Error('x'), { exitCode: 4, [Symbol.for('phial.cli-error')]: true })
    expect(foreign).toBeInstanceOf(CliError)
    expect(new Error('plain')).not.toBeInstanceOf(CliError)
  })
})

describe('CLI helpers', () => {
  it('parses app specs with literal factory arguments', () => {
    expect(parseAppSpec('app.ts')).toEqual({ path: 'app.ts', name: null, args: null })
    expect(parseAppSpec('src/app.ts:app')).toEqual({ path: 'src/app.ts', name: 'app', args: null })
    expect(parseAppSpec('app.ts:createApp()')).toEqual({ path: 'app.ts', name: 'createApp', args: [] })
    expect(parseAppSpec('app.ts:createApp({"DEBUG": true, "URL": "a:b"}, 2)')).toEqual({
      path: 'app.ts',
      name: 'createApp',
      args: [{ DEBUG: true, URL: 'a:b' }, 2],
    })
    expect(() => parseAppSpec("app.ts:createApp({DEBUG: true})")).toThrow(/Failed to parse the arguments of 'createApp' as literal values/)
  })

  it('locates app files and says clearly what is missing', () => {
    const dir = new URL('../fixtures/cli_app/', import.meta.url).pathname
    expect(locateAppFile('app', dir).file).toBe(`${dir}app.ts`)
    expect(locateAppFile(undefined, `${dir}default_src`).file).toBe(`${dir}default_src/src/app.ts`)
    expect(() => locateAppFile('nope.ts', dir)).toThrow(`Could not find the app file 'nope.ts' (looked for ${dir}nope.ts).`)
    expect(() => locateAppFile(undefined, tmpdir())).toThrow(/^Could not locate a Phial application/)
  })

  it('finds the app or factory in a module, or explains why not', async () => {
    const spec = (name: string | null = null, args: unknown[] | null = null) => ({ path: 'm.ts', name, args })
    expect((await findApp({ ...factoryModule }, spec())).name).toBe('factory_app')
    const made = await findApp({ ...factoryModule }, spec('createApp', [{ GREETING: 'yo' }]))
    expect(made.config.GREETING).toBe('yo')
    expect((await findApp({ ...twoAppsModule }, spec('second'))).name).toBe('second')
    await expect(findApp({ ...emptyModule }, spec(), 'empty.ts')).rejects.toThrow(
      "Failed to find a Phial application or factory in 'empty.ts'. Export an 'app' (new Phial(...)) or a 'createApp' factory, or name one with '--app empty.ts:name'.",
    )
    await expect(findApp({ ...twoAppsModule }, spec(), 'two.ts')).rejects.toThrow(
      "Detected multiple Phial applications in 'two.ts' ('first', 'second'). Use '--app two.ts:name' to pick the right one.",
    )
    await expect(findApp({ ...factoryModule }, spec('createBroken', []), 'f.ts')).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringContaining("The factory 'createBroken' in 'f.ts' raised an error: Error: the database is down"),
    })
    await expect(findApp({ make: () => 42 }, spec('make', [1]), 'f.ts')).rejects.toThrow("A valid Phial application was not obtained from 'f.ts:make(1)'.")
    await expect(findApp({ ...twoAppsModule }, spec('first', []), 't.ts')).rejects.toThrow("'first' in 't.ts' is an app, not a factory")
  })

  it('scans the global options before the command', () => {
    expect(scanGlobalOptions(['--app=x.ts', '-e', 'prod.env', 'user', 'create', '--app', 'ignored'])).toEqual({
      app: 'x.ts',
      envFile: 'prod.env',
      command: 'user',
      passOn: ['--app', 'x.ts', '-e', 'prod.env'],
    })
    expect(scanGlobalOptions(['--help'])).toEqual({ passOn: [] })
  })

  it('backs off while workers die young', () => {
    const backoff = new RestartBackoff({ base: 100, max: 1000, stableAfter: 10_000 })
    expect([50, 50, 50, 50, 50].map((t) => backoff.next(t))).toEqual([100, 200, 400, 800, 1000])
    expect(backoff.next(60_000)).toBe(0)
    expect(backoff.next(10)).toBe(100)
  })

  it('watches sources and templates, not editor files', () => {
    expect(['/a/app.ts', '/a/t/index.html', '/a/.env', '/a/x.njk', '/a/c.json'].every(isWatchedFile)).toBe(true)
    expect(['/a/.app.ts.swp', '/a/app.ts~', '/a/db.sqlite', '/a/.#app.ts'].some(isWatchedFile)).toBe(false)
  })
})
