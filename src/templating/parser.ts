/**
 * Nunjucks' parser with two pieces of Jinja syntax it lacks: slices
 * (`posts[:5]`, `name[0:1]`, `items[::-1]`) and a test's single argument
 * without parentheses (`loop.index is divisibleby 3`, `x is sameas false`).
 *
 * @module
 */
import { lazyBase, nunjucks, type Extension, type EnvironmentOptions, type Lexer, type Node, type NodeClass, type Token } from './nunjucks.ts'

// Nunjucks' node classes and token names, taken on the first parse (see
// nunjucks.ts: Nunjucks loads on first use)
let lexer: Lexer
let LookupVal: NodeClass
let Literal: NodeClass
let FunCall: NodeClass
let NodeList: NodeClass
let Is: NodeClass
let Not: NodeClass
let SymbolNode: NodeClass

/**
 * `target[start:stop:step]`; missing parts are null. Defined on the first
 * parse (a live binding).
 *
 * @example
 * ```ts
 * new Slice(0, 0, target, null, limit, null) // target[:limit]
 * ```
 */
export let Slice: NodeClass

const NOT_ARGUMENTS = new Set(['else', 'or', 'and', 'if', 'is', 'in', 'not'])
/** Tokens that can start a test's bare argument (Jinja's `parse_test`). */
let ARGUMENT_STARTS: Set<unknown>
/** Tokens a test's name can be (`defined`, `none`, `true`). */
let NAME_TOKENS: Set<unknown>

function init(): void {
  if (Slice !== undefined) return
  const { nodes } = nunjucks
  lexer = nunjucks.lexer
  LookupVal = nodes.LookupVal as NodeClass
  Literal = nodes.Literal as NodeClass
  FunCall = nodes.FunCall as NodeClass
  NodeList = nodes.NodeList as NodeClass
  Is = nodes.Is as NodeClass
  Not = nodes.Not as NodeClass
  SymbolNode = nodes.Symbol
  ARGUMENT_STARTS = new Set([
    lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_BOOLEAN, lexer.TOKEN_NONE,
    lexer.TOKEN_SYMBOL, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY,
  ] as unknown[])
  NAME_TOKENS = new Set([lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN] as unknown[])
  Slice = nodes.Node.extend('Slice', { fields: ['target', 'start', 'stop', 'step'] })
}

interface ParserInternals {
  extensions: Extension[]
  peekToken(): Token
  nextToken(): Token
  skip(type: unknown): boolean
  skipSymbol(name: string): boolean
  parseExpression(): Node
  parseCompare(): Node
  parsePrimary(noPostfix?: boolean): Node
  parsePostfix(node: Node): Node
  parseSignature(): Node
  parseAsRoot(): Node
  fail(message: string, lineno?: number, colno?: number): never
}

class JinjaParser extends lazyBase(() => (nunjucks.parser as unknown as { Parser: new (tokens: unknown) => ParserInternals }).Parser) {
  // Nunjucks' postfix loop (calls, `.name`, `[index]`) with slices added.
  override parsePostfix(node: Node): Node {
    let current = node
    for (let tok = this.peekToken(); tok; tok = this.peekToken()) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        current = new FunCall(tok.lineno, tok.colno, current, this.parseSignature())
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        current = this.#subscript(current, tok)
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken()
        const name = this.nextToken()
        if (!name || name.type !== lexer.TOKEN_SYMBOL) this.fail(`expected name as lookup value, got ${name?.value}`, name?.lineno, name?.colno)
        current = new LookupVal(tok.lineno, tok.colno, current, new Literal(name.lineno, name.colno, name.value))
      } else break
    }
    return current
  }

  /** `[expr]` or a slice `[start:stop:step]`. */
  #subscript(target: Node, tok: Token): Node {
    this.nextToken()
    const at = (type: unknown): boolean => this.peekToken()?.type === type
    let start: Node | null = null
    let stop: Node | null = null
    let step: Node | null = null
    let slice = false
    if (!at(lexer.TOKEN_COLON)) start = this.parseExpression()
    if (this.skip(lexer.TOKEN_COLON)) {
      slice = true
      if (!at(lexer.TOKEN_COLON) && !at(lexer.TOKEN_RIGHT_BRACKET)) stop = this.parseExpression()
      if (this.skip(lexer.TOKEN_COLON) && !at(lexer.TOKEN_RIGHT_BRACKET)) step = this.parseExpression()
    }
    if (!this.skip(lexer.TOKEN_RIGHT_BRACKET)) this.fail("expected ']'", tok.lineno, tok.colno)
    if (slice) return new Slice(tok.lineno, tok.colno, target, start, stop, step)
    if (start === null) this.fail('invalid index', tok.lineno, tok.colno)
    return new LookupVal(tok.lineno, tok.colno, target, start)
  }

  // Jinja's `parse_test`: a test name, then `(args)`, or one bare argument.
  parseIs(): Node {
    let node = this.parseCompare()
    if (this.skipSymbol('is')) {
      const not = this.skipSymbol('not')
      const nameTok = this.peekToken()
      let test: Node
      if (nameTok && NAME_TOKENS.has(nameTok.type)) {
        this.nextToken()
        // `is none` is Nunjucks' `null` test (`value === null`)
        const name = nameTok.type === lexer.TOKEN_NONE ? 'null' : nameTok.value
        test = new SymbolNode(nameTok.lineno, nameTok.colno, name)
        const next = this.peekToken()
        if (next && next.type === lexer.TOKEN_LEFT_PAREN) {
          test = new FunCall(next.lineno, next.colno, test, this.parseSignature())
        } else if (next && ARGUMENT_STARTS.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && NOT_ARGUMENTS.has(next.value))) {
          const arg = this.parsePrimary()
          test = new FunCall(test.lineno, test.colno, test, new NodeList(arg.lineno, arg.colno, [arg]))
        }
      } else test = this.parseCompare()
      node = new Is(node.lineno, node.colno, node, test)
      if (not) node = new Not(node.lineno, node.colno, node)
    }
    return node
  }

}

/**
 * Parses template source into an AST, with Jinja's slices and bare test
 * arguments.
 *
 * @example
 * ```ts
 * const ast = parseTemplate('{{ posts[:3]|length }}', [], env.opts)
 * ```
 */
export function parseTemplate(source: string, extensions: Extension[], opts: EnvironmentOptions): Node {
  init()
  const lex = (lexer as unknown as { lex(src: string, opts: EnvironmentOptions): unknown }).lex
  const parser = new JinjaParser(lex(source, opts))
  parser.extensions = extensions
  return parser.parseAsRoot()
}
