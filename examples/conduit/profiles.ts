/**
 * Profiles: get one, follow and unfollow (RealWorld's `/profiles/{username}`).
 */
import { Resource } from 'phial/rest'
import { api } from './api.ts'
import { authOptional, authRequired, currentConduitUser, viewer } from './auth.ts'
import { db } from './db.ts'
import { ConduitFollow, ConduitUser } from './models.ts'
import { GenericErrorModel, ProfileResponse } from './schemas.ts'
import { followedAmong, profileOf } from './serialize.ts'

const TAGS = ['Profile']

/** The user called `username`, or a 404. @example const user = await userOr404('jake') */
export function userOr404(username: string): Promise<ConduitUser> {
  return db.session.firstOr404(ConduitUser, { where: { username }, description: 'profile not found' })
}

class Profile extends Resource<'/profiles/<username>'> {
  static override methodDecorators = [authOptional]

  get = this.validate(
    { responses: { 200: ProfileResponse, 401: null, 422: GenericErrorModel }, operationId: 'GetProfileByUsername', summary: 'Get a profile', tags: TAGS },
    async ({ path }) => {
      const user = await userOr404(path.username)
      const following = await followedAmong(viewer(), [user.id])
      return { profile: profileOf(user, following.has(user.id)) }
    },
  )
}

class Follow extends Resource<'/profiles/<username>/follow'> {
  static override methodDecorators = [authRequired]

  post = this.validate(
    { responses: { 200: ProfileResponse, 401: null, 422: GenericErrorModel }, operationId: 'FollowUserByUsername', summary: 'Follow a user', tags: TAGS },
    async ({ path }) => {
      const me = currentConduitUser()
      const user = await userOr404(path.username)
      if (user.id !== me.id && (await db.session.count(ConduitFollow, { where: { followerId: me.id, followedId: user.id } })) === 0) {
        await db.session.add(ConduitFollow, { followerId: me.id, followedId: user.id })
        await db.session.commit()
      }
      return { profile: profileOf(user, user.id !== me.id) }
    },
  )

  delete = this.validate(
    { responses: { 200: ProfileResponse, 401: null, 422: GenericErrorModel }, operationId: 'UnfollowUserByUsername', summary: 'Unfollow a user', tags: TAGS },
    async ({ path }) => {
      const me = currentConduitUser()
      const user = await userOr404(path.username)
      await db.session.delete(ConduitFollow, { followerId: me.id, followedId: user.id })
      await db.session.commit()
      return { profile: profileOf(user, false) }
    },
  )
}

api.addResource(Profile, '/profiles/<username>', { endpoint: 'profile' })
api.addResource(Follow, '/profiles/<username>/follow', { endpoint: 'follow' })
