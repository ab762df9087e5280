// The interactive graph: the ego network of an entity (#/graph?center=organization/isis&size=50) or the most connected
// part of the network a filter keeps (#/graph?type=Attack&from=2022&top=150), from /analytics/network.
import { network, pngLink, typeLegend } from '../charts/network.js'
import { describeFilters, exportLinks, filterBar, filterParams, readFilters } from '../filters.js'
import { egoNetwork } from '../ego.js'
import { cfg, fill, getJSON, h, idOf, number, routeFor, section, spinner } from '../lib.js'

export async function render(view, { params, signal }) {
  const center = params.get('center')
  const filters = readFilters(params)
  const top = Math.min(2000, Math.max(10, Number(params.get('top') || 150)))
  const box = h('div', {}, spinner(center ? 'Reading the neighbourhood…' : 'Building the network of this filter…'))
  const modes = h('div', { class: 'tabs' },
    h('a', { href: center ? '#/graph' : location.hash, class: center ? '' : 'active' }, 'Network of a filter'),
    h('span', { class: center ? 'active' : 'muted' }, center ? `Around ${center}` : 'Around an entity: open one, then “Open in the graph”'))
  if (center) {
    const size = Math.min(200, Math.max(5, Number(params.get('size') || 50)))
    const sizePicker = h('label', {}, 'Strongest connections ', h('select', { onchange: (event) => {
      location.hash = `#/graph?center=${encodeURIComponent(center)}&size=${event.target.value}`
    } }, [25, 50, 100, 200].map((n) => h('option', { value: n, selected: n === size }, String(n)))))
    fill(view, h('div', { class: 'page-head' }, h('h1', {}, 'Graph'), modes), h('div', { class: 'toolbar' }, sizePicker,
      h('a', { class: 'button', href: routeFor('entity', center) }, 'Entity page')), box)
    const { bases } = cfg()
    const iri = bases.entity + center.split('/').map(encodeURIComponent).join('/')
    drawEgo(box, await egoNetwork(iri, size, { signal }), center)
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

function drawEgo(box, ego, center) {
  const { element, cy } = network(ego.nodes, ego.edges, { center: ego.nodes[0].id })
  fill(box, section(`${ego.nodes[0].label} and its ${number(ego.nodes.length - 1)} strongest connections (statements either way); ${number(ego.edges.length)} edges`,
    h('p', { class: 'muted small' }, 'Size: edges in this picture. Click an entity to open it; its own network is one click further.'),
    element, h('div', { class: 'toolbar' }, typeLegend(types(ego.nodes)), pngLink(cy, `eventkg-${center.replace(/\W+/g, '-')}`))))
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
