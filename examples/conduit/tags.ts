/**
 * Tags: every tag some article carries (RealWorld's `/tags`).
 */
import { Resource } from 'phial/rest'
import { api } from './api.ts'
import { db } from './db.ts'
import { GenericErrorModel, TagsResponse } from './schemas.ts'

class Tags extends Resource {
  get = this.validate(
    { responses: { 200: TagsResponse, 422: GenericErrorModel }, operationId: 'GetTags', summary: 'Get tags', tags: ['Tags'] },
    async () => {
      const { rows } = await db.execute<{ name: string }>('SELECT t.name FROM tags t WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id) ORDER BY t.name')
      return { tags: rows.map((r) => r.name) }
    },
  )
}

api.addResource(Tags, '/tags', { endpoint: 'tags' })
