// The interactive graph: the ego network of an entity (#/graph?center=organization/isis&depth=2) or the most connected
// part of the network a filter keeps (#/graph?type=Attack&from=2022&top=150), from /analytics/network.
import { network, pngLink, typeLegend } from '../charts/network.js'
import { describeFilters, exportLinks, filterBar, filterParams, readFilters } from '../filters.js'
import { fill, getJSON, h, idOf, idPath, number, routeFor, section, spinner } from '../lib.js'

export async function render(view, { params, signal }) {
  const center = params.get('center')
  const filters = readFilters(params)
  const top = Math.min(2000, Math.max(10, Number(params.get('top') || 150)))
  const box = h('div', {}, spinner(center ? 'Reading the neighbourhood…' : 'Building the network of this filter…'))
  const modes = h('div', { class: 'tabs' },
    h('a', { href: center ? '#/graph' : location.hash, class: center ? '' : 'active' }, 'Network of a filter'),
    h('span', { class: center ? 'active' : 'muted' }, center ? `Around ${center}` : 'Around an entity: open one, then “Open in the graph”'))
  if (center) {
    const depth = Math.min(3, Math.max(1, Number(params.get('depth') || 1)))
    const depthPicker = h('label', {}, 'Depth ', h('select', { onchange: (event) => {
      location.hash = `#/graph?center=${encodeURIComponent(center)}&depth=${event.target.value}`
    } }, [1, 2, 3].map((d) => h('option', { value: d, selected: d === depth }, String(d)))))
    fill(view, h('div', { class: 'page-head' }, h('h1', {}, 'Graph'), modes), h('div', { class: 'toolbar' }, depthPicker,
      h('a', { class: 'button', href: routeFor('entity', center) }, 'Entity page')), box)
    const hood = await getJSON(`${idPath('/entities', center)}/neighbors?depth=${depth}`, { signal })
    drawEgo(box, hood)
    return
  }
  const topPicker = h('label', {}, 'Entities ', h('select', { name: 'top' }, [50, 150, 300, 600].map((n) =>
    h('option', { value: n, selected: n === top }, String(n)))))
  const bar = filterBar(filters, (chosen) => {
    const query = filterParams(chosen)
    query.set('top', bar.querySelector('select[name=top]').value)
    location.hash = `#/graph?${query}`
  }, [topPicker])
  fill(view, h('div', { class: 'page-head' }, h('h1', {}, 'Graph'), modes), bar, box)
  const query = filterParams(filters)
  query.set('top', top)
  const net = await getJSON(`/analytics/network?${query}`, { signal })
  drawFiltered(box, net, filters)
}

function drawEgo(box, hood) {
  const degree = new Map()
  for (const e of hood.edges) for (const k of [e.source, e.target]) degree.set(k, (degree.get(k) || 0) + 1)
  const { element, cy } = network(hood.nodes.map((n) => ({ id: n.key, key: n.key, label: n.label, type: n.type,
    degree: degree.get(n.key) || 0 })), hood.edges, { center: hood.center })
  fill(box, section(`${number(hood.nodes.length)} entities, ${number(hood.edges.length)} edges within ${hood.depth} hop${hood.depth > 1 ? 's' : ''}`,
    hood.truncated ? h('p', { class: 'muted small' }, 'Cut at 200 entities.') : '',
    element, h('div', { class: 'toolbar' }, typeLegend(types(hood.nodes)), pngLink(cy, 'eventkg-ego'))))
}

function drawFiltered(box, net, filters) {
  const { element, cy } = network(net.nodes.map((n) => ({ id: n.iri, key: idOf('entity', n.iri), label: n.label, type: n.type,
    degree: n.degree })), net.edges)
  const shown = net.nodes.length < net.total_nodes
    ? `the ${number(net.nodes.length)} most connected of ${number(net.total_nodes)} entities` : `${number(net.nodes.length)} entities`
  const among = net.edges.length < net.edges_among_nodes
    ? `the ${number(net.edges.length)} strongest of ${number(net.edges_among_nodes)} edges among them` : `${number(net.edges.length)} edges among them`
  fill(box, section(`${shown}; ${among} (${number(net.total_edges)} in all)`,
    h('p', { class: 'muted small' }, describeFilters(filters), '. Size: distinct neighbours in the whole filtered network. Click an entity to open it.'),
    net.nodes.length ? element : h('p', { class: 'muted' }, 'Nothing matches these filters.'),
    h('div', { class: 'toolbar' }, typeLegend(types(net.nodes)), pngLink(cy, 'eventkg-network')), exportLinks(filters)))
}

function types(nodes) {
  return [...new Set(nodes.map((n) => n.type).filter(Boolean))].sort()
}
