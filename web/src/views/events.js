// Events on a map and over time, with the filters of the network: counts per period by type (/analytics/timeline),
// counts per place (/analytics/top/place, their coordinates by SPARQL), and the events behind a bar or a place, a page
// at a time (/events).
import { worldMap } from '../charts/map.js'
import { stackedBars } from '../charts/timeline.js'
import { describeFilters, exportLinks, filterBar, filterParams, readFilters } from '../filters.js'
import { errorBox, fill, getJSON, h, into, number, section, select, spinner } from '../lib.js'
import { eventTable } from './entity.js'

const GRANULARITY = { year: 4, month: 7, day: 10 }
const PAGE = 20
const MAP_PLACES = 500

export async function render(view, { params, signal }) {
  const filters = readFilters(params)
  const granularity = GRANULARITY[params.get('granularity')] ? params.get('granularity') : 'month'
  const picker = h('label', {}, 'Per ', h('select', { name: 'granularity' }, Object.keys(GRANULARITY).map((g) =>
    h('option', { value: g, selected: g === granularity }, g))))
  const bar = filterBar(filters, (chosen) => {
    const query = filterParams(chosen)
    query.set('granularity', bar.querySelector('select[name=granularity]').value)
    location.hash = `#/events?${query}`
  }, [picker])
  const timelineBox = h('div', {}, spinner())
  const mapBox = h('div', {}, spinner())
  const listBox = h('div')
  const exportBox = h('div')
  fill(view, h('div', { class: 'page-head' }, h('h1', {}, 'Events on the map and over time')), bar,
    h('p', { class: 'muted small' }, describeFilters(filters), '. Click a bar or a place to list its events.'),
    section(`Events per ${granularity} and type`, timelineBox), section('Where', mapBox), listBox, exportBox)

  const list = eventList(listBox, filters, signal, (selection) => fill(exportBox, exports(filters, selection)))
  list.show({})
  into(timelineBox, async () => {
    const query = filterParams(filters)
    query.set('granularity', granularity)
    const { rows, coarser, undated } = await getJSON(`/analytics/timeline?${query}`, { signal })
    // stackedBars notes the rows outside the granularity: without a period undated, with another one coarser
    const apart = [...Object.entries(undated).map(([type, events]) => ({ period: null, event_type: type, events })),
      ...Object.entries(coarser).map(([type, events]) => ({ period: 'coarser', event_type: type, events }))]
    return stackedBars([...rows, ...apart], { length: GRANULARITY[granularity], onClick: (period, type) => list.show({ period, type }) })
  })
  into(mapBox, async () => {
    const query = filterParams(filters)
    query.set('top', MAP_PLACES)
    const ranked = await getJSON(`/analytics/top/place?${query}`, { signal })
    const located = ranked.length ? await select(`SELECT ?place ?lat ?long WHERE {
  VALUES ?place { ${ranked.map((r) => `<${r.iri}>`).join(' ')} } ?place geo:lat ?lat ; geo:long ?long }`, { signal }) : []
    const where = new Map(located.map((r) => [r.place, r]))
    const points = ranked.map((r) => ({ lat: Number(where.get(r.iri)?.lat), long: Number(where.get(r.iri)?.long),
      label: r.label, count: r.events, key: r.key }))
    return h('div', {}, await worldMap(points, { onClick: (point) => list.show({ place: point.key, placeLabel: point.label }) }),
      ranked.length === MAP_PLACES ? h('p', { class: 'muted small' }, `The ${MAP_PLACES} places with the most events.`) : '')
  })
}

/** The network of the events listed (/export with the same filters, narrowed to a clicked bar's type and period). */
function exports(filters, selection) {
  const narrowed = { ...filters, ...(selection.type ? { types: [selection.type] } : {}),
    ...(selection.period ? { from: selection.period, to: selection.period } : {}) }
  return h('div', {}, exportLinks(narrowed, {}, 'Export the network of these events'),
    selection.place ? h('p', { class: 'muted small' }, `Not narrowed to ${selection.placeLabel}: the network has no place filter.`) : '')
}

/** The list of events under the charts: all events of the filters, or those of a clicked bar or place;
 * ``onSelect(selection)`` when that changes. */
function eventList(box, filters, signal, onSelect) {
  let selection = {}
  let offset = 0
  async function load() {
    // The list takes the filters of the charts, narrowed to the bar or place clicked.
    const query = filterParams(selection.type ? { ...filters, types: [selection.type] } : filters)
    query.set('limit', PAGE)
    query.set('offset', offset)
    if (selection.period) {
      query.set('from', selection.period)
      query.set('to', selection.period)
    }
    if (selection.place) query.set('place', selection.place)
    const page = await getJSON(`/events?${query}`, { signal })
    const what = [selection.type, selection.period, selection.placeLabel && `in ${selection.placeLabel}`].filter(Boolean).join(' · ')
    const pager = h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - PAGE); render() } }, '‹ Previous'),
      h('span', {}, page.total ? ` ${number(offset + 1)}–${number(offset + page.items.length)} of ${number(page.total)} ` : ' none '),
      h('button', { type: 'button', disabled: offset + PAGE >= page.total, onclick: () => { offset += PAGE; render() } }, 'Next ›'),
      Object.keys(selection).length ? h('button', { type: 'button', class: 'link', onclick: () => show({}) }, 'Show all events of the filters') : '')
    return section(`Events${what ? `: ${what}` : ''}`, pager, eventTable(page.items))
  }
  async function render() {
    try {
      fill(box, await load())
    } catch (err) {
      fill(box, errorBox(err))
    }
  }
  function show(chosen) {
    selection = chosen
    offset = 0
    onSelect(chosen)
    render()
    if (Object.keys(chosen).length) box.scrollIntoView({ behavior: 'smooth', block: 'start' })
  }
  return { show }
}
