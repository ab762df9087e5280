// An interactive network drawn by cytoscape: nodes coloured by entity type and sized by degree, a click opens the
// entity's page, hovering shows its neighbours.
import cytoscape from 'cytoscape'
import { entityColor, h } from '../lib.js'

/**
 * Draws ``nodes`` [{id, key, label, type, degree}] and ``edges`` [{source, target, predicate, statements}] in a new
 * element. ``center`` (a node id) is drawn larger and outlined. Returns {element, cy}.
 */
export function network(nodes, edges, { center = null, height = 560 } = {}) {
  const container = h('div', { class: 'network', style: `height:${height}px` })
  const highest = Math.max(1, ...nodes.map((n) => n.degree || 0))
  const size = (degree) => 16 + 44 * Math.sqrt((degree || 0) / highest)
  const elements = [
    ...nodes.map((n) => ({ data: { id: n.id, key: n.key, label: n.label, type: n.type || 'other',
      color: entityColor(n.type), size: size(n.degree), degree: n.degree || 0 }, classes: n.id === center ? 'center' : '' })),
    ...drawnEdges(edges).map((e, i) => ({ data: { id: `e${i}`, source: e.source, target: e.target,
      predicate: e.predicates.join(', '), width: Math.min(8, 1 + Math.log2(e.statements)), statements: e.statements } })),
  ]
  // Drawn once the container is in the page: a layout in a detached container has no size to work with.
  const cy = cytoscape({
    elements,
    minZoom: 0.1,
    maxZoom: 4,
    style: [
      { selector: 'node', style: { 'background-color': 'data(color)', width: 'data(size)', height: 'data(size)',
        label: 'data(label)', 'font-size': 11, 'font-family': 'system-ui, sans-serif', color: '#222',
        'text-valign': 'bottom', 'text-margin-y': 3, 'text-outline-color': '#fff', 'text-outline-width': 2,
        'min-zoomed-font-size': 4 } },
      { selector: 'node.center', style: { 'border-width': 4, 'border-color': '#111', 'font-weight': 'bold' } },
      { selector: 'edge', style: { width: 'data(width)', 'line-color': '#b8bfc9', 'target-arrow-color': '#b8bfc9',
        'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8, opacity: 0.8 } },
      { selector: 'edge.shown', style: { label: 'data(predicate)', 'font-size': 10, color: '#444',
        'text-rotation': 'autorotate', 'text-background-color': '#fff', 'text-background-opacity': 0.8,
        'line-color': '#555', 'target-arrow-color': '#555', opacity: 1 } },
      { selector: '.faded', style: { opacity: 0.15 } },
    ],
  })
  requestAnimationFrame(() => {
    if (!container.isConnected) return
    cy.mount(container)
    // cose's default 1,000 iterations took some 8 s for 150 entities and 1,000 edges on a busy machine.
    cy.layout({ name: nodes.length > 1 ? 'cose' : 'grid', animate: false, randomize: false, nodeRepulsion: () => 9000,
      idealEdgeLength: () => 90, padding: 20, numIter: nodes.length > 60 ? 250 : 1000 }).run()
    container.dataset.nodes = String(cy.nodes().length) // drawn: tests and scripts wait for this
  })
  cy.on('tap', 'node', (event) => {
    const key = event.target.data('key')
    if (key) location.hash = `#/entity/${key.split('/').map(encodeURIComponent).join('/')}`
  })
  cy.on('mouseover', 'node', (event) => {
    const near = event.target.closedNeighborhood()
    cy.elements().not(near).addClass('faded')
    near.edges().addClass('shown')
    container.style.cursor = 'pointer'
  })
  cy.on('mouseout', 'node', () => {
    cy.elements().removeClass('faded').removeClass('shown')
    container.style.cursor = ''
  })
  cy.on('mouseover', 'edge', (event) => event.target.addClass('shown'))
  cy.on('mouseout', 'edge', (event) => event.target.removeClass('shown'))
  return { element: container, cy }
}

/** One line per source and target: the predicates between them joined, their statements added up. */
function drawnEdges(edges) {
  const byPair = new Map()
  for (const e of edges) {
    const pair = `${e.source}\u0000${e.target}`
    const drawn = byPair.get(pair) || byPair.set(pair, { source: e.source, target: e.target, predicates: [], statements: 0 }).get(pair)
    drawn.predicates.push(e.predicate)
    drawn.statements += e.statements || 1
  }
  return [...byPair.values()]
}

export function typeLegend(types) {
  return h('div', { class: 'legend' }, types.map((type) =>
    h('span', { class: 'legend-item' }, h('i', { style: `background:${entityColor(type)}` }), type)))
}

/** A PNG of the network as it is drawn, as a download link. */
export function pngLink(cy, name) {
  return h('a', { href: '#', class: 'button', onclick: (event) => {
    event.preventDefault()
    const link = h('a', { href: cy.png({ full: true, scale: 2, bg: '#ffffff' }), download: `${name}.png` })
    link.click()
  } }, 'PNG')
}
