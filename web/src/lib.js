// Small helpers shared by the views: building DOM, calling the API, naming things and linking them.

/** An element: h('a', {href: '#/'}, 'text', child, ...). Attributes starting with "on" are listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag)
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value)
    else if (name === 'class') el.className = value
    else if (name === 'dataset') Object.assign(el.dataset, value)
    else el.setAttribute(name, value === true ? '' : value)
  }
  append(el, children)
  return el
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue
    el.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

/** Replaces the content of ``el``. */
export function fill(el, ...children) {
  el.replaceChildren()
  append(el, children)
  return el
}

export class ApiError extends Error {}

/** GET a JSON resource of the API; the error is the API's own `detail`. */
export async function getJSON(path, { signal } = {}) {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, signal })
  if (!response.ok) throw new ApiError(await problem(response))
  return response.json()
}

async function problem(response) {
  try {
    const body = await response.json()
    const detail = body.detail
    if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join('; ')
    return detail || response.statusText
  } catch {
    return `${response.status} ${response.statusText}`
  }
}

/** A SPARQL query sent by POST (form-encoded); the answer as `accept` (SPARQL JSON results by default). */
export async function sparql(query, { accept = 'application/sparql-results+json', signal } = {}) {
  const response = await fetch('/sparql', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: accept },
    body: new URLSearchParams({ query }),
    signal,
  })
  if (!response.ok) throw new ApiError(await problem(response))
  return accept.includes('json') ? response.json() : response.text()
}

/** The rows of a SELECT answer as plain objects of values. */
export async function select(query, options) {
  const answer = await sparql(query, options)
  return answer.results.bindings.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.value])))
}

/** A SPARQL string literal holding ``text``. */
export function literal(text) {
  return JSON.stringify(String(text))
}

let config = null

/** What /explorer/config says: the data model's lists, the SPARQL prefixes and the IRI bases. */
export async function loadConfig() {
  config ??= await getJSON('/explorer/config')
  return config
}

export function cfg() {
  return config
}

const ENTITY_COLORS = { Person: '#4e79a7', Organization: '#e15759', Group: '#f28e2b', Place: '#59a14f' }
const EVENT_PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
  '#9c755f', '#bab0ac', '#1f77b4', '#8c564b', '#17becf', '#bcbd22']

export function entityColor(type) {
  return ENTITY_COLORS[type] || '#8a8f98'
}

export function eventColor(type) {
  const index = config ? config.event_types.indexOf(type) : -1
  return index < 0 ? '#8a8f98' : EVENT_PALETTE[index % EVENT_PALETTE.length]
}

/** The id in the data model (entity key, event id, article id) of an IRI of ours of that kind, or null. */
export function idOf(kind, iri) {
  const base = config?.bases[kind]
  if (!base || typeof iri !== 'string' || !iri.startsWith(base)) return null
  return iri.slice(base.length).split('/').map(decodeURIComponent).join('/')
}

/** The explorer's page for an IRI of ours (entity, event, article), or null. */
export function routeOf(iri) {
  for (const kind of ['entity', 'event', 'article']) {
    const id = idOf(kind, iri)
    if (id) return routeFor(kind, id)
  }
  return null
}

/** The page of a resource named by kind and id, as the API's `Ref`s give them. */
export function routeFor(kind, id) {
  if (!id || !['entity', 'event', 'article'].includes(kind)) return null
  return `#/${kind}/${id.split('/').map(encodeURIComponent).join('/')}`
}

/** A link for an API `Ref` {kind, id, iri, label, type}. */
export function refLink(ref, text) {
  if (!ref) return ''
  const route = routeFor(ref.kind, ref.id)
  const label = text ?? ref.label ?? ref.id ?? ref.iri
  return route ? h('a', { href: route, class: `ref ref-${ref.kind}`, title: ref.type || ref.kind }, label) : label
}

/** An API path for a resource id with slashes kept (entity keys, event ids). */
export function idPath(prefix, id) {
  return `${prefix}/${id.split('/').map(encodeURIComponent).join('/')}`
}

export function badge(type, color) {
  return h('span', { class: 'badge', style: `background:${color}` }, type)
}

export function number(n) {
  return typeof n === 'number' ? n.toLocaleString('en') : n
}

export function confidence(c) {
  return c === null || c === undefined ? '' : c.toFixed(2)
}

export function spinner(text = 'Loading…') {
  return h('div', { class: 'loading' }, text)
}

export function errorBox(err) {
  if (err?.name === 'AbortError') return ''
  return h('div', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : String(err))
}

/** Runs ``load`` and shows its result in ``el``, a spinner meanwhile and the error if it fails. */
export async function into(el, load) {
  fill(el, spinner())
  try {
    fill(el, await load())
  } catch (err) {
    fill(el, errorBox(err))
  }
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), ...children)
}
