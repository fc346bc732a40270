/**
 * What every benchmark server shares: the environment it is started with,
 * the 100-route table, the Fortunes rows and the in-process loop. Each
 * server file stays small and idiomatic for its framework; only data lives
 * here.
 */
import { join, resolve } from 'node:path'

/** The port to listen on (`PORT`, default 3000). */
export const PORT = Number(process.env.PORT ?? 3000)

/** Extra routes to register (`BENCH_ROUTES`, the startup scenario uses 500). */
export const EXTRA_ROUTES = Number(process.env.BENCH_ROUTES ?? 0)

/**
 * `BENCH_LOG=1`: the minimal tier's logging-on run. Each server then logs one
 * access line per request (two for Fastify's `logger: true`) on stdout, which
 * bench/run.ts sends to the same destination for every server.
 */
export const LOGGING = process.env.BENCH_LOG === '1'

/** `listen` (default) or `inprocess` (the test-client scenario). */
export const MODE = process.env.BENCH_MODE ?? 'listen'

/** The generated fixtures (static files); set by bench/run.ts. */
export const FIXTURES = process.env.BENCH_FIXTURES ?? resolve('bench/.fixtures')

/** The static folder served under `/static/`. */
export const STATIC_DIR = join(FIXTURES, 'static')

/** The template folder holding `fortunes.html` (same file for Nunjucks and Jinja). */
export const TEMPLATE_DIR = process.env.BENCH_TEMPLATES ?? resolve('bench/templates')

/** The session secret (every framework signs its session cookie). */
export const SECRET = 'bench-secret-key-0123456789abcdef'

/** The plaintext body. */
export const HELLO = 'Hello, World!'

/**
 * The 100-route table: GitHub-API-like routes, `:name` for a parameter.
 * Servers translate the syntax to their own (`<name>` for Phial and Flask).
 */
export const GITHUB_ROUTES: readonly string[] = [
  '/authorizations', '/authorizations/:id', '/applications/:client_id/tokens/:access_token',
  '/events', '/repos/:owner/:repo/events', '/networks/:owner/:repo/events', '/orgs/:org/events',
  '/users/:user/received_events', '/users/:user/received_events/public', '/users/:user/events',
  '/users/:user/events/public', '/users/:user/events/orgs/:org', '/feeds', '/notifications',
  '/repos/:owner/:repo/notifications', '/notifications/threads/:id',
  '/notifications/threads/:id/subscription', '/repos/:owner/:repo/stargazers', '/users/:user/starred',
  '/user/starred', '/user/starred/:owner/:repo', '/repos/:owner/:repo/subscribers',
  '/users/:user/subscriptions', '/user/subscriptions', '/repos/:owner/:repo/subscription',
  '/user/subscriptions/:owner/:repo', '/users/:user/gists', '/gists', '/gists/:id', '/gists/:id/star',
  '/repos/:owner/:repo/git/blobs/:sha', '/repos/:owner/:repo/git/commits/:sha',
  '/repos/:owner/:repo/git/refs', '/repos/:owner/:repo/git/tags/:sha', '/repos/:owner/:repo/git/trees/:sha',
  '/issues', '/user/issues', '/orgs/:org/issues', '/repos/:owner/:repo/issues',
  '/repos/:owner/:repo/issues/:number', '/repos/:owner/:repo/assignees', '/repos/:owner/:repo/assignees/:assignee',
  '/repos/:owner/:repo/issues/:number/comments', '/repos/:owner/:repo/issues/:number/events',
  '/repos/:owner/:repo/labels', '/repos/:owner/:repo/labels/:name', '/repos/:owner/:repo/issues/:number/labels',
  '/repos/:owner/:repo/milestones/:number/labels', '/repos/:owner/:repo/milestones',
  '/repos/:owner/:repo/milestones/:number', '/emojis', '/gitignore/templates', '/gitignore/templates/:name',
  '/meta', '/rate_limit', '/users/:user/orgs', '/user/orgs', '/orgs/:org', '/orgs/:org/members',
  '/orgs/:org/members/:user', '/orgs/:org/public_members', '/orgs/:org/public_members/:user',
  '/orgs/:org/teams', '/teams/:id', '/teams/:id/members', '/teams/:id/members/:user', '/teams/:id/repos',
  '/teams/:id/repos/:owner/:repo', '/user/teams', '/repos/:owner/:repo/pulls', '/repos/:owner/:repo/pulls/:number',
  '/repos/:owner/:repo/pulls/:number/commits', '/repos/:owner/:repo/pulls/:number/files',
  '/repos/:owner/:repo/pulls/:number/merge', '/repos/:owner/:repo/pulls/:number/comments',
  '/user/repos', '/users/:user/repos', '/orgs/:org/repos', '/repositories', '/repos/:owner/:repo',
  '/repos/:owner/:repo/contributors', '/repos/:owner/:repo/languages', '/repos/:owner/:repo/teams',
  '/repos/:owner/:repo/tags', '/repos/:owner/:repo/branches', '/repos/:owner/:repo/branches/:branch',
  '/repos/:owner/:repo/collaborators', '/repos/:owner/:repo/collaborators/:user',
  '/repos/:owner/:repo/comments', '/repos/:owner/:repo/commits/:sha/comments', '/repos/:owner/:repo/commits',
  '/repos/:owner/:repo/commits/:sha', '/repos/:owner/:repo/readme', '/repos/:owner/:repo/keys',
  '/repos/:owner/:repo/keys/:id', '/repos/:owner/:repo/downloads', '/repos/:owner/:repo/downloads/:id',
  '/repos/:owner/:repo/forks', '/repos/:owner/:repo/hooks', '/repos/:owner/:repo/hooks/:id',
]

/** The paths the `routes100` scenario cycles through (static and deep routes). */
export const GITHUB_PATHS: readonly string[] = [
  '/user/repos',
  '/repos/julienschmidt/httprouter/stargazers',
  '/repos/phial/phial/issues/123/comments',
  '/users/octocat/events/orgs/github',
  '/repos/phial/phial/pulls/42/files',
  '/teams/7/repos/phial/phial',
  '/gitignore/templates/Node',
  '/rate_limit',
  '/repos/phial/phial/git/trees/abc123',
  '/repos/phial/phial/hooks/9',
]

/** The extra routes of the startup app: the table 5 times over under `/v1` … `/v5`, and more if asked. */
export function extraRoutes(count = EXTRA_ROUTES): string[] {
  const out: string[] = []
  for (let i = 0; out.length < count; i++) {
    const route = GITHUB_ROUTES[i % GITHUB_ROUTES.length]!
    out.push(`/v${Math.floor(i / GITHUB_ROUTES.length) + 1}${route}`)
  }
  return out
}

/** A `:name` route in Werkzeug syntax (`<name>`). */
export function toWerkzeug(route: string): string {
  return route.replace(/:(\w+)/g, '<$1>')
}

/** One Fortunes row. */
export interface Fortune {
  id: number
  message: string
}

/** 100 rows, many with characters that must be escaped; sorted by message, as the page shows them. */
export const FORTUNES: readonly Fortune[] = (() => {
  const samples = [
    'fortune: No such file or directory',
    "A computer scientist is someone who fixes things that aren't broken.",
    'After enough decimal places, nobody gives a damn.',
    'A bad random number generator: 1, 1, 1, 1, 1, 4.33e+67, 1, 1, 1',
    '<script>alert("This should not be displayed in a browser alert box.");</script>',
    'フレームワークのベンチマーク',
    'Any program that runs right is obsolete.',
    'A list is only as strong as its weakest link. — Donald Knuth',
    'Feature: A bug with seniority & "tenure".',
    "Emacs is a nice operating system, but I prefer <UNIX> & 'vi'.",
  ]
  const rows: Fortune[] = []
  for (let i = 0; i < 100; i++) rows.push({ id: i + 1, message: `${samples[i % samples.length]} #${i + 1}` })
  return rows.sort((a, b) => (a.message < b.message ? -1 : a.message > b.message ? 1 : 0))
})()

/** The JSON body of the 1 MB POST reduces to this answer. */
export function summarize(items: unknown): { count: number } {
  return { count: Array.isArray(items) ? items.length : -1 }
}

/**
 * The test-client scenario: calls `once` back to back for `BENCH_DURATION`
 * seconds (after `BENCH_WARMUP` seconds of warm-up, at most 5 million calls)
 * and prints one line of JSON with the rate.
 */
export async function inProcessLoop(once: () => Promise<void>): Promise<void> {
  const duration = Number(process.env.BENCH_DURATION ?? 3) * 1000
  const warmup = Number(process.env.BENCH_WARMUP ?? 1) * 1000
  const run = async (ms: number): Promise<{ count: number; ms: number }> => {
    const start = performance.now()
    let count = 0
    while (count < 5_000_000) {
      for (let i = 0; i < 64; i++) await once()
      count += 64
      if (performance.now() - start >= ms) break
    }
    return { count, ms: performance.now() - start }
  }
  await run(warmup)
  const { count, ms } = await run(duration)
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ requests: count, seconds: ms / 1000, rps: (count * 1000) / ms })}\n`)
}

// exit cleanly on SIGTERM so that `node --cpu-prof` writes its profile (bench/profile.ts)
process.once('SIGTERM', () => process.exit(0))
