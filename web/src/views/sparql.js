// The SPARQL editor: CodeMirror with SPARQL highlighting, the endpoint's predeclared prefixes, the example queries of
// docs/queries.md (read at build time), and a result table whose IRIs of ours link to their pages.
import { StreamLanguage } from '@codemirror/language'
import { sparql as sparqlMode } from '@codemirror/legacy-modes/mode/sparql'
import { Prec } from '@codemirror/state'
import { keymap } from '@codemirror/view'
import { EditorView, basicSetup } from 'codemirror'
import queriesPage from '../../../docs/queries.md?raw'
import { cfg, errorBox, fill, h, number, routeOf, section, sparql, spinner } from '../lib.js'

const ROWS_SHOWN = 1000 // rows drawn in the table; the CSV download has them all

/** The example queries of docs/queries.md: each "## question" heading with the first sparql block under it. */
export function examples(markdown = queriesPage) {
  return markdown.split(/^## /m).slice(1).map((part) => {
    const title = part.slice(0, part.indexOf('\n')).trim()
    const code = part.match(/```sparql\n([\s\S]*?)```/)
    return code ? { title, query: code[1].trim() } : null
  }).filter(Boolean)
}

const STARTER = `# The prefixes listed above are predeclared: no PREFIX lines needed.
SELECT ?entity ?label ?type WHERE {
  ?entity a ?type ; rdfs:label ?label .
  VALUES ?type { ekg:Person ekg:Organization ekg:Group }
}
ORDER BY ?label
LIMIT 50`

export async function render(view, { params }) {
  const results = h('div', { class: 'results' })
  const status = h('span', { class: 'muted small status' })
  const editor = new EditorView({
    doc: params.get('query') || STARTER,
    extensions: [basicSetup, StreamLanguage.define(sparqlMode),
      // Above basicSetup's keymap, where Mod-Enter inserts a blank line.
      Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => { run(); return true } }]))],
  })
  const list = examples()
  const picker = h('select', { 'aria-label': 'Example queries', onchange: () => {
    const chosen = list[Number(picker.value)]
    if (chosen) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: chosen.query } })
  } }, h('option', { value: '' }, `Example queries (${list.length})…`), list.map((q, i) => h('option', { value: i }, q.title)))
  const prefixes = Object.entries(cfg().prefixes)
  const runButton = h('button', { type: 'button', class: 'primary', onclick: () => run() }, 'Run ▶')
  const csvButton = h('button', { type: 'button', onclick: () => download() }, 'Download CSV')

  fill(view, h('div', { class: 'page-head' }, h('h1', {}, 'SPARQL')),
    section('Query', h('div', { class: 'toolbar' }, picker, runButton, csvButton, status, h('span', { class: 'muted small' }, 'Ctrl/⌘-Enter runs it')),
      h('div', { class: 'editor' }, editor.dom),
      h('details', { class: 'prefixes' }, h('summary', {}, `Predeclared prefixes: ${prefixes.map(([p]) => p).join(', ')}`),
        h('pre', {}, prefixes.map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join('\n')))),
    results)

  async function run() {
    const query = editor.state.doc.toString()
    history.replaceState(null, '', `#/sparql?${new URLSearchParams({ query })}`)
    runButton.disabled = true
    fill(results, spinner('Running…'))
    const started = performance.now()
    try {
      const form = /^\s*(#[^\n]*\n\s*|PREFIX[^\n]*\n\s*|BASE[^\n]*\n\s*)*(CONSTRUCT|DESCRIBE)\b/i.test(query) ? 'graph' : 'results'
      const answer = await sparql(query, { accept: form === 'graph' ? 'text/turtle' : 'application/sparql-results+json' })
      const seconds = ((performance.now() - started) / 1000).toFixed(2)
      fill(results, form === 'graph' ? section('Triples (Turtle)', h('pre', { class: 'turtle' }, answer)) : table(answer))
      status.textContent = `${seconds} s`
    } catch (err) {
      fill(results, errorBox(err))
      status.textContent = ''
    }
    runButton.disabled = false
  }

  async function download() {
    try {
      const csv = await sparql(editor.state.doc.toString(), { accept: 'text/csv' })
      const link = h('a', { href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })), download: 'eventkg-query.csv' })
      link.click()
      URL.revokeObjectURL(link.href)
    } catch (err) {
      fill(results, errorBox(err))
    }
  }

  if (params.get('query')) run()
}

function table(answer) {
  if (typeof answer.boolean === 'boolean') return section('Answer', h('p', { class: 'ask' }, answer.boolean ? 'yes (true)' : 'no (false)'))
  const columns = answer.head.vars
  const rows = answer.results.bindings
  return section(`${number(rows.length)} row${rows.length === 1 ? '' : 's'}`,
    rows.length > ROWS_SHOWN ? h('p', { class: 'muted small' }, `The first ${ROWS_SHOWN} are shown; the CSV download has them all.`) : '',
    h('div', { class: 'scroll' }, h('table', { class: 'data sparql-results' },
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, `?${c}`)))),
      h('tbody', {}, rows.slice(0, ROWS_SHOWN).map((row) => h('tr', {}, columns.map((c) => h('td', {}, term(row[c])))))))))
}

function term(value) {
  if (!value) return ''
  if (value.type === 'uri') {
    const route = routeOf(value.value)
    const short = shorten(value.value)
    return route ? h('a', { href: route, title: value.value }, short) : h('span', { class: 'iri', title: value.value }, short)
  }
  if (value.type === 'bnode') return `_:${value.value}`
  return value.value
}

/** ``ekg:Attack`` for an IRI under a predeclared prefix; the IRI otherwise. */
function shorten(iri) {
  for (const [prefix, namespace] of Object.entries(cfg().prefixes)) {
    if (iri.startsWith(namespace) && /^[\w-]*$/.test(iri.slice(namespace.length))) return `${prefix}:${iri.slice(namespace.length)}`
  }
  const base = Object.values(cfg().bases).find((b) => iri.startsWith(b))
  return base ? iri.slice(base.length) : iri
}
