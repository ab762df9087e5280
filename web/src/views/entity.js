// An entity's page: type, names, place on a map, its events on a timeline, relations in and out with their evidence,
// and its strongest connections. Each part loads on its own and pages through the API; nothing reads the whole graph.
import { eventStrip } from '../charts/timeline.js'
import { egoNetwork } from '../ego.js'
import { network, typeLegend } from '../charts/network.js'
import { worldMap } from '../charts/map.js'
import { badge, confidence, entityColor, errorBox, eventColor, fill, getJSON, h, idPath, into, number, refLink,
  routeFor, routeOf, section, select, spinner } from '../lib.js'

const PAGE = 10
const CONNECTIONS = 15 // entities in the page's small network
const TIMELINE_EVENTS = 200 // events drawn on the entity's timeline; the total says how many there are

export async function render(view, { id: key, signal }) {
  fill(view, spinner())
  const entity = await getJSON(`${idPath('/entities', key)}?limit=${TIMELINE_EVENTS}`, { signal })
  document.title = `${entity.label} – eventkg explorer`
  const mapBox = h('div', {}, spinner())
  const connections = h('div', {}, spinner())
  fill(view,
    h('div', { class: 'page-head' },
      h('h1', {}, entity.label, ' ', badge(entity.type, entityColor(entity.type))),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: `#/graph?center=${encodeURIComponent(key)}` }, 'Open in the graph'),
        h('a', { class: 'button', href: `#/sparql?query=${encodeURIComponent(describeQuery(entity.iri))}` }, 'SPARQL'))),
    h('div', { class: 'columns' },
      section('Names and facts', facts(entity)),
      section(entity.type === 'Place' ? 'On the map' : 'Where its events happened', mapBox)),
    section(`Events (${number(entity.events.total)})`, eventsPart(entity, key)),
    h('div', { class: 'columns' },
      section(`Relations out (${number(entity.relations_out.total)})`, relationsPart(entity.relations_out, { subject: key }, 'object')),
      section(`Relations in (${number(entity.relations_in.total)})`, relationsPart(entity.relations_in, { object: key }, 'subject'))),
    section('Strongest connections', connections))
  into(mapBox, () => placesMap(entity, signal))
  into(connections, () => strongest(entity, signal))
}

function facts(entity) {
  const rows = [
    ['Label', entity.label],
    ['Also called', entity.aliases.length ? entity.aliases.join(' · ') : '—'],
    ['Type', entity.type],
    entity.description ? ['Description', entity.description] : null,
    entity.located_in ? ['Located in', refLink(entity.located_in)] : null,
    entity.latitude !== null ? ['Coordinates', `${entity.latitude.toFixed(3)}, ${entity.longitude.toFixed(3)}`] : null,
    entity.geonames_id ? ['GeoNames', String(entity.geonames_id)] : null,
    ['Mentioned in', entity.articles.length ? h('ul', { class: 'plain' }, entity.articles.map((a) => h('li', {}, refLink(a)))) : '—'],
    ['IRI', h('code', { class: 'iri' }, entity.iri)],
  ].filter(Boolean)
  return h('dl', { class: 'facts' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
}

/** Places on a map: the place itself, else where the events it takes part in happened (one aggregate query). */
async function placesMap(entity, signal) {
  if (entity.latitude !== null && entity.longitude !== null) {
    return worldMap([{ lat: entity.latitude, long: entity.longitude, label: entity.label, color: entityColor('Place') }])
  }
  const rows = await select(`SELECT ?place ?label ?lat ?long (COUNT(DISTINCT ?e) AS ?n) WHERE {
  ?e ?role <${entity.iri}> ; ekg:modality ?modality ; ekg:place ?place .
  ?place geo:lat ?lat ; geo:long ?long ; rdfs:label ?label .
} GROUP BY ?place ?label ?lat ?long ORDER BY DESC(?n) ?label LIMIT 200`, { signal })
  if (!rows.length) return h('p', { class: 'muted' }, 'No located event.')
  return worldMap(rows.map((r) => ({ lat: Number(r.lat), long: Number(r.long), label: r.label, count: Number(r.n),
    iri: r.place })), { onClick: (p) => { location.hash = routeOf(p.iri) }, height: 380 })
}

function eventsPart(entity) {
  const events = entity.events
  const go = (event) => { location.hash = routeFor('event', event.id) }
  return h('div', {},
    events.total > events.items.length ? h('p', { class: 'muted small' }, `The first ${events.items.length} of ${number(events.total)} on the timeline.`) : '',
    eventStrip(events.items, { onClick: go }),
    eventTable(events.items.slice(0, 20)),
    events.items.length > 20 ? h('p', { class: 'muted small' }, `${events.items.length - 20} more on the timeline above.`) : '')
}

/** Events with who took part and where (the lists carry actors and places), each a link. */
export function eventTable(events) {
  if (!events.length) return h('p', { class: 'muted' }, 'None.')
  const refs = (list) => (list || []).flatMap((r, i) => (i ? [', ', refLink(r)] : [refLink(r)]))
  return h('table', { class: 'data' },
    h('thead', {}, h('tr', {}, ['Time', 'Type', 'Event', 'Who', 'Where', 'Modality', 'Conf.', 'Article'].map((c) => h('th', {}, c)))),
    h('tbody', {}, events.map((e) => h('tr', {},
      h('td', { class: 'nowrap' }, e.time || '—'),
      h('td', {}, badge(e.type, eventColor(e.type))),
      h('td', {}, h('a', { href: routeFor('event', e.id) }, e.label || e.id)),
      h('td', {}, refs(e.actors)), h('td', {}, refs(e.places)),
      h('td', {}, e.modality), h('td', {}, confidence(e.confidence)), h('td', {}, refLink(e.article))))))
}

/** A table of relations with their evidence, PAGE rows at a time: from the entity's answer while it has them, then
 * from /relations. */
function relationsPart(first, filter, otherEnd) {
  const body = h('tbody')
  const more = h('button', { type: 'button', class: 'more' })
  let shown = 0
  const show = (items) => {
    body.append(...items.map((r) => relationRow(r, otherEnd)))
    shown += items.length
    more.hidden = shown >= first.total
    more.textContent = `More (${number(first.total - shown)} left)`
  }
  more.addEventListener('click', async () => {
    if (shown < first.items.length) return show(first.items.slice(shown, shown + PAGE))
    more.disabled = true
    try {
      show((await getJSON(`/relations?${new URLSearchParams({ ...filter, limit: PAGE, offset: shown })}`)).items)
    } catch (err) {
      more.replaceWith(errorBox(err))
    }
    more.disabled = false
  })
  if (!first.total) return h('p', { class: 'muted' }, 'None.')
  show(first.items.slice(0, PAGE))
  return h('div', {}, h('table', { class: 'data relations' },
    h('thead', {}, h('tr', {}, ['Relation', otherEnd === 'object' ? 'To' : 'From', 'Evidence'].map((c) => h('th', {}, c)))),
    body), more)
}

function relationRow(r, otherEnd) {
  return h('tr', {},
    h('td', {}, h('strong', {}, r.predicate), r.role ? h('div', { class: 'muted small' }, `as ${r.role}`) : '',
      r.time ? h('div', { class: 'muted small' }, r.time) : ''),
    h('td', {}, refLink(r[otherEnd])),
    h('td', {}, h('q', {}, r.sentence || '—'),
      h('div', { class: 'muted small' }, refLink(r.article, 'article'),
        r.event ? [' · ', refLink(r.event, 'event')] : '', r.confidence !== null ? ` · confidence ${confidence(r.confidence)}` : '')))
}

/** The entities it is most strongly linked to (statements either way) and the network they form with it. */
async function strongest(entity, signal) {
  const ego = await egoNetwork(entity.iri, CONNECTIONS, { signal })
  const others = ego.nodes.slice(1)
  if (!others.length) return h('p', { class: 'muted' }, 'No direct connection to another entity.')
  const top = others[0].statements
  const list = h('ol', { class: 'bars' }, others.slice(0, 10).map((node) => h('li', {},
    h('a', { href: routeFor('entity', node.key) }, node.label), ' ', badge(node.type || '', entityColor(node.type)),
    h('span', { class: 'bar', style: `width:${Math.round((100 * node.statements) / top)}%` }),
    h('span', { class: 'muted small' }, ` ${number(node.statements)} statement${node.statements > 1 ? 's' : ''}`))))
  const { element } = network(ego.nodes, ego.edges, { center: entity.iri, height: 360 })
  return h('div', { class: 'columns' }, list,
    h('div', {}, element, typeLegend([...new Set(ego.nodes.map((n) => n.type).filter(Boolean))].sort())))
}

function describeQuery(iri) {
  return `SELECT ?property ?value ?valueLabel WHERE {
  <${iri}> ?property ?value .
  OPTIONAL { ?value rdfs:label ?valueLabel }
}
ORDER BY ?property
LIMIT 200`
}
