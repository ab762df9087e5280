"""``eventkg load`` into a store on a SPARQL server (graph/remote_load.py, docs/scale-out.md "Loading RDF into a server
store"), on the Oxigraph server and Virtuoso started once per session (tests/scale_fixtures.py): a load that fails
midway leaves whole graphs and a re-run replaces them; a graph larger than a request is staged and switched in one
update; many short triples go in one request; an article larger than a Virtuoso block is stored whole."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.store import EventStore
from tests.scale_fixtures import comparable_quads, emptied, emptied_store, server_store


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)  # it refuses a literal the Oxigraph server keeps
def test_a_load_that_fails_midway_leaves_whole_graphs_and_a_rerun_replaces_them(server, tmp_path):
    from graph.store import StoreError

    with emptied_store(server) as store:
        graphs = [f"{store.iris.base}graph/loaded/{n}" for n in range(5)]
        store.native.request_bytes = 6000  # one graph per request (4 MB by default)
        # the fourth graph's last literal is no integer: Virtuoso refuses its request, the fourth of five
        with pytest.raises(StoreError, match=r"first 3 graph\(s\) are stored, each whole; the others are as they "
                                             r"were before the load.*run the same load again"):
            store.load(_graphs_file(tmp_path, graphs, '"forty"'))
        assert _held(store, graphs) == {g: 41 for g in graphs[:3]}

        assert store.load(_graphs_file(tmp_path, graphs, '"39"')) == 5 * 41
        # every graph whole; a graph stored before is replaced, its blank node too
        assert _held(store, graphs) == {g: 41 for g in graphs}


def test_a_graph_larger_than_a_request_is_staged_and_switched_in_one_update(server, tmp_path):
    from graph.remote_load import GENID, STAGE
    from graph.store import StoreError

    with emptied_store(server) as store:
        graphs = [f"{store.iris.base}graph/loaded/{n}" for n in range(3)]
        store.native.request_bytes = 1500  # each graph's 41 triples take several requests
        store.load(_graphs_file(tmp_path, graphs, '"39"'))
        store.load(_graphs_file(tmp_path, graphs, '"39"'))  # a re-run replaces each graph
        assert _held(store, graphs) == {g: 41 for g in graphs}
        blanks = {str(q.subject) for q in store.native.quads_for_pattern(None, ox.NamedNode("https://example.org/in"))}
        assert len(blanks) == 3 and all(b.startswith(f"<{GENID}") for b in blanks)  # skolemised across requests
        assert not _staged(store, STAGE)
        if server.name == "virtuoso":  # a staged part it refuses: the graph stays as it was
            with pytest.raises(StoreError, match=r"the large graph <.*/loaded/1> is as it was"):
                store.load(_graphs_file(tmp_path, graphs, '"forty"', bad_graph=1))
            assert _held(store, graphs) == {g: 41 for g in graphs}


def test_a_graph_of_many_short_triples_loads_in_one_request(server, tmp_path):
    # Virtuoso's SPARQL compiler refuses a block of more than about 5,000 triples ("SP030 … memory exhausted")
    with emptied_store(server) as store:
        graph = f"{store.iris.base}graph/loaded/many"
        path = tmp_path / "many.nq"
        path.write_text("".join(f'<https://example.org/s{i}> <https://example.org/p> "v" <{graph}> .\n'
                                for i in range(6000)))
        assert store.load(path) == 6000
        assert _held(store, [graph]) == {graph: 6000}


def test_an_article_of_more_triples_than_a_virtuoso_block_is_stored_whole(server, hand_extractions, tmp_path):
    # its write goes in blocks of BLOCK_TRIPLES (Virtuoso refuses a block of more than about 5,000), in one request
    import dataclasses

    from graph.rdf import article_rdf
    from graph.terms import BLOCK_TRIPLES

    emptied(server)
    (article, extraction), _ = hand_extractions
    killing = extraction.events[2]
    many = dataclasses.replace(extraction, events=extraction.events + [
        dataclasses.replace(killing, id=f"ev-{n}", confidence=0.5 + n / 1000) for n in range(400)])
    remote, local = server_store(server), EventStore(tmp_path / "kg")
    try:
        for store in (remote, local):
            store.put(article_rdf(article, many, store.iris))
        graph = str(article_rdf(article, many, remote.iris).graph)
        assert _held(remote, [graph])[graph] > 5 * BLOCK_TRIPLES
        assert comparable_quads(remote) == comparable_quads(local)
    finally:
        remote.close()
        local.close()


def _graphs_file(tmp_path: Path, graphs: list[str], last: str, bad_graph: int = 3) -> Path:
    """N-Quads: in each graph 40 integer literals (the last of graph ``bad_graph`` is ``last``) and a blank node."""
    path = tmp_path / "graphs.nq"
    with path.open("w") as out:
        for n, graph in enumerate(graphs):
            for i in range(40):
                value = last if (n, i) == (bad_graph, 39) else f'"{i}"'
                out.write(f"<https://example.org/s{n}> <https://example.org/p{i}> {value}^^"
                          f"<http://www.w3.org/2001/XMLSchema#integer> <{graph}> .\n")
            out.write(f"_:b{n} <https://example.org/in> <{graph}> <{graph}> .\n")
    return path


def _held(store, graphs: list[str]) -> dict[str, int]:
    return {g: n for g in graphs if (n := sum(1 for _ in store.native.quads_for_pattern(None, None, None,
                                                                                         ox.NamedNode(g))))}


def _staged(store, stage: str) -> list:
    return list(store.native.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                   f"FILTER STRSTARTS(STR(?g), \"{stage}\") }}"))
