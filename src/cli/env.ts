/**
 * Loading `.env` files before the app is imported, as Flask's `load_dotenv`:
 * variables already set win, then `--env-file`, then `.env`, then `.phialenv`.
 */
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parse } from 'dotenv'
import { CliError } from '../core/commands.ts'

/**
 * Options of {@link loadEnvFiles}.
 *
 * @example
 * ```ts
 * loadEnvFiles({ cwd: '/srv/app', envFile: 'prod.env' } satisfies LoadEnvOptions)
 * ```
 */
export interface LoadEnvOptions {
  /** Folder of `.env` and `.phialenv` (default `process.cwd()`). */
  cwd?: string
  /** A file given with `--env-file`: it must exist, and wins over the default files. */
  envFile?: string
  /** Read `.env` and `.phialenv` too (default true; `PHIAL_SKIP_DOTENV=1` turns it off). */
  loadDefaults?: boolean
  /** Where to set the variables (default `process.env`). */
  env?: Record<string, string | undefined>
}

/**
 * Sets the variables of the env files that are not set yet and returns the
 * files read. A missing `--env-file` is a `CliError`.
 *
 * @example
 * ```ts
 * loadEnvFiles({ envFile: 'production.env' }) // ['/srv/app/production.env', '/srv/app/.env']
 * ```
 */
export function loadEnvFiles(options: LoadEnvOptions = {}): string[] {
  const cwd = options.cwd ?? process.cwd()
  const env = options.env ?? process.env
  const files: string[] = []
  if (options.envFile !== undefined) {
    const path = resolve(cwd, options.envFile)
    if (!existsSync(path)) throw new CliError(`The env file '${options.envFile}' does not exist (looked at ${path}).`, 2)
    files.push(path)
  }
  const skip = /^(1|true|yes|on)$/i.test(env.PHIAL_SKIP_DOTENV ?? '')
  if (options.loadDefaults !== false && !skip) {
    for (const name of ['.env', '.phialenv']) {
      const path = resolve(cwd, name)
      if (existsSync(path)) files.push(path)
    }
  }
  for (const path of files) {
    let values: Record<string, string>
    try {
      values = parse(readFileSync(path))
    } catch (err) {
      throw new CliError(`Could not read the env file ${path}: ${(err as Error).message}`, 2)
    }
    for (const [key, value] of Object.entries(values)) {
      if (env[key] === undefined) env[key] = value
    }
  }
  return files
}
