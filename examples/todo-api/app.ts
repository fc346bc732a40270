/**
 * Flask-RESTful's todo example, ported to phial/rest: validated input,
 * filtered output, pagination, problem-details errors, and an OpenAPI 3.1
 * document at /openapi.json with its Swagger UI page at /docs.
 *
 *   npx phial --app examples/todo-api/app.ts run        # http://127.0.0.1:5000/docs
 *   npx phial --app examples/todo-api/app.ts openapi todo-api.json
 */
import { Phial, abort, urlFor } from 'phial'
import { Api, Resource, pageQuery, paginated } from 'phial/rest'
import { z } from 'zod'
import { Todo, TodoInput, TodoPath } from './schemas.ts'

/** The store: Flask-RESTful's `TODOS` dict, one per app. */
export type TodoStore = Map<string, { task: string }>

function initialTodos(): TodoStore {
  return new Map([
    ['todo1', { task: 'build an API' }],
    ['todo2', { task: '?????' }],
    ['todo3', { task: 'profit!' }],
  ])
}

function todoOr404(todos: TodoStore, todoId: string): Todo {
  const todo = todos.get(todoId)
  if (!todo) abort(404, `Todo ${todoId} doesn't exist`)
  return { id: todoId, ...todo }
}

/** Shows a single todo item and lets you replace or delete it. */
class TodoItem extends Resource<'/todos/<todoId>'> {
  constructor(readonly todos: TodoStore) {
    super()
  }

  get = this.validate(
    { path: TodoPath, responses: { 200: Todo, 404: { description: 'No such todo' } }, summary: 'Get a todo' },
    ({ path }) => todoOr404(this.todos, path.todoId),
  )

  put = this.validate(
    { path: TodoPath, body: TodoInput, responses: { 201: Todo }, summary: 'Create or replace a todo' },
    ({ path, body }) => {
      this.todos.set(path.todoId, { task: body.task })
      return [{ id: path.todoId, task: body.task }, 201]
    },
  )

  delete = this.validate(
    { path: TodoPath, responses: { 204: null, 404: { description: 'No such todo' } }, summary: 'Delete a todo' },
    ({ path }) => {
      todoOr404(this.todos, path.todoId)
      this.todos.delete(path.todoId)
      return ['', 204]
    },
  )
}

/** Shows a list of all todos, and lets you POST to add new tasks. */
class TodoList extends Resource {
  constructor(readonly todos: TodoStore) {
    super()
  }

  get = this.validate(
    { query: pageQuery({ defaultPerPage: 20, maxPerPage: 100 }), responses: { 200: z.array(Todo) }, summary: 'List todos' },
    ({ query }) => paginated([...this.todos].map(([id, todo]) => ({ id, ...todo })), query),
  )

  post = this.validate({ body: TodoInput, responses: { 201: Todo }, summary: 'Add a todo' }, ({ body }) => {
    const numbers = [...this.todos.keys()].map((id) => Number(id.slice(4)))
    const id = `todo${Math.max(0, ...numbers) + 1}`
    this.todos.set(id, { task: body.task })
    return [{ id, task: body.task }, 201, { Location: urlFor('todo', { todoId: id }) }]
  })
}

/**
 * The app factory.
 *
 * @example
 * ```ts
 * const app = createApp({ TESTING: true })
 * await app.testClient().get('/todos')
 * ```
 */
export function createApp(config: Record<string, unknown> = {}): Phial {
  const app = new Phial(import.meta.url, { staticFolder: null, templateFolder: null })
  app.config.fromMapping({ API_TITLE: 'Todo API', API_VERSION: '1.0.0', ...config })
  const api = new Api(app, { description: "Flask-RESTful's todo example, validated and documented with phial/rest." })
  const todos = initialTodos()
  api.addResource(TodoList, '/todos', { resourceClassArgs: [todos], tags: ['todos'] })
  api.addResource(TodoItem, '/todos/<todoId>', { endpoint: 'todo', resourceClassArgs: [todos], tags: ['todos'] })
  return app
}

export const app = createApp()
