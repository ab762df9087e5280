// The interactive graph, both from /analytics/network with the filters of the bar: the most connected part of the
// network a filter keeps (#/graph?type=Attack&from=2022&top=150) or the ego network of an entity, its strongest
// connections in that network (#/graph?center=organization/isis&top=50). The export links download the same part
// (/export/{format} with the same parameters).
import { network, pngLink, typeLegend } from '../charts/network.js'
import { describeFilters, exportLinks, filterBar, filterParams, readFilters } from '../filters.js'
import { fill, getJSON, h, idOf, number, routeFor, section, spinner } from '../lib.js'

const TOPS = [50, 150, 300, 600]
const EGO_SIZES = [25, 50, 100, 200]

export async function render(view, { params, signal }) {
  const center = params.get('center')
  const filters = readFilters(params)
  const top = Math.min(2000, Math.max(5, Number(params.get('top') || (center ? 50 : 150))))
  const box = h('div', {}, spinner(center ? 'Reading the neighbourhood…' : 'Building the network of this filter…'))
  const modes = h('div', { class: 'tabs' },
    h('a', { href: center ? '#/graph' : location.hash, class: center ? '' : 'active' }, 'Network of a filter'),
    h('span', { class: center ? 'active' : 'muted' }, center ? `Around ${center}` : 'Around an entity: open one, then “Open in the graph”'))
  const topPicker = h('label', {}, center ? 'Strongest connections ' : 'Entities ', h('select', { name: 'top' },
    (center ? EGO_SIZES : TOPS).map((n) => h('option', { value: n, selected: n === top }, String(n)))))
  const bar = filterBar(filters, (chosen) => {
    const query = filterParams(chosen)
    if (center) query.set('center', center)
    query.set('top', bar.querySelector('select[name=top]').value)
    location.hash = `#/graph?${query}`
  }, [topPicker])
  fill(view, h('div', { class: 'page-head' }, h('h1', {}, 'Graph'), modes,
    center ? h('a', { class: 'button', href: routeFor('entity', center) }, 'Entity page') : ''), bar, box)
  const query = filterParams(filters)
  if (center) query.set('center', center)
  query.set('top', top)
  const net = await getJSON(`/analytics/network?${query}`, { signal })
  const exportParams = { top }
  if (center) exportParams.center = center
  ;(center ? drawEgo : drawFiltered)(box, net, filters, exportParams)
}

function drawEgo(box, net, filters, exportParams) {
  const [self, ...others] = net.nodes
  const { element, cy } = draw(net, self.iri)
  fill(box, section(`${self.label} and its ${number(others.length)} strongest connections (statements either way); ${number(net.edges.length)} edges`,
    h('p', { class: 'muted small' }, describeFilters(filters), '. Size: distinct neighbours in the whole filtered network. Click an entity to open it; its own network is one click further.'),
    element, h('div', { class: 'toolbar' }, typeLegend(types(net.nodes)), pngLink(cy, `eventkg-${idOf('entity', self.iri).replace(/\W+/g, '-')}`)),
    exportLinks(filters, exportParams, 'Export this ego network')))
}

function drawFiltered(box, net, filters, exportParams) {
  const { element, cy } = draw(net)
  const shown = net.nodes.length < net.total_nodes
    ? `Showing the top ${number(net.nodes.length)} of ${number(net.total_nodes)} entities by degree` : `${number(net.nodes.length)} entities`
  const among = net.edges.length < net.edges_among_nodes
    ? `the ${number(net.edges.length)} strongest of ${number(net.edges_among_nodes)} edges among them` : `${number(net.edges.length)} edges among them`
  fill(box, section(`${shown}; ${among} (${number(net.total_edges)} in all)`,
    h('p', { class: 'muted small' }, describeFilters(filters), '. Size: distinct neighbours in the whole filtered network. Click an entity to open it.'),
    net.nodes.length ? element : h('p', { class: 'muted' }, 'Nothing matches these filters.'),
    h('div', { class: 'toolbar' }, typeLegend(types(net.nodes)), pngLink(cy, 'eventkg-network')),
    exportLinks(filters, exportParams, 'Export what is shown')))
}

function draw(net, center = null) {
  return network(net.nodes.map((n) => ({ id: n.iri, key: idOf('entity', n.iri), label: n.label, type: n.type,
    degree: n.degree })), net.edges, { center })
}

function types(nodes) {
  return [...new Set(nodes.map((n) => n.type).filter(Boolean))].sort()
}
