// The live index (live.ts): a new post is put on top of the list without a
// reload, and a mention of the logged-in user shows as a notice. The
// Socket.IO client (io) comes from /live/socket.io.js. A file rather than an
// inline script, so that a strict Content-Security-Policy allows it.
const list = document.querySelector('[data-live-posts]')
const notices = document.querySelector('[data-live-notices]')
// the WebSocket transport only: any `phial serve` worker can take it, no sticky sessions
const socket = io({ transports: ['websocket'] })

socket.on('connect', () => { document.body.dataset.live = 'connected' })
socket.on('disconnect', () => { document.body.dataset.live = 'disconnected' })

function element(tag, className, text) {
  const el = document.createElement(tag)
  if (className) el.className = className
  if (text !== undefined) el.textContent = text // text, never HTML: a post cannot inject markup
  return el
}

socket.on('new_post', (post) => {
  if (!list || list.querySelector(`[data-post-id="${Number(post.id)}"]`)) return
  const article = element('article', 'post live')
  article.dataset.postId = String(post.id)
  const header = element('header')
  const about = element('div')
  about.append(element('h1', '', post.title), element('div', 'about', `by ${post.author} on ${post.created}`))
  header.append(about)
  article.append(header, element('p', 'body', post.body))
  list.prepend(article, element('hr'))
})

socket.on('notification', (notice) => {
  if (notices) notices.append(element('div', 'flash notice', notice.text))
})
