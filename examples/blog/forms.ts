/**
 * The blog's forms, on `phial/forms` (Flask-WTF): each field checks its
 * value (required, then a zod schema), keeps its own `errors`, and renders
 * again with what was typed (never a password). `form.validateOnSubmit()`
 * in the views, `{{ field(form.title) }}` in the templates (_form.html).
 */
import { BooleanField, PasswordField, StringField, TextAreaField, defineForm } from 'phial/forms'
import { z } from 'zod'

const trim = (value: string): string => value.trim()
/** An address with one @, no spaces or angle brackets (the mail server judges the rest). */
const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

/** Register: a username of 1–150 characters (the column's length), a password and an optional e-mail address. */
export const RegisterForm = defineForm({
  username: new StringField('Username', {
    required: 'Username is required.',
    filters: [trim],
    schema: z.string().max(150, 'Username must be at most 150 characters.'),
    renderKw: { maxlength: 150 },
  }),
  password: new PasswordField('Password', { required: 'Password is required.', schema: z.string().max(1024, 'Password must be at most 1024 characters.') }),
  // optional: where the "new post" e-mail goes (notify.ts); empty for none
  email: new StringField('E-mail (optional: new posts are sent to it)', {
    filters: [trim],
    schema: z.string().max(254, 'E-mail must be at most 254 characters.').refine((value) => value === '' || EMAIL.test(value), 'Enter a valid e-mail address.'),
    renderKw: { maxlength: 254, type: 'email' },
  }),
})

/** Log in: username, password and "Remember me" (a remember-me cookie). */
export const LoginForm = defineForm({
  username: new StringField('Username', { required: 'Username is required.', filters: [trim] }),
  password: new PasswordField('Password', { required: 'Password is required.' }),
  remember: new BooleanField('Remember me'),
})

/** New post and edit post: a title of 1–200 characters (the column's length) and a body. */
export const PostForm = defineForm({
  title: new StringField('Title', {
    required: 'Title is required.',
    filters: [trim],
    schema: z.string().max(200, 'Title must be at most 200 characters.'),
    renderKw: { maxlength: 200 },
  }),
  body: new TextAreaField('Body', { schema: z.string().max(20_000, 'Body must be at most 20000 characters.') }),
})
