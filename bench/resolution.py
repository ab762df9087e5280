"""Entity resolution and incidents on real dev texts (issue 11): ingest order, entity IRIs per real entity, the
violence network's components, incidents by number of sources.

    python -m bench.resolution [--wikievents 20] [--muc4 130]

The corpus is the first WikiEvents and MUC-4 dev documents of ``../shared/data``, read at run time and extracted once.
The same extractions are put into two fresh in-memory stores, forward and reversed. Printed:

- whether the two stores hold identical quad sets (the change log, which records when, left out);
- for a hand-checked list of real entities (``CHECKED``: every name form the corpus uses for each), how many entity
  IRIs carry one of those names as label or alias (1 is the target);
- the network of attacks and killings (``project(predicates=["attacked", "killed"])``): nodes, edges, weakly connected
  components, the largest component; and the same with article-local actors rolled up (``roll_up=True``);
- the median time of a write (a delete or a put of one of the last articles) in a fresh opening of a store on disk,
  as the HTTP API writes, with the resolution state kept between openings and read again each time;
- incidents by number of sources, and by number of distinct victim figures (2 or more: the sources disagree).

Only public functions that predate entity resolution are used (``article_rdf``, ``EventStore.put``, ``project``), so
the script also measures an older checkout: ``PYTHONPATH=<old checkout> python bench/resolution.py``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import time
from collections import Counter
from pathlib import Path

import networkx as nx

from extract.evaluation import DATASETS
from extract.model import Article
from extract.pipeline import Extractor
from graph.projection import project
from graph.rdf import article_rdf
from graph.store import EventStore

SHARED = Path(os.environ.get("EVENTKG_SHARED", Path(__file__).resolve().parents[2] / "shared"))

# Real entities of the corpus and every name form it uses for each (checked by reading the entity lists of both
# stores): the figure is how many entity IRIs carry one of these names.
CHECKED = {
    "Bashar al-Assad": ["Bashar al-Assad", "Bashar Assad", "Assad", "President Bashar al-Assad"],
    "Donald Trump": ["Donald Trump", "Trump", "President Trump", "President Donald Trump"],
    "Barack Obama": ["Barack Obama", "Obama", "President Obama", "-President Obama"],
    "ISIS": ["ISIS", "Islamic State", "IS", "ISIL", "Daesh", "Islamic State group"],
    "Farabundo Marti National Liberation Front": ["FMLN", "Farabundo Marti National Liberation Front"],
    "Alfredo Cristiani": ["Alfredo Cristiani", "Cristiani", "President Cristiani", "President Alfredo Cristiani"],
    "San Salvador": ["San Salvador"],
    "El Salvador": ["El Salvador", "Salvador"],
    "Medellin cartel": ["Medellin cartel", "Medellin Cartel"],
    "Pablo Escobar": ["Pablo Escobar", "Escobar"],
    "Associated Press": ["Associated Press", "AP"],
    "United States": ["United States", "U.S.", "US", "United States of America"],
}


def corpus(wikievents: int, muc4: int) -> list[Article]:
    with (SHARED / "data" / "wikievents" / "dev.jsonl").open() as lines:
        docs = [json.loads(line) for _, line in zip(range(wikievents), lines)]
    articles = [Article(id=f"wikievents-{d['doc_id']}", text=d["text"], published="2020-01-01") for d in docs]
    articles += [d.article for d in DATASETS["muc4"].read(SHARED / "data" / "muc4")[:muc4]]
    return articles


def content(kg: EventStore) -> list[str]:
    """Every quad but the change log's, if the store keeps one (it records when, not what)."""
    log = str(getattr(kg.iris, "changes_graph", ""))
    return sorted(str(q) for q in kg.native if not (log and getattr(q.graph_name, "value", None) == log))


def build(pairs) -> tuple[EventStore, float]:
    kg = EventStore(None)
    start = time.perf_counter()
    for article, extraction in pairs:
        kg.put(article_rdf(article, extraction, kg.iris))
    return kg, time.perf_counter() - start


def iris_per_entity(kg: EventStore) -> dict[str, int]:
    names: dict[str, set[str]] = {}
    for row in kg.select("SELECT DISTINCT ?e ?n WHERE { ?e ekg:mentionedIn ?a . { ?e rdfs:label ?n } UNION "
                         "{ ?e skos:altLabel ?n } }"):
        names.setdefault(row["n"].value.casefold(), set()).add(row["e"].value)
    out = {}
    for entity, forms in CHECKED.items():
        iris = set().union(*(names.get(f.casefold(), set()) for f in forms))
        if iris:
            out[entity] = len(iris)
    return out


def violence(kg: EventStore, **options) -> dict:
    G = project(kg, predicates=["attacked", "killed"], **options)
    components = list(nx.weakly_connected_components(G))
    named = [n for n in G if "%40" not in n and "@" not in n]
    return {"nodes": G.number_of_nodes(), "named nodes": len(named), "edges": G.number_of_edges(),
            "components": len(components), "largest": max((len(c) for c in components), default=0)}


def incidents_by_sources(kg: EventStore) -> Counter:
    rows = kg.select("SELECT ?i ?n WHERE { ?i a ?c ; ?p ?n . FILTER(STRENDS(STR(?c), '#Incident') && "
                     "STRENDS(STR(?p), '#sourceCount')) }")
    return Counter(int(r["n"].value) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wikievents", type=int, default=20)
    parser.add_argument("--muc4", type=int, default=130)
    args = parser.parse_args()
    articles = corpus(args.wikievents, args.muc4)
    pairs = list(zip(articles, Extractor().extract_many(articles)))
    forward, forward_s = build(pairs)
    backward, _ = build(pairs[::-1])
    same = content(forward) == content(backward)
    print(f"{len(articles)} articles ({args.wikievents} WikiEvents, {len(articles) - args.wikievents} MUC-4 dev); "
          f"{len(forward)} quads forward, {len(backward)} reversed; identical quad sets: {same}; "
          f"puts took {forward_s:.1f} s")
    print("entity IRIs per checked entity:", json.dumps(iris_per_entity(forward)))
    print("violence network (attacked, killed):", json.dumps(violence(forward)))
    try:
        print("violence network, article-local actors rolled up:", json.dumps(violence(forward, roll_up=True)))
    except TypeError:  # a checkout without roll_up
        pass
    print("incidents by number of sources:", json.dumps(dict(sorted(incidents_by_sources(forward).items()))))
    print("writes in a fresh opening each (as the HTTP API writes), ms per write:", json.dumps(reopened_writes(pairs)))
    figures = Counter(len(set(i["victim_counts"])) for i in _all_incidents(forward))
    print("incidents by number of distinct victim figures:", json.dumps(dict(sorted(figures.items()))))


def reopened_writes(pairs, writes: int = 10) -> dict:
    """A store on disk holding every article; then ``writes`` deletes and puts of its last articles, each in an
    opening of its own, with the resolution state kept between openings (graph/writer_state.py) and without it (dropped
    before each opening, as before the cache existed), interleaved."""
    import tempfile

    from graph.store import open_store
    from graph.writer_state import kept_states

    with tempfile.TemporaryDirectory(prefix="eventkg-bench-resolution-") as folder:
        path = Path(folder) / "kg"
        with open_store(path) as kg:
            for article, extraction in pairs:
                kg.put(article_rdf(article, extraction, kg.iris))
        times: dict[str, list[float]] = {"kept": [], "read again": []}
        for n, (article, extraction) in enumerate(pairs[-writes:]):
            for way in ("kept", "read again"):
                if way == "read again":
                    kept_states.take((str(path.resolve()), kg.iris.base))
                for write in ("delete", "put"):
                    start = time.perf_counter()
                    with open_store(path) as kg:
                        if write == "delete":
                            kg.delete_article(article.id)
                        else:
                            kg.put(article_rdf(article, extraction, kg.iris))
                    times[way].append(time.perf_counter() - start)
    out = {way: round(1000 * sorted(t)[len(t) // 2], 1) for way, t in times.items()}
    out["ratio"] = round(out["read again"] / out["kept"], 2)
    return out


def _all_incidents(kg: EventStore) -> list[dict]:
    for module in ("graph.reading.incidents", "graph.incidents"):  # the reader's home, and where older checkouts had it
        try:
            reader = importlib.import_module(module).incidents
        except (ImportError, AttributeError):
            continue
        return [i if isinstance(i, dict) else vars(i) for i in reader(kg, limit=100000)]  # records since 2eb076e
    return []  # a checkout without incidents


if __name__ == "__main__":
    main()
