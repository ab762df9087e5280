"""Stored articles, one article with what was extracted from it, and what changed since a time (the change log of
:mod:`graph.changes`)."""

from __future__ import annotations

from graph.namespaces import EKG, local_name
from graph.reading.entities import entity_summary
from graph.reading.events import events
from graph.reading.query import page_of, ref, select, since_literal, value_of, window
from graph.reading.records import ArticleDetail, ArticleSummary, Change, Page
from graph.reading.relations import relations
from graph.store import EventStore

_ARTICLE = """
  GRAPH ?g { ?a a ekg:Article ; ekg:articleId ?id .
    OPTIONAL { ?a schema:headline ?headline } OPTIONAL { ?a schema:publisher ?publisher }
    OPTIONAL { ?a schema:url ?url } OPTIONAL { ?a schema:datePublished ?published } }
  OPTIONAL { GRAPH ?changes { ?a ekg:ingestedAt ?ingested } }
"""


def articles(store: EventStore, *, since: str | None = None, limit: int = 50, offset: int = 0) -> Page[ArticleSummary]:
    """Stored articles by id; with ``since``, those written after that time (by time written, then id)."""
    bindings = {"changes": store.iris.changes_graph}
    where, order = _ARTICLE, "?id"
    if since is not None:
        bindings["since"] = since_literal(since)
        where = _ARTICLE.replace("OPTIONAL { GRAPH ?changes", "{ GRAPH ?changes") + "FILTER(?ingested > ?since)"
        order = "?ingested ?id"
    rows = select(store, f"SELECT ?a ?id ?headline ?publisher ?url ?published ?ingested {{bound}} WHERE {{ {where} }} "
                         f"ORDER BY {order} {window(limit, offset)}", **bindings)
    return page_of(store, [_article_summary(r) for r in rows], limit, offset, where, "a", bindings)


def _article_summary(row) -> ArticleSummary:
    return ArticleSummary(row["id"].value, row["a"].value, value_of(row["headline"]), value_of(row["publisher"]),
                          value_of(row["url"]), value_of(row["published"]), value_of(row["ingested"]))


def article(store: EventStore, article_id: str) -> ArticleDetail | None:
    """One article's metadata and what was extracted from it: entities, events and direct edges."""
    graph = store.iris.article_graph(article_id)
    rows = list(select(
        store,
        f"SELECT ?a ?id ?headline ?publisher ?url ?published ?ingested ?hash ?run ?chars {{bound}} WHERE {{ {_ARTICLE} "
        "GRAPH ?g { ?a ekg:contentHash ?hash ; ekg:text ?text OPTIONAL { ?run a prov:Activity } } "
        "BIND(STRLEN(?text) AS ?chars) }",
        g=graph, changes=store.iris.changes_graph,
    ))
    if not rows:
        return None
    row = rows[0]
    mentioned = select(
        store,
        "SELECT ?e ?label ?type {bound} WHERE { GRAPH ?g { ?e ekg:mentionedIn ?a } GRAPH ?eg { ?e rdfs:label ?label ; a ?type } }"
        " ORDER BY ?e ?type ?label",
        g=graph, eg=store.iris.entities_graph,
    )
    run = row["run"]
    return ArticleDetail(
        **vars(_article_summary(row)),
        content_hash=row["hash"].value,
        extractor=local_name(run.value) if run is not None else None,
        characters=int(row["chars"].value),
        entities=[entity_summary(store, r["e"].value, r["label"].value, r["type"].value) for r in mentioned],
        events=events(store, article=article_id, sort="time", limit=10_000).items,  # sorted: same on every store
        relations=relations(store, article=article_id, limit=10_000).items,
    )


def changes(store: EventStore, since: str | None = None, *, limit: int = 100, offset: int = 0) -> Page[Change]:
    """Articles written or deleted after ``since`` (all of them without), oldest first: the change feed. Pass the
    ``at`` of the last change read as the next ``since``."""
    bindings = {"changes": store.iris.changes_graph}
    where = "GRAPH ?changes { ?a ?what ?at } VALUES ?what { ekg:ingestedAt ekg:deletedAt }"
    if since is not None:
        bindings["since"] = since_literal(since)
        where += " FILTER(?at > ?since)"
    rows = select(store, f"SELECT ?a ?what ?at {{bound}} WHERE {{ {where} }} ORDER BY ?at ?a {window(limit, offset)}",
                  **bindings)
    items = [Change(ref(store, r["a"].value).id, "ingested" if r["what"].value == str(EKG.ingestedAt) else "deleted",
                    r["at"].value) for r in rows]
    return page_of(store, items, limit, offset, where, "a", bindings, distinct=False)
