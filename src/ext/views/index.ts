/**
 * `phial/views`: class-based views (Flask's `flask.views`): `View` with
 * `dispatchRequest`, `MethodView` with one handler per HTTP method,
 * `asView(name, ...args)`, `methods`, `decorators`, `initEveryRequest`,
 * `provideAutomaticOptions`, and `addView` to register one with its methods.
 *
 * @example
 * ```ts
 * import { Phial } from 'phial'
 * import { MethodView, addView } from 'phial/views'
 *
 * class UserAPI extends MethodView {
 *   get({ id }: { id: number }) { return { id } }
 *   delete({ id }: { id: number }) { return ['', 204] }
 * }
 * const app = new Phial(import.meta.url)
 * addView(app, '/users/<int:id>', UserAPI.asView('user'))
 * ```
 *
 * @module
 */
export { View, type ClassView, type ViewClass, type ViewDecorator } from './view.ts'
export { MethodView, methodsOf, type MethodHandler } from './method-view.ts'
export { HTTP_METHOD_FUNCS, type HttpMethodFunc, type ViewArgsOf } from './args.ts'
export { addView } from './add-view.ts'
