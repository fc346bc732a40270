/**
 * Flask-Smorest's `Blueprint`: a core blueprint that also holds resources,
 * registered into an `Api` with `api.registerBlueprint(blp)` — several of
 * them, each with its URL prefix and OpenAPI tag, in one document.
 */
import { Blueprint as CoreBlueprint, type BlueprintOptions as CoreBlueprintOptions } from 'phial'
import type { Resource } from './resource.ts'
import type { SecurityRequirements } from './security.ts'

/**
 * Options of a {@link Blueprint}: the core blueprint's, and what its
 * operations document.
 *
 * @example
 * ```ts
 * const options: BlueprintOptions = { urlPrefix: '/pets', description: 'Operations on pets', security: [{ jwt: [] }] }
 * ```
 */
export interface BlueprintOptions extends CoreBlueprintOptions {
  /** The description of its tag in the document (Flask-Smorest's `description`). */
  description?: string
  /** The tags of its operations (default: the blueprint's name); an operation's own `tags` win. */
  tags?: readonly string[]
  /** The security of its operations that declare none (an operation's `security`, `[]` included, wins). */
  security?: SecurityRequirements
}

/**
 * Options of {@link Blueprint.addResource} and `Api.addResource` (the last
 * argument, after the URLs).
 *
 * @example
 * ```ts
 * api.addResource(TodoItem, '/todos/<int:todoId>', { endpoint: 'todo', tags: ['todos'] })
 * ```
 */
export interface AddResourceOptions {
  /** The endpoint (default: the class name, lower-cased, as Flask-RESTful). */
  endpoint?: string
  /** Arguments for the resource's constructor (Flask-RESTful's `resource_class_args`). */
  resourceClassArgs?: readonly unknown[]
  /** OpenAPI tags of its operations (default: the blueprint's tags or name, else the class name). */
  tags?: readonly string[]
  /** The security of its operations that declare none. */
  security?: SecurityRequirements
  strictSlashes?: boolean
  defaults?: Record<string, unknown>
}

/** A resource class, as `addResource` takes it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResourceClass = (abstract new (...args: any[]) => Resource<any>) & Omit<typeof Resource, 'prototype'>

/** One resource added to a blueprint, waiting for the Api that makes its views. */
export interface PendingResource {
  readonly resource: ResourceClass
  readonly urls: readonly string[]
  readonly options: AddResourceOptions
}

/** Splits `addResource`'s arguments: the URLs, then optionally the options. */
export function resourceArguments(resource: ResourceClass, urlsAndOptions: Array<string | AddResourceOptions>): PendingResource {
  const args = [...urlsAndOptions]
  const last = args[args.length - 1]
  const options: AddResourceOptions = typeof last === 'object' && last !== null ? (args.pop() as AddResourceOptions) : {}
  const urls = args as string[]
  if (urls.length === 0) throw new TypeError(`addResource(${resource.name}): give at least one URL.`)
  return { resource, urls, options }
}

/**
 * Flask-Smorest's `Blueprint`: resources grouped under a name (their
 * endpoints are `name.endpoint`), a URL prefix and an OpenAPI tag, made
 * into views by the `Api` it is registered into
 * (`api.registerBlueprint(blp)`), which documents them in its one OpenAPI
 * document and answers their errors in its format. It is a core blueprint
 * too: its own view functions, hooks and error handlers work as usual.
 *
 * @example
 * ```ts
 * import { Api, Blueprint, Resource } from 'phial/rest'
 * const pets = new Blueprint('pets', { urlPrefix: '/pets', description: 'Operations on pets' })
 * pets.addResource(PetList, '/')
 * pets.addResource(PetItem, '/<int:petId>')
 *
 * const api = new Api(app, { prefix: '/api', title: 'Pet store', version: '1' })
 * api.registerBlueprint(pets)          // GET /api/pets/, tagged 'pets', in /api/openapi.json
 * ```
 */
export class Blueprint extends CoreBlueprint {
  /** The description of its tag. */
  readonly description: string | undefined
  /** The tags of its operations. */
  readonly tags: readonly string[]
  /** The security of its operations that declare none. */
  readonly security: SecurityRequirements | undefined
  /** Its resources, in the order added. */
  readonly resources: PendingResource[] = []
  #added: ((pending: PendingResource) => void) | null = null

  /**
   * @example
   * ```ts
   * const users = new Blueprint('users', { urlPrefix: '/users', tags: ['User and Authentication'] })
   * ```
   */
  constructor(name: string, options?: BlueprintOptions)
  constructor(name: string, importName: string, options?: BlueprintOptions)
  constructor(name: string, importNameOrOptions?: string | BlueprintOptions, maybeOptions?: BlueprintOptions) {
    const options = (typeof importNameOrOptions === 'object' ? importNameOrOptions : maybeOptions) ?? {}
    if (typeof importNameOrOptions === 'string') super(name, importNameOrOptions, options)
    else super(name, options)
    this.description = options.description
    this.tags = [...(options.tags ?? [name])]
    this.security = options.security
  }

  /**
   * Adds a resource at one or more URLs (relative to the blueprint's
   * prefix), made into a view by the Api the blueprint is registered into.
   *
   * @example
   * ```ts
   * pets.addResource(PetItem, '/<int:petId>', { endpoint: 'pet' })
   * ```
   */
  addResource(resource: ResourceClass, ...urlsAndOptions: Array<string | AddResourceOptions>): void {
    const pending = resourceArguments(resource, urlsAndOptions)
    this.resources.push(pending)
    this.#added?.(pending)
  }

  /**
   * The decorator form of {@link addResource} (Flask-Smorest's
   * `@blp.route('/')` on a view class; `route` stays the core's, for view
   * functions).
   *
   * @example
   * ```ts
   * pets.resource('/')(class PetList extends Resource { get() { return [] } })
   * ```
   */
  resource(...urlsAndOptions: Array<string | AddResourceOptions>): <C extends ResourceClass>(resource: C, context?: unknown) => C {
    return (resource) => {
      this.addResource(resource, ...urlsAndOptions)
      return resource
    }
  }

  /**
   * Called by the Api that takes the blueprint: it makes the views of the
   * resources added so far and of those added later. One Api per blueprint.
   *
   * @example
   * ```ts
   * blp.attach((pending) => makeViews(pending))   // what api.registerBlueprint(blp) does
   * ```
   */
  attach(added: (pending: PendingResource) => void): void {
    if (this.#added !== null) throw new Error(`The blueprint '${this.name}' is already registered into an Api.`)
    this.#added = added
    for (const pending of this.resources) added(pending)
  }
}
