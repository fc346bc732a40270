/**
 * The compiled matcher: a tree of path segments (Werkzeug's state machine).
 * At each segment the static children are tried first, then the dynamic
 * parts in weight order, backtracking when a branch fails.
 *
 * @module
 */
import type { Rule } from './rule.ts'
import { DynamicPart } from './part.ts'
import { compareWeights } from './weight.ts'

/**
 * One state of the matcher.
 *
 * @example
 * ```ts
 * const root = new MatchNode()
 * insertRule(root, rule)
 * ```
 */
export class MatchNode {
  /** Children reached by an exact segment. */
  statics: Map<string, MatchNode> | null = null
  /** Children reached through a dynamic part, in weight order. */
  dynamic: DynamicEdge[] | null = null
  /** Rules that end here, in insertion order. */
  rules: Rule[] | null = null
}

/**
 * A transition through a dynamic part.
 *
 * @example
 * ```ts
 * const edge: DynamicEdge = { part, node: new MatchNode() }
 * ```
 */
export interface DynamicEdge {
  readonly part: DynamicPart
  readonly node: MatchNode
}

/**
 * Adds a bound rule to the tree rooted at `root`.
 *
 * @example
 * ```ts
 * insertRule(root, rule) // rule._parts decide the path through the tree
 * ```
 */
export function insertRule(root: MatchNode, rule: Rule): void {
  let node = root
  for (const part of rule._parts) {
    if (typeof part === 'string') {
      node.statics ??= new Map()
      let next = node.statics.get(part)
      if (next === undefined) {
        next = new MatchNode()
        node.statics.set(part, next)
      }
      node = next
    } else {
      node.dynamic ??= []
      let next: MatchNode | undefined
      for (const edge of node.dynamic) {
        if (edge.part.key === part.key) {
          next = edge.node
          break
        }
      }
      if (next === undefined) {
        next = new MatchNode()
        node.dynamic.push({ part, node: next })
      }
      node = next
    }
  }
  ;(node.rules ??= []).push(rule)
}

/**
 * Sorts every node's dynamic edges by weight (stable: equal weights keep
 * insertion order).
 *
 * @example
 * ```ts
 * sortTree(root)
 * ```
 */
export function sortTree(node: MatchNode): void {
  if (node.dynamic !== null) {
    node.dynamic.sort((a, b) => compareWeights(a.part.weight, b.part.weight))
    for (const edge of node.dynamic) sortTree(edge.node)
  }
  if (node.statics !== null) for (const child of node.statics.values()) sortTree(child)
}

/**
 * The mutable state of one search. A map reuses one instance between calls.
 *
 * @example
 * ```ts
 * const state = new MatchState()
 * state.reset('/u/1', 'GET')
 * if (search(root, 1, state)) state.rule
 * ```
 */
export class MatchState {
  path = ''
  method = ''
  /** Raw texts captured so far, in converter order. */
  values: string[] = []
  /** Methods of rules that matched the path but not the method. */
  allowed: Set<string> | null = null
  /** The matched rule, when the search succeeded with a match. */
  rule: Rule | null = null
  /** Its arguments. */
  args: Record<string, unknown> | null = null
  /** True when the search ended with "add a trailing slash". */
  slash = false
  /** True while a search runs (guards against re-entrant use). */
  busy = false

  /** Prepares for a new search. @example `state.reset('/a', 'GET')` */
  reset(path: string, method: string): void {
    this.path = path
    this.method = method
    this.values.length = 0
    this.allowed = null
    this.rule = null
    this.args = null
    this.slash = false
  }
}

function accepts(rule: Rule, method: string): boolean {
  return rule.methods === null || rule.methods.has(method)
}

/** Tries the rules ending at a node; records methods of those that only miss the method. */
function pickRule(rules: readonly Rule[], state: MatchState, skipStrict: boolean): boolean {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]
    if (skipStrict && rule.strictSlashes) continue
    const args = rule._convert(state.values)
    if (args === null) continue
    if (accepts(rule, state.method)) {
      state.rule = rule
      state.args = args
      return true
    }
    const allowed = (state.allowed ??= new Set())
    for (const m of rule.methods as ReadonlySet<string>) allowed.add(m)
  }
  return false
}

/**
 * Depth-first search from `node` for the segment starting at `pos`
 * (`-1` when no segment is left). Returns true when it found a rule
 * (`state.rule`) or a trailing-slash redirect (`state.slash`).
 *
 * @example
 * ```ts
 * state.reset('/user/7', 'GET')
 * search(root, 1, state) // true, state.rule is the '/user/<int:id>' rule
 * ```
 */
export function search(node: MatchNode, pos: number, state: MatchState): boolean {
  if (pos === -1) {
    if (node.rules !== null && pickRule(node.rules, state, false)) return true
    const slashNode = node.statics === null ? undefined : node.statics.get('')
    if (slashNode !== undefined && slashNode.rules !== null) {
      const rules = slashNode.rules
      for (let i = 0; i < rules.length; i++) {
        const rule = rules[i]
        if (!accepts(rule, state.method)) continue
        const args = rule._convert(state.values)
        if (args === null) continue
        if (rule.strictSlashes) state.slash = true
        else {
          state.rule = rule
          state.args = args
        }
        return true
      }
    }
    return false
  }
  const path = state.path
  const end = path.indexOf('/', pos)
  const segment = end === -1 ? (pos === 0 ? path : path.slice(pos)) : path.slice(pos, end)
  const next = end === -1 ? -1 : end + 1
  if (node.statics !== null) {
    const child = node.statics.get(segment)
    if (child !== undefined && search(child, next, state)) return true
  }
  if (node.dynamic !== null) {
    const values = state.values
    const depth = values.length
    const edges = node.dynamic
    for (let i = 0; i < edges.length; i++) {
      const part = edges[i].part
      let target = segment
      let after = next
      if (part.final) {
        target = end === -1 ? segment : path.slice(pos)
        after = -1
      }
      const r = part.match(target, values)
      if (r === -1) continue
      if (r === 1) after = path.length
      if (search(edges[i].node, after, state)) return true
      values.length = depth
    }
  }
  if (segment === '' && next === -1 && node.rules !== null) {
    return pickRule(node.rules, state, true)
  }
  return false
}
