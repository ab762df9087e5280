// The explorer's shell: the type-ahead search in the header and the routes (#/entity/…, #/graph, #/events, …).
import './style.css'
import { errorBox, fill, h, loadConfig } from './lib.js'
import { searchBox } from './search.js'

const ROUTES = [
  [/^entity\/(.+)$/, () => import('./views/entity.js')],
  [/^event\/(.+)$/, () => import('./views/event.js')],
  [/^article\/(.+)$/, () => import('./views/article.js')],
  [/^graph$/, () => import('./views/graph.js')],
  [/^events$/, () => import('./views/events.js')],
  [/^sparql$/, () => import('./views/sparql.js')],
  [/^$/, () => import('./views/overview.js')],
]

const view = document.getElementById('view')
let current = null // the view shown; told to stop its work when another replaces it

async function route() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?')
  const params = new URLSearchParams(query)
  const match = ROUTES.map(([pattern, load]) => [path.match(pattern), load]).find(([m]) => m)
  current?.abort()
  const controller = new AbortController()
  current = controller
  for (const link of document.querySelectorAll('nav a[data-nav]')) {
    link.classList.toggle('active', link.dataset.nav === (path.split('/')[0] || 'overview'))
  }
  if (!match) {
    fill(view, h('section', { class: 'card' }, h('h2', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/' }, 'Back to the overview'))))
    return
  }
  const [m, load] = match
  const id = m[1] ? m[1].split('/').map(decodeURIComponent).join('/') : null
  try {
    const module = await load()
    if (controller.signal.aborted) return
    document.title = 'eventkg explorer'
    window.scrollTo(0, 0)
    await module.render(view, { id, params, signal: controller.signal })
  } catch (err) {
    if (controller.signal.aborted) return
    console.error(err)
    fill(view, errorBox(err))
  }
}

async function start() {
  try {
    await loadConfig()
  } catch (err) {
    fill(view, errorBox(err))
    return
  }
  document.getElementById('search').append(searchBox())
  window.addEventListener('hashchange', route)
  route()
}

start()
