/**
 * The 'admin' role, on `phial/principal`: a user whose `role` is 'admin' may
 * delete anyone's post. `phial --app examples/blog/app.ts promote NAME`
 * makes a user admin (`--revoke` takes it back).
 */
import { CliError, type Phial } from 'phial'
import { Permission, Principal, RoleNeed } from 'phial/principal'
import { db } from './db.ts'
import { User } from './models.ts'

/** The identity of each request follows `currentUser`, with a RoleNeed for the user's role. */
export const principal = new Principal(undefined, { rolesOf: (user) => ((user as User).role ? [(user as User).role!] : []) })

/** Met by admins: `adminPermission.can()`, or `adminPermission.require()(view)` for a 403 otherwise. */
export const adminPermission = new Permission(RoleNeed('admin'))

/** Sets up the roles on the app and adds the `promote` command. */
export function initApp(app: Phial): void {
  principal.initApp(app)
  app.cli.command(
    'promote',
    {
      description: "Give a user the 'admin' role: they may delete anyone's post.",
      arguments: [{ name: 'username', description: 'the user to promote' }],
      options: [{ flags: '--revoke', description: 'take the role away instead' }],
    },
    async ({ username }, { revoke }) => {
      const user = await db.session.findOne(User, { where: { username } })
      if (user === null) throw new CliError(`No user named '${username}'.`)
      await db.session.update(User, { id: user.id }, { role: revoke ? null : 'admin' })
      await db.session.commit()
      console.log(revoke ? `${username} is no longer an admin.` : `${username} is now an admin.`)
    },
  )
}
