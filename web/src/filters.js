// The filters of the network and event views (the projection filters of the API: event types, date range, modality,
// minimum confidence), kept in the page's address so that a view can be shared and reloaded.
import { cfg, h } from './lib.js'

const ISO = /^\d{4}(-\d{2}(-\d{2})?)?$/

/** The filters in the address's query (``#/graph?type=Attack&from=2022``). */
export function readFilters(params) {
  return {
    types: params.getAll('type'),
    modalities: params.has('modality') ? params.getAll('modality') : ['asserted'],
    from: params.get('from') || '',
    to: params.get('to') || '',
    minConfidence: Number(params.get('min_confidence') || 0),
  }
}

/** The API query parameters for ``filters`` (what /analytics and /export take). */
export function filterParams(filters) {
  const params = new URLSearchParams()
  for (const type of filters.types) params.append('type', type)
  for (const modality of filters.modalities) params.append('modality', modality)
  if (filters.from) params.set('from', filters.from)
  if (filters.to) params.set('to', filters.to)
  if (filters.minConfidence > 0) params.set('min_confidence', String(filters.minConfidence))
  return params
}

/** A short text saying what the filters keep. */
export function describeFilters(filters) {
  const parts = [filters.types.length ? filters.types.join(', ') : 'all event types',
    filters.modalities.length ? filters.modalities.join(', ') : 'any modality']
  if (filters.from || filters.to) parts.push(`${filters.from || '…'} to ${filters.to || '…'}`)
  if (filters.minConfidence > 0) parts.push(`confidence ≥ ${filters.minConfidence}`)
  return parts.join(' · ')
}

/** The filter bar; ``apply(filters)`` when the user applies it. */
export function filterBar(filters, apply, extra = []) {
  const { event_types: eventTypes, modalities } = cfg()
  const checks = (name, values, chosen) => values.map((value) => h('label', { class: 'check' },
    h('input', { type: 'checkbox', name, value, checked: chosen.includes(value) }), value))
  const from = h('input', { name: 'from', value: filters.from, placeholder: 'YYYY[-MM[-DD]]', size: 11, pattern: ISO.source })
  const to = h('input', { name: 'to', value: filters.to, placeholder: 'YYYY[-MM[-DD]]', size: 11, pattern: ISO.source })
  const shown = h('output', {}, filters.minConfidence.toFixed(2))
  const conf = h('input', { type: 'range', name: 'min_confidence', min: 0, max: 1, step: 0.05,
    value: filters.minConfidence, oninput: () => { shown.value = Number(conf.value).toFixed(2) } })
  const typesBox = h('details', { class: 'multi' },
    h('summary', {}, filters.types.length ? `Event types (${filters.types.length})` : 'Event types: all'),
    h('div', { class: 'options' }, checks('type', eventTypes, filters.types)))
  const modalityBox = h('details', { class: 'multi' },
    h('summary', {}, `Modality: ${filters.modalities.join(', ') || 'any'}`),
    h('div', { class: 'options' }, checks('modality', modalities, filters.modalities)))
  const form = h('form', { class: 'filters', onsubmit: (event) => {
    event.preventDefault()
    if (!ISO.test(from.value || '0000') || !ISO.test(to.value || '0000')) {
      form.querySelector('.hint').textContent = 'Dates are ISO: 2022, 2022-03 or 2022-03-15.'
      return
    }
    const data = new FormData(form)
    apply({ types: data.getAll('type'), modalities: data.getAll('modality'), from: from.value.trim(),
      to: to.value.trim(), minConfidence: Number(conf.value) })
  } },
  typesBox, modalityBox,
  h('label', {}, 'From ', from), h('label', {}, 'to ', to),
  h('label', {}, 'Min. confidence ', conf, shown),
  ...extra,
  h('button', { type: 'submit' }, 'Apply'), h('span', { class: 'hint' }))
  return form
}

/** Links to the /export downloads of the filtered network; ``extra`` query parameters (``top``, ``center``) keep
 * the part of it a picture shows, as /analytics/network does. */
export function exportLinks(filters, extra = {}, title = 'Export this network') {
  const query = filterParams(filters)
  for (const [name, value] of Object.entries(extra)) query.set(name, value)
  const link = (format, text) => h('a', { href: `/export/${format}${query.size ? `?${query}` : ''}`, download: '',
    class: 'button', 'data-format': format }, text)
  return h('div', { class: 'exports' }, `${title}: `, link('gexf', 'GEXF'), link('graphml', 'GraphML'),
    link('csv-nodes', 'CSV nodes'), link('csv-edges', 'CSV edges'))
}
