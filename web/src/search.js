// Type-ahead search of entities under any of their names (label or alias): GET /entities?q=, one page of 8.
import { badge, entityColor, getJSON, h, routeFor } from './lib.js'

const WAIT_MS = 150 // typing pauses shorter than this send no request

export function searchBox() {
  const input = h('input', { type: 'search', placeholder: 'Search entities by any name or alias…',
    'aria-label': 'Search entities', autocomplete: 'off', spellcheck: 'false' })
  const list = h('ul', { class: 'suggestions', role: 'listbox', hidden: true })
  let timer = null
  let pending = null
  let active = -1

  const items = () => [...list.querySelectorAll('li[data-route]')]
  const highlight = (index) => {
    const all = items()
    active = Math.max(-1, Math.min(index, all.length - 1))
    all.forEach((li, i) => li.classList.toggle('active', i === active))
  }
  const close = () => { list.hidden = true; active = -1 }
  const go = (target) => { close(); input.value = ''; location.hash = target }

  async function suggest(q) {
    pending?.abort()
    pending = new AbortController()
    try {
      const page = await getJSON(`/entities?${new URLSearchParams({ q, limit: 8 })}`, { signal: pending.signal })
      list.replaceChildren(...page.items.map((entity) => {
        const other = entity.aliases.find((alias) => alias.toLowerCase().includes(q.toLowerCase()))
        const shown = entity.label.toLowerCase().includes(q.toLowerCase()) ? null : other
        return h('li', { role: 'option', dataset: { route: routeFor('entity', entity.key) },
          onmousedown: (event) => { event.preventDefault(); go(routeFor('entity', entity.key)) } },
        badge(entity.type, entityColor(entity.type)), ' ', h('strong', {}, entity.label),
        shown ? h('span', { class: 'muted' }, ` also “${shown}”`) : '')
      }))
      if (!page.items.length) list.append(h('li', { class: 'muted' }, `No entity is named “${q}”.`))
      else if (page.total > page.items.length) list.append(h('li', { class: 'muted' }, `${page.total} entities match; type more to narrow.`))
      list.hidden = false
      highlight(0)
    } catch (err) {
      if (err.name !== 'AbortError') {
        list.replaceChildren(h('li', { class: 'error' }, err.message))
        list.hidden = false
      }
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer)
    const q = input.value.trim()
    if (!q) { pending?.abort(); close(); return }
    timer = setTimeout(() => suggest(q), WAIT_MS)
  })
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown') { highlight(active + 1); event.preventDefault() }
    else if (event.key === 'ArrowUp') { highlight(active - 1); event.preventDefault() }
    else if (event.key === 'Escape') close()
    else if (event.key === 'Enter' && active >= 0) go(items()[active].dataset.route)
  })
  input.addEventListener('blur', close)
  return h('div', { class: 'search-box' }, input, list)
}
