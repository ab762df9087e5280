// One article: its metadata, its text with what was extracted marked (event triggers at their offsets, mentions of
// its entities under their names), and lists of its entities, events and relations.
import { badge, entityColor, eventColor, fill, getJSON, h, idPath, refLink, routeFor, section, select } from '../lib.js'
import { eventTable } from './entity.js'

export async function render(view, { id, params, signal }) {
  const article = await getJSON(idPath('/articles', id), { signal })
  const [text, triggers] = await Promise.all([
    select(`SELECT ?text WHERE { <${article.iri}> ekg:text ?text } LIMIT 1`, { signal }),
    select(`SELECT ?e ?start ?end WHERE { GRAPH ?g { ?e prov:wasDerivedFrom <${article.iri}> ;
      ekg:triggerStart ?start ; ekg:triggerEnd ?end } }`, { signal }),
  ])
  document.title = `${article.headline || article.id} – eventkg explorer`
  const events = new Map(article.events.map((e) => [e.iri, e]))
  const body = text.length ? highlighted(text[0].text, article, triggers.map((t) => ({
    start: Number(t.start), end: Number(t.end), event: events.get(t.e) })).filter((t) => t.event)) : h('p', { class: 'muted' }, 'The text is not stored.')
  fill(view,
    h('div', { class: 'page-head' }, h('h1', {}, article.headline || article.id)),
    h('p', { class: 'muted' }, [article.publisher, article.published].filter(Boolean).join(' · '),
      article.url ? [' · ', h('a', { href: article.url, target: '_blank', rel: 'noopener noreferrer' }, 'original')] : '',
      ` · ${article.characters.toLocaleString('en')} characters · ${article.extractor || ''}`),
    h('div', { class: 'article-layout' },
      section('Text', h('p', { class: 'muted small' }, 'Marked: ', h('mark', { class: 'trigger' }, 'event triggers'), ' and ',
        h('mark', { class: 'mention' }, 'entity mentions'), '; click one to open it.'), body),
      h('div', {},
        section(`Entities (${article.entities.length})`, h('ul', { class: 'plain' }, article.entities.map((e) =>
          h('li', {}, badge(e.type, entityColor(e.type)), ' ', h('a', { href: routeFor('entity', e.key) }, e.label))))),
        section(`Relations (${article.relations.length})`, h('ul', { class: 'plain' }, article.relations.map((r) =>
          h('li', {}, refLink(r.subject), ' ', h('strong', {}, r.predicate), ' ', refLink(r.object))))))),
    section(`Events (${article.events.length})`, eventTable(article.events)))
  const wanted = params.get('event')
  if (wanted) {
    const mark = view.querySelector(`mark[data-event="${CSS.escape(wanted)}"]`)
    mark?.classList.add('focus')
    mark?.scrollIntoView({ block: 'center' })
  }
}

/** The text as paragraphs with triggers and mentions marked; where they overlap, the trigger wins. */
function highlighted(text, article, triggers) {
  const spans = triggers.map((t) => ({ ...t, kind: 'trigger' }))
  const names = []
  for (const entity of article.entities) {
    for (const name of [entity.label, ...entity.aliases]) if (name && name.length > 1) names.push([name, entity])
  }
  names.sort((a, b) => b[0].length - a[0].length) // longest first: "Islamic State" before "State"
  const taken = (start, end) => spans.some((s) => start < s.end && s.start < end)
  for (const [name, entity] of names) {
    const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'gu')
    for (const match of text.matchAll(pattern)) {
      const end = match.index + match[0].length
      if (!taken(match.index, end)) spans.push({ start: match.index, end, kind: 'mention', entity })
    }
  }
  spans.sort((a, b) => a.start - b.start)
  const out = []
  let at = 0
  for (const span of spans) {
    if (span.start < at) continue
    out.push(text.slice(at, span.start))
    const words = text.slice(span.start, span.end)
    if (span.kind === 'trigger') {
      out.push(h('a', { href: routeFor('event', span.event.id), class: 'mark-link' },
        h('mark', { class: 'trigger', style: `border-color:${eventColor(span.event.type)}`, title: span.event.label || span.event.type,
          dataset: { event: span.event.id } }, words)))
    } else {
      out.push(h('a', { href: routeFor('entity', span.entity.key), class: 'mark-link' },
        h('mark', { class: 'mention', style: `border-color:${entityColor(span.entity.type)}`, title: `${span.entity.label} (${span.entity.type})` }, words)))
    }
    at = span.end
  }
  out.push(text.slice(at))
  // Paragraphs: split the marked-up pieces at blank lines in the text pieces.
  const paragraphs = [[]]
  for (const piece of out) {
    if (typeof piece !== 'string') { paragraphs.at(-1).push(piece); continue }
    const parts = piece.split(/\n\s*\n/)
    parts.forEach((part, i) => { if (i) paragraphs.push([]); paragraphs.at(-1).push(part) })
  }
  return h('div', { class: 'article-text' }, paragraphs.map((p) => h('p', {}, p)))
}
