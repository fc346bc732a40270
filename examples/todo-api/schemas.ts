/**
 * The todo API's schemas (zod 4): what clients send, what they get back.
 */
import { z } from 'zod'

/** What a client sends to create or replace a todo (Flask-RESTful's `parser.add_argument('task')`, now required and bounded). */
export const TodoInput = z.strictObject({
  task: z.string().trim().min(1).max(200).meta({ description: 'What to do.', examples: ['build an API'] }),
})

/** A todo as clients see it. */
export const Todo = z
  .object({
    id: z.string().meta({ description: 'The todo id, e.g. todo3.' }),
    task: z.string(),
  })
  .meta({ id: 'Todo', description: 'A thing to do.' })

/** The path of one todo: `todo` and a number. */
export const TodoPath = z.object({ todoId: z.string().regex(/^todo\d+$/).meta({ description: 'A todo id: todo1, todo2, ...' }) })

export type TodoInput = z.infer<typeof TodoInput>
export type Todo = z.infer<typeof Todo>
