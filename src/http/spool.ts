/**
 * The temporary files large uploads are spooled to: named
 * `phial-upload-<pid>-<uuid>` so a later process can tell whose they are,
 * tracked until removed, removed synchronously when the process exits (a
 * graceful stop or reload calls `process.exit` right after the last
 * response, before an asynchronous removal would run), and swept at startup
 * when the process that made them is gone.
 *
 * @module
 */
import { randomUUID } from 'node:crypto'
import { rmSync } from 'node:fs'
import { readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Spooled files not removed yet. */
const live = new Set<string>()
/** Removals in progress. */
const removing = new Set<Promise<void>>()
let exitHook = false
let swept = false

const STALE = /^phial-upload-(\d+)-[0-9a-f-]{36}$/

function removeOnExit(): void {
  for (const path of live) {
    try {
      rmSync(path, { force: true })
    } catch {
      /* nothing more to do while exiting */
    }
  }
  live.clear()
}

/**
 * A new spool file path in `dir`, tracked until {@link removeSpooled}. The
 * first call of a process also sweeps `dir` of files left by dead processes.
 *
 * @example
 * ```ts
 * const path = spoolPath(tmpdir()) // '/tmp/phial-upload-4242-9b2e…'
 * ```
 */
export function spoolPath(dir: string): string {
  if (!exitHook) {
    exitHook = true
    process.on('exit', removeOnExit)
  }
  if (!swept) {
    swept = true
    void sweepStaleUploads(dir).catch(() => 0)
  }
  const path = join(dir, `phial-upload-${process.pid}-${randomUUID()}`)
  live.add(path)
  return path
}

/**
 * Removes spooled files (missing ones are fine) and stops tracking them.
 *
 * @example
 * ```ts
 * await removeSpooled([path])
 * ```
 */
export function removeSpooled(paths: readonly string[]): Promise<void> {
  if (paths.length === 0) return Promise.resolve()
  const done: Promise<void> = Promise.allSettled(paths.map((p) => rm(p, { force: true }))).then(() => {
    for (const p of paths) live.delete(p)
    removing.delete(done)
  })
  removing.add(done)
  return done
}

/**
 * Waits for the removals in progress and removes every spooled file still
 * tracked. A server calls it before it exits (the exit hook would do it too,
 * synchronously).
 *
 * @example
 * ```ts
 * await tracker.drain(30_000)
 * await flushSpooledUploads()
 * process.exit(0)
 * ```
 */
export async function flushSpooledUploads(): Promise<void> {
  await Promise.allSettled([...removing])
  await removeSpooled([...live])
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists, it is just not ours
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Removes `phial-upload-<pid>-*` files in `dir` whose process is gone
 * (checked with `process.kill(pid, 0)`); resolves with how many it removed.
 * Files of live processes and files without a pid are left alone.
 *
 * @example
 * ```ts
 * await sweepStaleUploads() // at startup: what a killed worker left behind
 * ```
 */
export async function sweepStaleUploads(dir: string = tmpdir()): Promise<number> {
  let names: string[]
  try {
    names = await readdir(dir)
  } catch {
    return 0
  }
  let removed = 0
  for (const name of names) {
    const m = STALE.exec(name)
    if (m === null) continue
    const pid = Number(m[1])
    if (pid === process.pid || processAlive(pid)) continue
    try {
      await rm(join(dir, name), { force: true })
      removed++
    } catch {
      /* someone else's sweep got it, or it is not ours to remove */
    }
  }
  return removed
}
