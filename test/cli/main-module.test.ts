/**
 * Phial's `if __name__ == "__main__"`: `isMainModule(import.meta.url)` is
 * true when the file is run, false when it is imported or loaded by the
 * `phial` command; and a bare `app.run()` in an app the command loads is
 * ignored (Flask's FLASK_RUN_FROM_CLI) instead of starting a second server.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { isMainModule } from '../../src/index.ts'
import { loadApp } from '../../src/cli/discovery.ts'

const fixture = fileURLToPath(new URL('../fixtures/cli_app/unguarded.ts', import.meta.url))

describe('isMainModule and app.run under the phial command', () => {
  it('is false for an imported module', () => {
    expect(isMainModule(import.meta.url.replace('main-module.test.ts', 'helpers.ts'))).toBe(false)
  })

  it('ignores a bare app.run() while the command loads the app, and leaves no flag behind', async () => {
    const { app } = await loadApp(fixture)
    const module = (await import(fixture)) as { main: boolean; running: { port: number; server: { listening: boolean } } }
    expect(module.main).toBe(false)
    expect(module.running.port).toBe(0)
    expect(module.running.server.listening).toBe(false)
    expect(app.name).toBe('unguarded')
    expect(process.env.PHIAL_RUN_FROM_CLI).toBeUndefined()
  })

  it('is true, and app.run() serves, when the file is run directly', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8', timeout: 30_000 })
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('main true')
  })
})
