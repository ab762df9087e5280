"""Exports: GEXF 1.3 checked against the official RelaxNG grammar, GraphML and node-link JSON read back by networkx,
Gephi's CSV columns; then every format end to end from a real store."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from lxml import etree
from test_analytics import BEER_SHEVA, ISIS, ISRAEL, LONER, RUSSIA, SYMPATHISERS, UKRAINE, WEST, example_projection

from graph.export import FORMATS, csv_paths, export_format, write_csv_edges, write_csv_nodes, write_gexf
from graph.export import write_graphml, write_nodelink
from graph.reading.stats import stats

GEXF = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}


def written(write, G) -> bytes:
    buf = io.BytesIO()
    write(G, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def gexf_schema(repo_dir) -> etree.RelaxNG:
    """The official GEXF 1.3 grammar, kept in the repository (tests/schemas/gexf-1.3/SOURCE.md)."""
    return etree.RelaxNG(etree.parse(str(repo_dir / "tests" / "schemas" / "gexf-1.3" / "gexf.rng")))


@pytest.fixture
def G() -> nx.MultiDiGraph:
    return example_projection()


# -- GEXF ----------------------------------------------------------------------------------------------------------


def test_gexf_is_valid_gexf_1_3(G, gexf_schema):
    doc = etree.fromstring(written(write_gexf, G))
    assert gexf_schema.validate(doc.getroottree()), gexf_schema.error_log
    assert doc.tag == "{http://gexf.net/1.3}gexf" and doc.get("version") == "1.3"
    graph = doc.find("g:graph", GEXF)
    assert (graph.get("mode"), graph.get("timeformat"), graph.get("defaultedgetype")) == ("dynamic", "date", "directed")


def test_an_empty_graph_is_valid_gexf_too(gexf_schema):
    assert gexf_schema.validate(etree.fromstring(written(write_gexf, nx.MultiDiGraph())).getroottree())


def test_gexf_nodes_carry_type_aliases_colour_and_size(G):
    doc = etree.fromstring(written(write_gexf, G))
    nodes = {n.get("id"): n for n in doc.iterfind(".//g:node", GEXF)}
    assert list(nodes) == sorted(G)
    isis = nodes[ISIS]
    values = {v.get("for"): v.get("value") for v in isis.iterfind("g:attvalues/g:attvalue", GEXF)}
    assert isis.get("label") == "ISIS"
    assert values == {"type": "Organization", "aliases": "Daesh | Islamic State"}
    colours = {
        n: tuple(int(nodes[n].find("viz:color", GEXF).get(c)) for c in "rgb") for n in (ISIS, SYMPATHISERS, ISRAEL)
    }
    assert len(set(colours.values())) == 3  # one colour per entity type
    size = {n: float(e.find("viz:size", GEXF).get("value")) for n, e in nodes.items()}
    # the sympathisers take part in the most statements (5), the loner in none
    assert size[SYMPATHISERS] == max(size.values()) > size[ISIS] > size[LONER] == min(size.values())
    israel = {v.get("for"): v.get("value") for v in nodes[ISRAEL].iterfind("g:attvalues/g:attvalue", GEXF)}
    assert float(israel["lat"]) == 31.5 and israel["country"] == "Israel"
    declared = {a.get("id"): a.get("type") for a in doc.iterfind("g:graph/g:attributes[@class='node']/*", GEXF)}
    assert declared["aliases"] == "string"  # no list type: Gephi filters and partitions on plain strings


def test_gexf_edges_are_aggregated_weighted_and_dated(G):
    doc = etree.fromstring(written(write_gexf, G))
    edges = {(e.get("source"), e.get("target"), e.get("label")): e for e in doc.iterfind(".//g:edge", GEXF)}
    assert len(edges) == 11 and doc.find(".//g:edges", GEXF).get("count") == "11"
    attack = edges[(SYMPATHISERS, BEER_SHEVA, "attacked")]
    # events ev5 (March 2022) and ev6 (22 March 2022): the month expands to its first and last day
    assert (attack.get("weight"), attack.get("start"), attack.get("end")) == ("2", "2022-03-01", "2022-03-31")
    assert attack.get("kind") == "attacked"
    year = edges[(RUSSIA, UKRAINE, "attacked")]  # dated "2022"
    assert (year.get("start"), year.get("end")) == ("2022-01-01", "2022-12-31")
    standing = edges[(SYMPATHISERS, ISIS, "affiliatedWith")]
    assert standing.get("start") is None and standing.get("end") is None and standing.get("weight") == "1"


def test_gexf_nodes_live_from_their_first_to_their_last_dated_edge(G, gexf_schema):
    doc = etree.fromstring(written(write_gexf, G))
    nodes = {n.get("id"): n for n in doc.iterfind(".//g:node", GEXF)}
    west = nodes[WEST]  # only threatened, on 2022-04-20
    assert (west.get("start"), west.get("end")) == ("2022-04-20", "2022-04-20")
    isis = nodes[ISIS]  # al-Muhajir's spokespersonOf is undated: ISIS is always on the timeline
    assert isis.get("start") is None and isis.get("end") is None


def test_gexf_output_is_deterministic():
    assert written(write_gexf, example_projection()) == written(write_gexf, example_projection(reverse=True))


def test_gexf_escapes_markup_in_labels(gexf_schema):
    G = nx.MultiDiGraph()
    G.add_node("urn:x:a", label='A & "B" <C>', type="Group", aliases=["x < y"])
    doc = etree.fromstring(written(write_gexf, G))
    assert gexf_schema.validate(doc.getroottree())
    assert doc.find(".//g:node", GEXF).get("label") == 'A & "B" <C>'


def test_control_characters_from_article_text_do_not_break_xml(gexf_schema):
    G = nx.MultiDiGraph()
    G.add_node("urn:x:a", label="page\x0cbreak", type="Group", aliases=["tab\tkept"])
    G.add_edge("urn:x:a", "urn:x:b", key="urn:x:s", predicate="attacked", sentence="vertical\x0btab", confidence=0.5)
    doc = etree.fromstring(written(write_gexf, G))
    assert gexf_schema.validate(doc.getroottree())
    assert doc.find(".//g:node", GEXF).get("label") == "page break"
    H = nx.read_graphml(io.BytesIO(written(write_graphml, G)), force_multigraph=True)
    assert H.edges["urn:x:a", "urn:x:b", "urn:x:s"]["sentence"] == "vertical tab"
    assert H.nodes["urn:x:a"]["aliases"] == "tab\tkept"


# -- GraphML, node-link JSON, CSV ------------------------------------------------------------------------------------


def test_graphml_reads_back_statement_by_statement(G):
    H = nx.read_graphml(io.BytesIO(written(write_graphml, G)), force_multigraph=True)
    assert isinstance(H, nx.MultiDiGraph)
    assert set(H) == set(G) and H.number_of_edges() == G.number_of_edges() == 12
    assert H.nodes[ISIS] == {"label": "ISIS", "type": "Organization", "aliases": "Daesh | Islamic State"}
    assert H.nodes[ISRAEL]["lat"] == 31.5
    for u, v, key, data in G.edges(keys=True, data=True):
        back = H.edges[u, v, key]
        assert back == {k: value for k, value in data.items() if value is not None}


def test_graphml_reads_into_igraph_where_it_is_installed(G, tmp_path):
    igraph = pytest.importorskip("igraph")
    path = tmp_path / "g.graphml"
    path.write_bytes(written(write_graphml, G))
    graph = igraph.Graph.Read_GraphML(str(path))
    assert (graph.vcount(), graph.ecount(), graph.is_directed()) == (len(G), G.number_of_edges(), True)
    assert sorted(graph.es["predicate"]) == sorted(p for _, _, p in G.edges(data="predicate"))


def test_graphml_output_is_deterministic():
    assert written(write_graphml, example_projection()) == written(write_graphml, example_projection(reverse=True))


def test_nodelink_json_round_trips(G):
    data = json.loads(written(write_nodelink, G))
    assert [n["id"] for n in data["nodes"]] == sorted(G)
    H = nx.node_link_graph(data, edges="edges")
    assert H.is_multigraph() and H.is_directed()
    assert sorted(H.edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))
    assert H.nodes[ISIS]["aliases"] == ["Islamic State", "Daesh"]
    assert written(write_nodelink, G) == written(write_nodelink, example_projection(reverse=True))


def test_csv_tables_use_gephi_columns(G):
    nodes = list(csv.DictReader(io.StringIO(written(write_csv_nodes, G).decode())))
    edges = list(csv.DictReader(io.StringIO(written(write_csv_edges, G).decode())))
    assert list(nodes[0])[:3] == ["Id", "Label", "Type"]
    assert list(edges[0])[:3] == ["Source", "Target", "Type"] and {"Weight", "Start", "End"} <= set(edges[0])
    assert [n["Id"] for n in nodes] == sorted(G)
    isis = next(n for n in nodes if n["Id"] == ISIS)
    assert (isis["Label"], isis["Type"], isis["Aliases"]) == ("ISIS", "Organization", "Daesh | Islamic State")
    attack = next(e for e in edges if (e["Source"], e["Target"], e["Label"]) == (SYMPATHISERS, BEER_SHEVA, "attacked"))
    assert [attack[c] for c in ("Type", "Weight", "Start", "End")] == ["Directed", "2", "2022-03-01", "2022-03-31"]
    assert len(edges) == 11


def test_csv_prefix_names_two_files(tmp_path):
    assert csv_paths(tmp_path / "actors") == (tmp_path / "actors-nodes.csv", tmp_path / "actors-edges.csv")
    assert csv_paths(tmp_path / "actors.csv") == csv_paths(tmp_path / "actors")


# -- the format registry ---------------------------------------------------------------------------------------------


def test_every_format_has_a_media_type_and_unknown_ones_are_clear_errors():
    assert set(FORMATS) == {"gexf", "graphml", "csv-nodes", "csv-edges", "json", "ttl", "trig", "nq", "jsonld"}
    assert all("/" in f.media_type and f.suffix.startswith(".") for f in FORMATS.values())
    with pytest.raises(ValueError, match="unknown export format 'pajek'; choose one of gexf, graphml"):
        export_format("pajek")


# -- end to end: real stores, the dispatcher and the CLI -------------------------------------------------------------

def exported(store, format: str, **filters) -> bytes:
    from graph.export import export
    from graph.filters import Filter

    buf = io.BytesIO()
    export(store, format, buf, Filter.parse(**filters))
    return buf.getvalue()


def test_graph_formats_export_the_filtered_projection(hand_store, gexf_schema):
    from graph.projection import project

    G = project(hand_store)
    doc = etree.fromstring(exported(hand_store, "gexf"))
    assert gexf_schema.validate(doc.getroottree()), gexf_schema.error_log
    assert sorted(n.get("id") for n in doc.iterfind(".//g:node", GEXF)) == sorted(G)
    attack = etree.fromstring(exported(hand_store, "gexf", predicates=["attacked"]))
    (edge,) = attack.iterfind(".//g:edge", GEXF)
    assert (edge.get("label"), edge.get("start"), edge.get("end")) == ("attacked", "2022-03-27", "2022-03-27")
    H = nx.read_graphml(io.BytesIO(exported(hand_store, "graphml")), force_multigraph=True)
    assert sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))
    data = json.loads(exported(hand_store, "json", predicates=["calledFor"]))
    assert [(e["predicate"], e["time"]) for e in data["edges"]] == [("calledFor", "2022-04-20")]


@pytest.mark.parametrize("format", ["ttl", "trig", "nq", "jsonld"])
def test_rdf_dumps_hold_the_whole_store(hand_store, format):
    import pyoxigraph as ox

    from graph.rdf_formats import rdf_format

    back = ox.Store()
    back.load(exported(hand_store, format), rdf_format(format))
    if format == "ttl":  # one graph: the union of the store's graphs, without duplicate triples
        assert len(back) == len({(q.subject, q.predicate, q.object) for q in hand_store.native})
    else:
        assert set(back) == set(hand_store.native)


def test_rdf_dumps_refuse_filters_rather_than_ignore_them(hand_store):
    with pytest.raises(ValueError, match=r"filters \(predicates\) apply to graph formats, not to the RDF dump 'nq'"):
        exported(hand_store, "nq", predicates=["killed"])


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory, extractor, seed_article):
    """The seed article through the real extractor and ingest, in a store on disk."""
    from graph.ingest import ingest
    from graph.store import open_store

    store = open_store(tmp_path_factory.mktemp("seed") / "kg")
    assert ingest(store, [seed_article], extractor).failed == 0
    yield store
    store.close()


def test_the_seed_article_exports_end_to_end(seed_store, gexf_schema):
    """Every graph format describes the same projection of what the real extractor found."""
    from graph.analytics import timeline
    from graph.projection import project

    G = project(seed_store)
    doc = etree.fromstring(exported(seed_store, "gexf"))
    assert gexf_schema.validate(doc.getroottree()), gexf_schema.error_log
    assert [n.get("id") for n in doc.iterfind(".//g:node", GEXF)] == sorted(G)
    H = nx.read_graphml(io.BytesIO(exported(seed_store, "graphml")), force_multigraph=True)
    assert (set(H), H.number_of_edges()) == (set(G), G.number_of_edges())
    nodes = list(csv.DictReader(io.StringIO(exported(seed_store, "csv-nodes").decode())))
    assert [n["Id"] for n in nodes] == sorted(G)
    # the timeline counts every stored event once, dated or not
    counted = timeline(seed_store, modalities=None)
    total = sum(r.events for r in counted.rows) + sum(counted.coarser.values()) + sum(counted.undated.values())
    assert total == stats(seed_store)["events"] > 0


def test_the_seed_article_analyses_end_to_end(seed_store, seed_article):
    """Analytics on what the real extractor found: every hop of a connection is evidenced by a sentence of the seed."""
    from graph.analytics import centrality, communities, shortest_connection
    from graph.projection import project

    G = project(seed_store, modalities=None)
    assert G.number_of_edges() > 0
    ranked = centrality(G, "pagerank")
    assert sorted(r.entity for r in ranked) == sorted(G)
    assert sorted(n for c in communities(G) for n in c) == sorted(G)
    # the two most central entities that are connected at all, and the evidence of every hop between them
    largest = max(nx.weakly_connected_components(G), key=len)
    a, b = [r.entity for r in ranked if r.entity in largest][:2]
    hops = shortest_connection(G, a, b)
    assert hops and a in (hops[0].source, hops[0].target) and b in (hops[-1].source, hops[-1].target)
    for hop in hops:
        assert hop.sentence and hop.sentence in seed_article.text
        assert hop.article == str(seed_store.iris.article(seed_article.id))
        assert G.has_edge(hop.source, hop.target, hop.statement)  # the real direction of the statement


# -- the command line ------------------------------------------------------------------------------------------------


def run(*args: str):
    from typer.testing import CliRunner

    from api.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_analyze_prints_tables_and_json(hand_store):
    store = ["--store", hand_store.path]
    path = run("analyze", "path", "ISIS sympathisers", "hadera", *store)
    assert path.exit_code == 0, path.stderr
    assert "1. ISIS sympathisers --affiliatedWith--> ISIS" in path.stdout
    assert '"Islamic State fighters attacked Hadera in Israel on 27 March 2022."' in path.stdout
    ranked = json.loads(run("analyze", "centrality", "--measure", "degree", "--format", "json", *store).stdout)
    assert ranked[0]["label"] == "ISIS" and ranked[0]["rank"] == 1
    timeline = run("analyze", "timeline", "--modality", "reported", *store)
    assert timeline.stdout.splitlines()[2].split() == ["2022-03", "Killing", "1"]
    communities = run("analyze", "communities", *store)
    assert communities.exit_code == 0 and "ISIS" in communities.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["analyze", "ego", "Atlantis"], "error: no entity named 'Atlantis'"),
        (["analyze", "path", "Abu-Omar al-Muhajir", "Hadera", "--predicate", "calledFor", "--predicate", "attacked"],
         "error: no connection between Abu-Omar al-Muhajir and Hadera (with the filters given)"),
        (["analyze", "path", "ISIS"], "error: path takes 2 entities, got 1"),
        (["analyze", "path", "ISIS", "Europe", "--predicate", "attacked"], "error: no entity named 'Europe'"),
        (["analyze", "centrality", "--event-type", "Bombing"], "error: unknown --event-type 'Bombing'"),
        (["analyze", "centrality", "--measure", "fame"], "error: unknown centrality measure 'fame'; choose one of"),
        (["analyze", "timeline", "--from", "last week"], "error: --from 'last week' is not an ISO date"),
        (["export", "--format", "pajek"], "error: unknown export format 'pajek'; choose one of csv, gexf"),
        (["export", "--format", "csv"], "error: --format csv writes two files (nodes and edges): give -o PREFIX"),
        (["export", "--format", "ttl", "--from", "2022"], "error: filters (start) apply to graph formats"),
    ],
)
def test_cli_user_errors_are_one_clear_line(hand_store, args, message):
    result = run(*args, "--store", hand_store.path)
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if not line.startswith("store: ")]  # where the store is
    assert said[0].startswith(message) and len(said) == 1
    assert result.stdout == ""


def test_cli_missing_store_is_a_clear_error(tmp_path):
    result = run("analyze", "centrality", "--store", tmp_path / "nowhere")
    assert result.exit_code == 2 and result.stderr.splitlines() == [
        f"store: {tmp_path / 'nowhere'}",
        "error: no store there: the folder does not exist (build one with eventkg ingest, or give --store)"]


def test_cli_export_writes_files(hand_store, tmp_path, gexf_schema):
    gexf = run("export", "--format", "gexf", "-o", tmp_path / "actors.gexf", "--store", hand_store.path)
    assert gexf.exit_code == 0, gexf.stderr
    assert gexf_schema.validate(etree.parse(str(tmp_path / "actors.gexf")))
    tables = run("export", "--format", "csv", "-o", tmp_path / "actors", "--store", hand_store.path)
    assert tables.exit_code == 0, tables.stderr
    assert (tmp_path / "actors-nodes.csv").read_text().startswith("Id,Label,Type")
    assert (tmp_path / "actors-edges.csv").read_text().startswith("Source,Target,Type")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actors-edges.csv", "actors-nodes.csv", "actors.gexf"]
    streamed = run("export", "--format", "gexf", "--store", hand_store.path)
    assert streamed.stdout_bytes == (tmp_path / "actors.gexf").read_bytes()
