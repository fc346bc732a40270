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
  /** Children reached by an exact segment (built by `insertRule`). */
  statics: Map<string, MatchNode> | null = null
  /** The same children as parallel arrays, for a scan without slicing (set by `sortTree`). */
  staticKeys: string[] | null = null
  /** See `staticKeys`. */
  staticNodes: MatchNode[] | null = null
  /** The child for an empty last segment (a trailing slash), or null (set by `sortTree`). */
  slashChild: MatchNode | null = null
  /**
   * For nodes with several static children: an open hash table of indexes
   * (into `staticKeys`, plus one; 0 is empty) by `segmentHash` of the key,
   * whose size is a power of two, so that a lookup needs neither a slice nor
   * V8's string hash: the search computes the hash while it scans for the
   * segment's end. Slots that collide chain through `hashNext`.
   */
  hashTable: Int32Array | null = null
  /** The next index (plus one) in the same slot of `hashTable`, by index; 0 ends the chain. */
  hashNext: Int32Array | null = null
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
 * insertRule(domains, rule, rule._domainPart) // under the domain's state first
 * ```
 */
export function insertRule(root: MatchNode, rule: Rule, domainPart?: string | DynamicPart): void {
  let node = root
  const parts = domainPart === undefined ? rule._parts : [domainPart, ...rule._parts]
  for (const part of parts) {
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

/** Above this many static children a node looks segments up in its hash table. */
const SCAN_LIMIT = 2

/**
 * Finishes a tree after all rules are inserted: sorts every node's dynamic
 * edges by weight (stable: equal weights keep insertion order) and prepares
 * the static lookups.
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
  if (node.statics !== null) {
    node.staticKeys = [...node.statics.keys()]
    node.staticNodes = [...node.statics.values()]
    node.slashChild = node.statics.get('') ?? null
    node.hashTable = null
    node.hashNext = null
    const keys = node.staticKeys
    if (keys.length > SCAN_LIMIT) {
      let size = 4
      while (size < keys.length * 2) size *= 2
      const table = new Int32Array(size)
      const next = new Int32Array(keys.length)
      // inserted last to first, so that a chain lists the keys in insertion order
      for (let i = keys.length - 1; i >= 0; i--) {
        const slot = segmentHash(keys[i], 0, keys[i].length) & (size - 1)
        next[i] = table[slot]
        table[slot] = i + 1
      }
      node.hashTable = table
      node.hashNext = next
    }
    for (const child of node.staticNodes) sortTree(child)
  }
}

/** The hash of `text[pos, end)` that `search` computes while it scans a segment (keep the two in step). */
export function segmentHash(text: string, pos: number, end: number): number {
  let h = 0
  for (let i = pos; i < end; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0
  return h
}

function sameText(key: string, path: string, pos: number, length: number): boolean {
  if (key.length !== length) return false
  // a manual compare beats startsWith for short segments
  for (let j = 0; j < length; j++) if (key.charCodeAt(j) !== path.charCodeAt(pos + j)) return false
  return true
}

/** The static child for the segment `path[pos, pos + length)` (whose `segmentHash` is `hash`), found without slicing. */
function staticChild(node: MatchNode, path: string, pos: number, length: number, hash: number): MatchNode | undefined {
  const keys = node.staticKeys as string[]
  const nodes = node.staticNodes as MatchNode[]
  const table = node.hashTable
  if (table !== null) {
    const next = node.hashNext as Int32Array
    for (let i = table[hash & (table.length - 1)]; i !== 0; i = next[i - 1]) {
      if (sameText(keys[i - 1], path, pos, length)) return nodes[i - 1]
    }
    return undefined
  }
  for (let i = 0; i < keys.length; i++) if (sameText(keys[i], path, pos, length)) return nodes[i]
  return undefined
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
  /** Raw texts captured so far, in converter order (the first `count` are valid). */
  values: string[] = ['', '', '', '', '', '', '', '']
  /** How many entries of `values` are valid. */
  count = 0
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
    this.count = 0
    this.allowed = null
    this.rule = null
    this.args = null
    this.slash = false
  }
}

function accepts(rule: Rule, method: string): boolean {
  const methods = rule.methods
  if (methods === null) return true
  return method === 'GET' ? rule._acceptsGet : methods.has(method)
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
    const slashNode = node.slashChild
    if (slashNode !== null && slashNode.rules !== null) {
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
  const length = path.length
  // a short manual scan beats indexOf here (segments are short); it computes segmentHash on the way
  let segmentEnd = pos
  let hash = 0
  while (segmentEnd < length) {
    const c = path.charCodeAt(segmentEnd)
    if (c === 47) break
    hash = (Math.imul(hash, 31) + c) | 0
    segmentEnd++
  }
  const end = segmentEnd === length ? -1 : segmentEnd
  const next = end === -1 ? -1 : end + 1
  if (node.staticKeys !== null) {
    const child = staticChild(node, path, pos, segmentEnd - pos, hash)
    if (child !== undefined && search(child, next, state)) return true
  }
  if (node.dynamic !== null) {
    const depth = state.count
    const edges = node.dynamic
    const segment = path.slice(pos, segmentEnd)
    for (let i = 0; i < edges.length; i++) {
      const part = edges[i].part
      let target = segment
      let after = next
      if (part.final) {
        target = end === -1 ? segment : path.slice(pos)
        after = -1
      }
      const r = part.match(target, state)
      if (r === -1) continue
      if (r === 1) after = path.length
      if (search(edges[i].node, after, state)) return true
      state.count = depth
    }
  }
  if (pos === length && node.rules !== null) {
    return pickRule(node.rules, state, true)
  }
  return false
}

/**
 * The rules of exact paths (rules without converters on the default
 * domain). A request's path is a fresh string, and the Map's lookup first
 * hashes all of it (a runtime call in V8): a filter by the path's length and
 * last character turns most paths of dynamic rules away before that.
 *
 * @example
 * ```ts
 * const paths = new StaticPaths(new Map([['/about', [rule]]]))
 * paths.get('/about') // [rule]
 * ```
 */
export class StaticPaths {
  private readonly byPath: ReadonlyMap<string, Rule[]>
  /** 1 at `filterIndex` of each exact path. */
  private readonly filter = new Uint8Array(1024)

  /** @param byPath the rules of each exact path, in match order */
  constructor(byPath: ReadonlyMap<string, Rule[]>) {
    this.byPath = byPath
    for (const path of byPath.keys()) this.filter[filterIndex(path)] = 1
  }

  /** The rules whose exact path is `path`, or undefined. */
  get(path: string): Rule[] | undefined {
    if (this.filter[filterIndex(path)] === 0) return undefined
    return this.byPath.get(path)
  }
}

function filterIndex(path: string): number {
  const n = path.length
  return n === 0 ? 0 : ((n & 31) << 5) | (path.charCodeAt(n - 1) & 31)
}
