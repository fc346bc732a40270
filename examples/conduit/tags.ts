/**
 * Tags: every tag some article carries (RealWorld's `/tags`).
 */
import { Blueprint, Resource } from 'phial/rest'
import { db } from './db.ts'
import { TagsResponse } from './schemas.ts'

export const tags = new Blueprint('tags', { urlPrefix: '/tags', tags: ['Tags'], description: 'The tags articles carry' })

class Tags extends Resource {
  get = this.validate(
    { responses: { 200: TagsResponse, 422: null }, operationId: 'GetTags', summary: 'Get tags' },
    async () => {
      const { rows } = await db.execute<{ name: string }>('SELECT t.name FROM tags t WHERE EXISTS (SELECT 1 FROM article_tags at WHERE at.tag_id = t.id) ORDER BY t.name')
      return { tags: rows.map((r) => r.name) }
    },
  )
}

tags.addResource(Tags, '', { endpoint: 'tags' })
