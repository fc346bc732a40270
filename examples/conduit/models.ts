/**
 * Conduit's tables as phial/sql models: users and who follows whom,
 * articles with their tags (in the author's order) and favourites, and
 * comments. Each `Conduit*` name is both the model and its row type (the
 * prefix keeps them apart from the blog's `User` in one TypeScript program;
 * the tables have plain names).
 */
import { column, manyToOne, type Row } from 'phial/sql'
import { db } from './db.ts'

const cascade = (table: string) => ({ references: { table, column: 'id', onDelete: 'CASCADE' as const } })

export const ConduitUser = db.defineModel('ConduitUser', {
  id: column.id(),
  username: column.string({ length: 100, unique: true }),
  email: column.string({ length: 255, unique: true }),
  passwordHash: column.text({ name: 'password_hash' }),
  bio: column.text({ nullable: true }),
  image: column.string({ length: 1000, nullable: true }),
}, { tableName: 'users' })
export type ConduitUser = Row<typeof ConduitUser>

/** `followerId` follows `followedId`. */
export const ConduitFollow = db.defineModel('ConduitFollow', {
  followerId: column.integer({ primary: true, name: 'follower_id', ...cascade('users') }),
  followedId: column.integer({ primary: true, name: 'followed_id', ...cascade('users') }),
}, { tableName: 'follows', indexes: [{ columns: ['followedId'] }] })

export const ConduitArticle = db.defineModel('ConduitArticle', {
  id: column.id(),
  slug: column.string({ length: 255, unique: true }),
  title: column.string({ length: 255 }),
  description: column.text(),
  body: column.text(),
  authorId: column.integer({ name: 'author_id' }),
  createdAt: column.datetime({ name: 'created_at' }),
  updatedAt: column.datetime({ name: 'updated_at' }),
}, {
  tableName: 'articles',
  relations: { author: manyToOne('ConduitUser', { column: 'authorId', onDelete: 'CASCADE' }) },
  indexes: [{ columns: ['createdAt'] }, { columns: ['authorId'] }],
})
export type ConduitArticle = Row<typeof ConduitArticle>

export const ConduitTag = db.defineModel('ConduitTag', {
  id: column.id(),
  name: column.string({ length: 100, unique: true }),
}, { tableName: 'tags' })

/** An article's tag; `position` keeps the `tagList` in the order the author gave it. */
export const ConduitArticleTag = db.defineModel('ConduitArticleTag', {
  articleId: column.integer({ primary: true, name: 'article_id', ...cascade('articles') }),
  tagId: column.integer({ primary: true, name: 'tag_id', ...cascade('tags') }),
  position: column.integer(),
}, { tableName: 'article_tags', indexes: [{ columns: ['tagId'] }] })

/** `userId` favourited `articleId`. */
export const ConduitFavorite = db.defineModel('ConduitFavorite', {
  userId: column.integer({ primary: true, name: 'user_id', ...cascade('users') }),
  articleId: column.integer({ primary: true, name: 'article_id', ...cascade('articles') }),
}, { tableName: 'favorites', indexes: [{ columns: ['articleId'] }] })

export const ConduitComment = db.defineModel('ConduitComment', {
  id: column.id(),
  body: column.text(),
  articleId: column.integer({ name: 'article_id', ...cascade('articles') }),
  authorId: column.integer({ name: 'author_id' }),
  createdAt: column.datetime({ name: 'created_at' }),
  updatedAt: column.datetime({ name: 'updated_at' }),
}, {
  tableName: 'comments',
  relations: { author: manyToOne('ConduitUser', { column: 'authorId', onDelete: 'CASCADE' }) },
  indexes: [{ columns: ['articleId'] }],
})
export type ConduitComment = Row<typeof ConduitComment>

declare module 'phial/sql' {
  interface Models {
    ConduitUser: typeof ConduitUser
    ConduitFollow: typeof ConduitFollow
    ConduitArticle: typeof ConduitArticle
    ConduitTag: typeof ConduitTag
    ConduitArticleTag: typeof ConduitArticleTag
    ConduitFavorite: typeof ConduitFavorite
    ConduitComment: typeof ConduitComment
  }
}
