/**
 * The shape of the per-rule hook chains that dispatch compiles once and reads
 * on every request (Fastify's per-route context). Only the types live here,
 * below both the app (which holds the table) and dispatch (which builds it).
 */
import type { Rule } from '../routing/index.ts'
import type { Scope } from './scaffold.ts'
import type { AfterRequestHook, AnyView, BeforeRequestHook, TeardownHook, UrlValuePreprocessor } from './types.ts'

/** Everything dispatch needs about one rule (or about unmatched requests); each list is null when empty. */
export interface RouteEntry {
  /** The rule's endpoint, or null for the entry of unmatched requests. */
  readonly endpoint: string | null
  /** The view registered for the endpoint, or null (a rule without a view is a 404). */
  readonly view: AnyView | null
  /** Blueprint names, innermost first. */
  readonly blueprints: readonly string[]
  /** Scopes for error handler lookup: blueprints innermost first, then the app (computed once, not per error). */
  readonly errorScopes: readonly Scope[]
  readonly preprocessors: readonly UrlValuePreprocessor[] | null
  readonly before: readonly BeforeRequestHook[] | null
  readonly after: readonly AfterRequestHook[] | null
  readonly teardown: readonly TeardownHook[] | null
  /** True when the view reads `request.stream` itself: the body is not read before it. */
  readonly streamBody: boolean
  /** True when OPTIONS is answered automatically for this rule. */
  readonly provideAutomaticOptions: boolean
}

/** The compiled table: an entry per rule, and one for requests that matched none. */
export interface RouteTable {
  readonly byRule: Map<Rule, RouteEntry>
  readonly noRoute: RouteEntry
}
