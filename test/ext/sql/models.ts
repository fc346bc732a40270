/**
 * The models the phial/sql tests share: users, posts (many-to-one, with a
 * cascade), tags (many-to-many through post_tag), and a profile (one-to-one).
 */
import { column, defineModel, manyToMany, manyToOne, oneToMany, oneToOne, sql, type Row } from 'phial/sql'

export const User = defineModel('User', {
  id: column.id(),
  username: column.string({ length: 80, unique: true }),
  email: column.string({ length: 120, nullable: true }),
  active: column.boolean({ default: true }),
  created: column.createdAt(),
}, { relations: { posts: oneToMany('Post', { inverse: 'author' }), profile: oneToOne('Profile', { inverse: 'user' }) } })

export const Post = defineModel('Post', {
  id: column.id(),
  title: column.string({ length: 200 }),
  body: column.text({ default: '' }),
  views: column.integer({ default: 0 }),
  authorId: column.integer({ name: 'author_id', index: true }),
  created: column.createdAt(),
  updated: column.updatedAt(),
}, {
  relations: {
    author: manyToOne('User', { column: 'authorId', inverse: 'posts', onDelete: 'CASCADE' }),
    tags: manyToMany('Tag', { joinTable: 'post_tag', inverse: 'posts' }),
  },
  indexes: [{ columns: ['authorId', 'created'] }],
})

export const Tag = defineModel('Tag', {
  id: column.id(),
  name: column.string({ length: 50, unique: true }),
}, { relations: { posts: manyToMany('Post', { inverse: 'tags' }) } })

export const Profile = defineModel('Profile', {
  id: column.id(),
  bio: column.text({ nullable: true }),
  settings: column.json<{ theme: string }>({ nullable: true }),
  score: column.float({ default: 0 }),
  joined: column.datetime({ default: sql('CURRENT_TIMESTAMP') }),
  userId: column.integer({ name: 'user_id' }),
}, { relations: { user: oneToOne('User', { column: 'userId', inverse: 'profile', onDelete: 'CASCADE' }) } })

export const ALL = [User, Post, Tag, Profile]

declare module 'phial/sql' {
  interface Models {
    User: typeof User
    Post: typeof Post
    Tag: typeof Tag
    Profile: typeof Profile
  }
}
export type User = Row<typeof User>
export type Post = Row<typeof Post>
