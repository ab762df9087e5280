"""Exports: GEXF 1.3 checked against the official RelaxNG grammar, GraphML and node-link JSON read back by networkx,
Gephi's CSV columns; then every format end to end from a real store."""

from __future__ import annotations

import csv
import io
import json

import networkx as nx
import pytest
from lxml import etree
from test_analytics import BEER_SHEVA, ISIS, ISRAEL, LONER, RUSSIA, SYMPATHISERS, UKRAINE, example_projection

from graph.export import FORMATS, csv_paths, export_format, write_csv_edges, write_csv_nodes, write_gexf
from graph.export import write_graphml, write_nodelink

GEXF = {"g": "http://gexf.net/1.3", "viz": "http://gexf.net/1.3/viz"}


def written(write, G) -> bytes:
    buf = io.BytesIO()
    write(G, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def gexf_schema(shared_dir) -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(shared_dir / "schemas" / "gexf-1.3" / "gexf.rng")))


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
    declared = {a.get("id"): a.get("type") for a in doc.iterfind("g:graph/g:attributes[@class='node']/g:attribute", GEXF)}
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


def test_gexf_output_is_deterministic():
    assert written(write_gexf, example_projection()) == written(write_gexf, example_projection(reverse=True))


def test_gexf_escapes_markup_in_labels(gexf_schema):
    G = nx.MultiDiGraph()
    G.add_node("urn:x:a", label='A & "B" <C>', type="Group", aliases=["x < y"])
    doc = etree.fromstring(written(write_gexf, G))
    assert gexf_schema.validate(doc.getroottree())
    assert doc.find(".//g:node", GEXF).get("label") == 'A & "B" <C>'


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
    assert (attack["Type"], attack["Weight"], attack["Start"], attack["End"]) == ("Directed", "2", "2022-03-01", "2022-03-31")
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
