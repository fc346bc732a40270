/**
 * The blog's tables as models (Flaskr's schema.sql, declared once): users and
 * their posts. `User` and `Post` are both the model and the row type. A user
 * whose `role` is 'admin' may delete anyone's post; one with an `email` is
 * told of new posts.
 */
import { column, manyToOne, oneToMany, type Row } from 'phial/sql'
import { db } from './db.ts'

export const User = db.defineModel('User', {
  id: column.id(),
  username: column.string({ length: 150, unique: true }),
  password: column.text(),
  // null, or 'admin' (phial/principal's role): `phial --app examples/blog/app.ts promote NAME`
  role: column.string({ length: 20, nullable: true }),
  // optional: who gave an address gets an e-mail when another user posts (notify.ts)
  email: column.string({ length: 254, nullable: true }),
}, { relations: { posts: oneToMany('Post', { inverse: 'author' }) } })
export type User = Row<typeof User>

export const Post = db.defineModel('Post', {
  id: column.id(),
  authorId: column.integer({ name: 'author_id' }),
  created: column.createdAt(),
  title: column.string({ length: 200 }),
  body: column.text(),
}, {
  relations: { author: manyToOne('User', { column: 'authorId', inverse: 'posts', onDelete: 'CASCADE' }) },
  indexes: [{ columns: ['created'] }],
})
export type Post = Row<typeof Post>

declare module 'phial/sql' {
  interface Models {
    User: typeof User
    Post: typeof Post
  }
}
