/**
 * Profiles: get one, follow and unfollow (RealWorld's `/profiles/{username}`).
 */
import { Blueprint, Resource } from 'phial/rest'
import { OPTIONAL_TOKEN, TOKEN, authOptional, authRequired, currentConduitUser, viewer } from './auth.ts'
import { db } from './db.ts'
import { ConduitFollow, ConduitUser } from './models.ts'
import { ProfileResponse } from './schemas.ts'
import { followedAmong, profileOf } from './serialize.ts'

/** `/profiles/<username>` and its `/follow`. */
export const profiles = new Blueprint('profiles', { urlPrefix: '/profiles', tags: ['Profile'], description: 'Profiles and follows' })

const errors = { 401: null, 422: null }

/** The user called `username`, or a 404. @example const user = await userOr404('jake') */
export function userOr404(username: string): Promise<ConduitUser> {
  return db.session.firstOr404(ConduitUser, { where: { username }, description: 'profile not found' })
}

class Profile extends Resource<'/<username>'> {
  static override methodDecorators = [authOptional]

  get = this.validate(
    { responses: { 200: ProfileResponse, ...errors }, operationId: 'GetProfileByUsername', summary: 'Get a profile', security: OPTIONAL_TOKEN },
    async ({ path }) => {
      const user = await userOr404(path.username)
      const following = await followedAmong(viewer(), [user.id])
      return { profile: profileOf(user, following.has(user.id)) }
    },
  )
}

class Follow extends Resource<'/<username>/follow'> {
  static override methodDecorators = [authRequired]

  post = this.validate(
    { responses: { 200: ProfileResponse, ...errors }, operationId: 'FollowUserByUsername', summary: 'Follow a user', security: TOKEN },
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
    { responses: { 200: ProfileResponse, ...errors }, operationId: 'UnfollowUserByUsername', summary: 'Unfollow a user', security: TOKEN },
    async ({ path }) => {
      const me = currentConduitUser()
      const user = await userOr404(path.username)
      await db.session.delete(ConduitFollow, { followerId: me.id, followedId: user.id })
      await db.session.commit()
      return { profile: profileOf(user, false) }
    },
  )
}

profiles.addResource(Profile, '/<username>', { endpoint: 'profile' })
profiles.addResource(Follow, '/<username>/follow', { endpoint: 'follow' })
