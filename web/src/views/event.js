// One event: its type, modality, time, roles, the sentence it was read from with the trigger marked, and its article.
import { badge, confidence, eventColor, fill, getJSON, h, idPath, refLink, routeFor, section } from '../lib.js'

export async function render(view, { id, signal }) {
  const event = await getJSON(idPath('/events', id), { signal })
  document.title = `${event.label || event.id} – eventkg explorer`
  const articleRoute = `${routeFor('article', event.article.id)}?event=${encodeURIComponent(id)}`
  fill(view,
    h('div', { class: 'page-head' },
      h('h1', {}, event.label || event.id, ' ', badge(event.type, eventColor(event.type))),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: articleRoute }, 'Read it in the article'))),
    h('div', { class: 'columns' },
      section('What', h('dl', { class: 'facts' }, [
        ['Type', event.type], ['Modality', event.modality],
        ['Time', event.time ? `${event.time}${event.time_text ? ` (“${event.time_text}”)` : ''}` : '—'],
        ['Confidence', confidence(event.confidence)],
        ['According to', event.according_to ? refLink(event.according_to) : '—'],
        ['Article', refLink(event.article)], ['Extractor', event.extractor || '—'],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))),
      section('Who and where', event.roles.length ? h('dl', { class: 'facts' }, event.roles.map((r) =>
        [h('dt', {}, r.role), h('dd', {}, refLink(r.node))])) : h('p', { class: 'muted' }, 'No role was filled.'))),
    section('Evidence', h('blockquote', { class: 'evidence' }, marked(event)),
      h('p', {}, h('a', { href: articleRoute }, 'See the sentence in the whole article'))),
    event.relations.length ? section('Relations it yielded', h('ul', { class: 'plain' }, event.relations.map((r) =>
      h('li', {}, refLink(r.subject), ' ', h('strong', {}, r.predicate), ' ', refLink(r.object),
        h('span', { class: 'muted small' }, ` · confidence ${confidence(r.confidence)}`))))) : '')
}

/** The sentence with the trigger marked (the offsets are the article's; the sentence starts at sentence_start). */
function marked(event) {
  const text = event.sentence || ''
  const start = event.trigger_start - event.sentence_start
  const end = event.trigger_end - event.sentence_start
  if (!(start >= 0 && end <= text.length && start < end)) return text
  return [text.slice(0, start), h('mark', { class: 'trigger' }, text.slice(start, end)), text.slice(end)]
}
