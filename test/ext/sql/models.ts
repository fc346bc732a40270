/**
 * The models the phial/sql tests share (named Sql* because the Models
 * registry is one per TypeScript program, and the blog's User and Post are in it): users, posts (many-to-one, with a
 * cascade), tags (many-to-many through post_tag), and a profile (one-to-one).
 */
import { column, defineModel, manyToMany, manyToOne, oneToMany, oneToOne, sql, type Row } from 'phial/sql'

export const User = defineModel('SqlUser', {
  id: column.id(),
  username: column.string({ length: 80, unique: true }),
  email: column.string({ length: 120, nullable: true }),
  active: column.boolean({ default: true }),
  created: column.createdAt(),
}, { tableName: 'user', relations: { posts: oneToMany('SqlPost', { inverse: 'author' }), profile: oneToOne('SqlProfile', { inverse: 'user' }) } })

export const Post = defineModel('SqlPost', {
  id: column.id(),
  title: column.string({ length: 200 }),
  body: column.text({ default: '' }),
  views: column.integer({ default: 0 }),
  authorId: column.integer({ name: 'author_id', index: true }),
  created: column.createdAt(),
  updated: column.updatedAt(),
}, {
  relations: {
    author: manyToOne('SqlUser', { column: 'authorId', inverse: 'posts', onDelete: 'CASCADE' }),
    tags: manyToMany('SqlTag', { joinTable: 'post_tag', inverse: 'posts' }),
  },
  indexes: [{ columns: ['authorId', 'created'] }],
  tableName: 'post',
})

export const Tag = defineModel('SqlTag', {
  id: column.id(),
  name: column.string({ length: 50, unique: true }),
}, { tableName: 'tag', relations: { posts: manyToMany('SqlPost', { inverse: 'tags' }) } })

export const Profile = defineModel('SqlProfile', {
  id: column.id(),
  bio: column.text({ nullable: true }),
  settings: column.json<{ theme: string }>({ nullable: true }),
  score: column.float({ default: 0 }),
  joined: column.datetime({ default: sql('CURRENT_TIMESTAMP') }),
  userId: column.integer({ name: 'user_id' }),
}, { tableName: 'profile', relations: { user: oneToOne('SqlUser', { column: 'userId', inverse: 'profile', onDelete: 'CASCADE' }) } })

export const ALL = [User, Post, Tag, Profile]

declare module 'phial/sql' {
  interface Models {
    SqlUser: typeof User
    SqlPost: typeof Post
    SqlTag: typeof Tag
    SqlProfile: typeof Profile
  }
}
export type User = Row<typeof User>
export type Post = Row<typeof Post>
