// A world map drawn from the Natural Earth outline of the world-atlas package (public domain), served with the app:
// no tile server. Points are circles sized by their count; wheel zooms, dragging pans.
import { geoNaturalEarth1, geoPath } from 'd3-geo'
import { feature, mesh } from 'topojson-client'
import countriesUrl from 'world-atlas/countries-110m.json?url'
import { h } from '../lib.js'

const SVG = 'http://www.w3.org/2000/svg'
const WIDTH = 960
const HEIGHT = 480
let outline = null

async function world() {
  outline ??= fetch(countriesUrl).then((r) => r.json()).then((topology) => ({
    land: feature(topology, topology.objects.countries),
    borders: mesh(topology, topology.objects.countries, (a, b) => a !== b),
  }))
  return outline
}

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(name, value)
  el.append(...children)
  return el
}

/**
 * A map of ``points`` [{lat, long, label, count, color?}] in a new element; ``onClick(point)`` when one is clicked.
 * It frames the points when they are few and close together, the whole world otherwise.
 */
export async function worldMap(points, { onClick, height = HEIGHT } = {}) {
  const { land, borders } = await world()
  const projection = geoNaturalEarth1()
  const located = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.long))
  const whole = geoNaturalEarth1().fitSize([WIDTH, height], land).scale()
  if (located.length) {
    projection.fitExtent([[40, 40], [WIDTH - 40, height - 40]],
      { type: 'MultiPoint', coordinates: located.map((p) => [p.long, p.lat]) })
    // One point, or points close together, would be framed down to a street: keep at least a region in view,
    // centred on the points.
    if (!(projection.scale() <= whole * 4)) {
      projection.scale(whole * 4).translate([WIDTH / 2, height / 2])
      const mean = (key) => located.reduce((sum, p) => sum + p[key], 0) / located.length
      const [cx, cy] = projection([mean('long'), mean('lat')])
      projection.translate([WIDTH - cx, height - cy])
    }
    if (projection.scale() < whole) projection.fitSize([WIDTH, height], land)
  } else {
    projection.fitSize([WIDTH, height], land)
  }
  const path = geoPath(projection)
  const largest = Math.max(1, ...located.map((p) => p.count || 1))
  const root = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'map', role: 'img',
    'aria-label': `map of ${located.length} places` })
  const layer = svg('g')
  layer.append(svg('rect', { x: -WIDTH * 10, y: -height * 10, width: WIDTH * 21, height: height * 21, class: 'sea' }),
    svg('path', { d: path(land), class: 'land' }), svg('path', { d: path(borders), class: 'borders' }))
  const dots = svg('g', { class: 'points' })
  for (const point of [...located].sort((a, b) => (b.count || 1) - (a.count || 1))) {
    const [x, y] = projection([point.long, point.lat])
    const r = 4 + 14 * Math.sqrt((point.count || 1) / largest)
    const dot = svg('circle', { cx: x, cy: y, r, fill: point.color || '#e15759', class: onClick ? 'clickable' : '' },
      svg('title', {}, `${point.label}${point.count ? ` — ${point.count} event${point.count > 1 ? 's' : ''}` : ''}`))
    dot.dataset.r = r
    if (onClick) dot.addEventListener('click', () => onClick(point))
    dots.append(dot)
  }
  layer.append(dots)
  root.append(layer)
  panZoom(root, layer, dots, height)
  const legend = located.length < points.length
    ? h('p', { class: 'muted small' }, `${points.length - located.length} place(s) without coordinates are not shown.`) : ''
  return h('div', { class: 'map-box' }, root, legend)
}

function panZoom(root, layer, dots, height) {
  let k = 1
  let x = 0
  let y = 0
  const apply = () => {
    layer.setAttribute('transform', `translate(${x},${y}) scale(${k})`)
    for (const dot of dots.children) dot.setAttribute('r', dot.dataset.r / Math.sqrt(k))
    layer.querySelector('.borders').style.strokeWidth = `${0.6 / k}px`
  }
  const toSvg = (event) => {
    const box = root.getBoundingClientRect()
    return [(event.clientX - box.left) * (WIDTH / box.width), (event.clientY - box.top) * (height / box.height)]
  }
  root.addEventListener('wheel', (event) => {
    event.preventDefault()
    const [px, py] = toSvg(event)
    const next = Math.min(40, Math.max(1, k * (event.deltaY < 0 ? 1.25 : 0.8)))
    x = px - ((px - x) * next) / k
    y = py - ((py - y) * next) / k
    k = next
    apply()
  }, { passive: false })
  let drag = null
  root.addEventListener('pointerdown', (event) => { drag = [...toSvg(event), x, y] })
  root.addEventListener('pointermove', (event) => {
    if (!drag) return
    const [px, py] = toSvg(event)
    x = drag[2] + px - drag[0]
    y = drag[3] + py - drag[1]
    apply()
  })
  for (const name of ['pointerup', 'pointerleave']) root.addEventListener(name, () => { drag = null })
}
