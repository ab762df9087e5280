// The first page: what the graph holds (/stats), the most active agents and places, the articles, where to go next.
import { badge, entityColor, eventColor, fill, getJSON, h, into, number, routeFor, section, spinner } from '../lib.js'

const TOP = 15

export async function render(view, { signal }) {
  const stats = await getJSON('/stats', { signal })
  const articles = h('div', {}, spinner())
  const central = h('div', {}, spinner())
  const places = h('div', {}, spinner())
  const counts = (byType, color) => h('ul', { class: 'counts' }, Object.entries(byType).sort((a, b) => b[1] - a[1])
    .map(([type, n]) => h('li', {}, badge(type, color(type)), ` ${number(n)}`)))
  fill(view,
    h('div', { class: 'page-head' }, h('h1', {}, 'What the graph holds')),
    h('div', { class: 'tiles' }, [['articles', stats.articles], ['events', stats.events], ['entities', stats.entities],
      ['relations', stats.relations], ['quads', stats.quads]].map(([what, n]) => h('div', { class: 'tile' }, h('strong', {}, number(n)), what))),
    h('p', { class: 'lead' }, 'Search an entity by any of its names above, or open ',
      h('a', { href: '#/graph' }, 'the graph'), ', ', h('a', { href: '#/events' }, 'events on the map and over time'), ' or ',
      h('a', { href: '#/sparql' }, 'the SPARQL editor'), '.'),
    h('div', { class: 'columns' },
      section('Events by type', counts(stats.events_by_type, eventColor),
        h('p', { class: 'small' }, h('a', { href: '#/events' }, 'See them on the map and over time →'))),
      section('Entities by type', counts(stats.entities_by_type, entityColor))),
    h('div', { class: 'columns' }, section('Most active agents (asserted events)', central),
      section('Places with the most events', places)),
    section('Articles', articles))
  into(central, () => ranking('agent', signal))
  into(places, () => ranking('place', signal))
  into(articles, () => articleList(0, signal))
}

/** The agents or places with the most asserted events, from the dashboard counters (/analytics/top/…). */
async function ranking(kind, signal) {
  const ranked = await getJSON(`/analytics/top/${kind}?top=${TOP}&modality=asserted`, { signal })
  if (!ranked.length) return h('p', { class: 'muted' }, 'No events yet.')
  return h('ol', {}, ranked.map((r) => h('li', {}, h('a', { href: routeFor('entity', r.key) }, r.label), ' ',
    r.type ? badge(r.type, entityColor(r.type)) : '', h('span', { class: 'muted small' }, ` ${number(r.events)} events`))))
}

async function articleList(offset, signal) {
  const page = await getJSON(`/articles?limit=10&offset=${offset}`, { signal })
  const box = h('div')
  const more = page.offset + page.items.length < page.total
    ? h('button', { type: 'button', class: 'more', onclick: () => into(box.parentElement, () => articleList(offset + 10, signal)) },
      `Next (${number(page.total - offset - page.items.length)} more)`) : ''
  return fill(box, h('ul', { class: 'plain' }, page.items.map((a) => h('li', {},
    h('a', { href: routeFor('article', a.id) }, a.headline || a.id),
    h('span', { class: 'muted small' }, ` ${[a.publisher, a.published].filter(Boolean).join(' · ')}`)))),
  offset ? h('button', { type: 'button', class: 'more', onclick: () => into(box.parentElement, () => articleList(Math.max(0, offset - 10), signal)) }, 'Previous') : '',
  more)
}
