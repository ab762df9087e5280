// Time charts in plain SVG: events per period stacked by type, and the events of one entity on a time axis.
import { eventColor, h } from '../lib.js'

const SVG = 'http://www.w3.org/2000/svg'

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag)
  for (const [name, value] of Object.entries(attrs)) if (value !== undefined) el.setAttribute(name, value)
  el.append(...children)
  return el
}

/** Every period from ``first`` to ``last`` (ISO years, months or days of the same length), so empty ones show. */
export function periodsBetween(first, last) {
  const out = []
  if (first.length === 4) {
    for (let y = Number(first); y <= Number(last); y++) out.push(String(y).padStart(4, '0'))
  } else if (first.length === 7) {
    let [y, m] = first.split('-').map(Number)
    const [ly, lm] = last.split('-').map(Number)
    while (y < ly || (y === ly && m <= lm)) {
      out.push(`${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`)
      if (++m > 12) { m = 1; y++ }
    }
  } else {
    for (let d = new Date(`${first}T00:00:00Z`); d <= new Date(`${last}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
      out.push(d.toISOString().slice(0, 10))
    }
  }
  return out.length > 2400 ? out.slice(-2400) : out // centuries of days would not draw: keep the latest
}

function legend(types) {
  return h('div', { class: 'legend' }, types.map((type) =>
    h('span', { class: 'legend-item' }, h('i', { style: `background:${eventColor(type)}` }), type)))
}

/**
 * Stacked bars of ``rows`` [{period, event_type, events}] at one granularity (the length of a period: 4, 7 or 10);
 * ``onClick(period, type)`` when a bar segment is clicked. Rows of another granularity are counted in a note.
 */
export function stackedBars(rows, { length = 7, onClick } = {}) {
  const fitting = rows.filter((r) => r.period && r.period.length === length)
  const other = rows.filter((r) => !r.period || r.period.length !== length)
  const note = []
  const undated = other.filter((r) => !r.period).reduce((s, r) => s + r.events, 0)
  const coarser = other.filter((r) => r.period).reduce((s, r) => s + r.events, 0)
  if (coarser) note.push(`${coarser} event(s) dated less precisely are not in the bars`)
  if (undated) note.push(`${undated} undated event(s)`)
  if (!fitting.length) return h('div', {}, h('p', { class: 'muted' }, 'No dated events for these filters.'), note.length ? h('p', { class: 'muted small' }, note.join('; ') + '.') : '')

  const periods = periodsBetween(fitting[0].period, fitting.reduce((a, r) => (r.period > a ? r.period : a), fitting[0].period))
  const types = [...new Set(fitting.map((r) => r.event_type))].sort()
  const byPeriod = new Map(periods.map((p) => [p, new Map()]))
  for (const r of fitting) byPeriod.get(r.period)?.set(r.event_type, (byPeriod.get(r.period).get(r.event_type) || 0) + r.events)
  const highest = Math.max(1, ...[...byPeriod.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0)))

  const width = 960
  const height = 260
  const left = 44
  const bottom = 28
  const plotW = width - left - 10
  const plotH = height - bottom - 10
  const step = plotW / periods.length
  const bar = Math.max(1, step * 0.8)
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': 'events per period' })
  for (const tick of niceTicks(highest)) {
    const y = 10 + plotH - (tick / highest) * plotH
    root.append(svg('line', { x1: left, x2: width - 10, y1: y, y2: y, class: 'grid' }),
      svg('text', { x: left - 6, y: y + 4, class: 'tick', 'text-anchor': 'end' }, String(tick)))
  }
  const labelEvery = Math.ceil(periods.length / 12)
  periods.forEach((period, i) => {
    const x = left + i * step + (step - bar) / 2
    let y = 10 + plotH
    for (const type of types) {
      const n = byPeriod.get(period).get(type) || 0
      if (!n) continue
      const barH = (n / highest) * plotH
      y -= barH
      const rect = svg('rect', { x, y, width: bar, height: Math.max(barH, 0.5), fill: eventColor(type),
        class: onClick ? 'clickable' : '' }, svg('title', {}, `${period} · ${type}: ${n}`))
      rect.dataset.period = period
      rect.dataset.type = type
      if (onClick) rect.addEventListener('click', () => onClick(period, type))
      root.append(rect)
    }
    if (i % labelEvery === 0) {
      root.append(svg('text', { x: left + i * step + step / 2, y: height - 8, class: 'tick', 'text-anchor': 'middle' }, period))
    }
  })
  return h('div', { class: 'chart-box' }, root, legend(types), note.length ? h('p', { class: 'muted small' }, note.join('; ') + '.') : '')
}

function niceTicks(highest) {
  const raw = highest / 4
  const power = 10 ** Math.floor(Math.log10(raw || 1))
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw))
  const ticks = []
  for (let t = 0; t <= highest; t += step) ticks.push(Math.round(t))
  return ticks
}

function midpoint(time) {
  if (!time) return null
  const [y, m, d] = time.split('-').map(Number)
  if (d) return Date.UTC(y, m - 1, d)
  if (m) return Date.UTC(y, m - 1, 15)
  return Date.UTC(y, 6, 1)
}

/** The events of one entity [{id, type, label, time}] as dots on a time axis, one lane per type. */
export function eventStrip(events, { onClick } = {}) {
  const dated = events.filter((e) => midpoint(e.time) !== null)
  if (!dated.length) return h('p', { class: 'muted' }, 'None of these events is dated.')
  const types = [...new Set(dated.map((e) => e.type))].sort()
  const times = dated.map((e) => midpoint(e.time))
  let lo = Math.min(...times)
  let hi = Math.max(...times)
  const pad = Math.max((hi - lo) * 0.05, 15 * 86400e3)
  lo -= pad
  hi += pad
  const width = 960
  const lane = 26
  const left = 130
  const height = types.length * lane + 34
  const x = (t) => left + ((t - lo) / (hi - lo)) * (width - left - 16)
  const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart strip', role: 'img', 'aria-label': 'events over time' })
  types.forEach((type, i) => {
    const y = 12 + i * lane + lane / 2
    root.append(svg('line', { x1: left, x2: width - 16, y1: y, y2: y, class: 'grid' }),
      svg('text', { x: left - 8, y: y + 4, class: 'tick', 'text-anchor': 'end' }, type))
  })
  for (const year of yearTicks(lo, hi)) {
    const tx = x(Date.UTC(year, 0, 1))
    root.append(svg('line', { x1: tx, x2: tx, y1: 8, y2: height - 22, class: 'grid year' }),
      svg('text', { x: tx, y: height - 6, class: 'tick', 'text-anchor': 'middle' }, String(year)))
  }
  for (const event of dated) {
    const dot = svg('circle', { cx: x(midpoint(event.time)), cy: 12 + types.indexOf(event.type) * lane + lane / 2, r: 6,
      fill: eventColor(event.type), class: onClick ? 'clickable' : '' }, svg('title', {}, `${event.time} · ${event.label || event.type}`))
    if (onClick) dot.addEventListener('click', () => onClick(event))
    root.append(dot)
  }
  const undated = events.length - dated.length
  return h('div', { class: 'chart-box' }, root, undated ? h('p', { class: 'muted small' }, `${undated} undated event(s) not shown.`) : '')
}

function yearTicks(lo, hi) {
  const first = new Date(lo).getUTCFullYear() + 1
  const last = new Date(hi).getUTCFullYear()
  const every = Math.max(1, Math.ceil((last - first + 1) / 12))
  const years = []
  for (let y = first; y <= last; y += every) years.push(y)
  return years
}
