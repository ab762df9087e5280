// The ego network of an entity, bounded: its ``size`` strongest connections (statements either way) and the strongest
// edges among them, in two aggregate SPARQL queries whose patterns start from the entities themselves. A hub of a
// million-quad store has thousands of neighbours; this reads a ranking of them, never the whole neighbourhood.
import { cfg, idOf, literal, select } from './lib.js'

const EDGES_AMONG = 600 // edges drawn between the neighbours, strongest first

/** {nodes: [{id, key, label, type, degree, statements}], edges: [{source, target, predicate, statements}]}; the
 * centre is nodes[0], the others by statements with it. */
export async function egoNetwork(iri, size, { signal } = {}) {
  const center = `<${iri}>`
  const ranked = await select(`SELECT ?other ?label ?type ?n WHERE {
  { SELECT ?other (COUNT(?st) AS ?n) WHERE {
      { ?st rdf:subject ${center} ; rdf:object ?other } UNION { ?st rdf:object ${center} ; rdf:subject ?other }
      FILTER(?other != ${center} && STRSTARTS(STR(?other), ${literal(cfg().bases.entity)}))
    } GROUP BY ?other ORDER BY DESC(?n) ?other LIMIT ${Number(size)} }
  OPTIONAL { ?other rdfs:label ?label }
  OPTIONAL { ?other a ?type FILTER(?type IN (ekg:Person, ekg:Organization, ekg:Group, ekg:Place)) }
} ORDER BY DESC(?n) ?other`, { signal })
  const [self] = await select(`SELECT ?label ?type WHERE { ${center} rdfs:label ?label .
  OPTIONAL { ${center} a ?type FILTER(?type IN (ekg:Person, ekg:Organization, ekg:Group, ekg:Place)) } } LIMIT 1`, { signal })
  const rows = [{ other: iri, label: self?.label, type: self?.type, n: 0 }, ...unique(ranked)]
  const values = rows.map((r) => `<${r.other}>`).join(' ')
  const edges = await select(`SELECT ?s ?o ?p (COUNT(?st) AS ?n) WHERE {
  VALUES ?s { ${values} } VALUES ?o { ${values} }
  ?st rdf:subject ?s ; rdf:object ?o ; rdf:predicate ?p .
  FILTER(?s != ?o)
} GROUP BY ?s ?o ?p ORDER BY DESC(?n) ?s ?o ?p LIMIT ${EDGES_AMONG + 4 * rows.length}`, { signal })
  // Every edge with the centre, then the strongest among the others.
  const withCenter = edges.filter((e) => e.s === iri || e.o === iri)
  const among = edges.filter((e) => e.s !== iri && e.o !== iri).slice(0, EDGES_AMONG)
  const kept = [...withCenter, ...among].map((e) => ({ source: e.s, target: e.o, predicate: e.p.split('#').pop(),
    statements: Number(e.n) }))
  const degree = new Map()
  for (const e of kept) for (const node of [e.source, e.target]) degree.set(node, (degree.get(node) || 0) + 1)
  return {
    nodes: rows.map((r) => ({ id: r.other, key: idOf('entity', r.other), label: r.label || idOf('entity', r.other),
      type: r.type ? r.type.split('#').pop() : null, degree: degree.get(r.other) || 0, statements: Number(r.n) })),
    edges: kept,
  }
}

/** One row per entity (an entity with two labels or types would come twice). */
function unique(rows) {
  const seen = new Set()
  return rows.filter((r) => !seen.has(r.other) && seen.add(r.other))
}
