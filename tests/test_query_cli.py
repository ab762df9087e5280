"""``eventkg query`` as a user runs it: the installed command on a real store, every output format, clear errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest

from tests.scale_fixtures import EVENTKG

CALLS = "SELECT ?who ?what WHERE { ?who ekg:calledFor ?what } ORDER BY ?who"  # ekg: is predeclared


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory, hand_extractions) -> Path:
    from graph.rdf import article_rdf
    from graph.store import open_store

    path = tmp_path_factory.mktemp("query") / "kg"
    store = open_store(path)
    for article, extraction in hand_extractions:
        store.put(article_rdf(article, extraction, store.iris))
    store.close()
    return path


def query(store_dir: Path, text: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run([EVENTKG, "query", text, "--store", str(store_dir), *flags],
                          capture_output=True, text=True, timeout=120)


def test_json_is_the_sparql_results_format(store_dir):
    done = query(store_dir, CALLS, "--format", "json")
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["head"]["vars"] == ["who", "what"]
    (row,) = answer["results"]["bindings"]
    assert row["who"] == {"type": "uri", "value": "https://w3id.org/eventkg/id/entity/person/abu-omar-al-muhajir"}
    assert row["what"]["value"] == "https://w3id.org/eventkg/id/event/call/ev2"


def test_csv_and_tsv_keep_whole_iris(store_dir):
    rows = list(csv.reader(io.StringIO(query(store_dir, CALLS, "--format", "csv").stdout)))
    assert rows == [["who", "what"], ["https://w3id.org/eventkg/id/entity/person/abu-omar-al-muhajir",
                                      "https://w3id.org/eventkg/id/event/call/ev2"]]
    tsv = query(store_dir, CALLS, "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "?who\t?what" and "<https://w3id.org/eventkg/id/event/call/ev2>" in tsv[1]


def test_table_shortens_iris_for_reading(store_dir):
    done = query(store_dir, "SELECT ?p WHERE { ?s ?p ?o . FILTER(?p = ekg:calledFor) } LIMIT 1")
    assert done.returncode == 0, done.stderr
    assert "ekg:calledFor" in done.stdout and "ontology#" not in done.stdout
    assert "1 row" in done.stderr


def test_ask_and_construct(store_dir):
    assert query(store_dir, "ASK { ?x ekg:calledFor ?y }").stdout.strip() == "yes"
    turtle = query(store_dir, "CONSTRUCT { ?x ekg:calledFor ?y } WHERE { ?x ekg:calledFor ?y }").stdout
    assert "calledFor" in turtle and "abu-omar-al-muhajir" in turtle


@pytest.mark.parametrize("text, words", [
    ("SELECT * WHERE { ?s ?p }", "syntax"),
    ("DELETE WHERE { ?s ?p ?o }", "update"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
])
def test_bad_or_forbidden_queries_fail_clearly_and_change_nothing(store_dir, text, words):
    before = query(store_dir, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").stdout
    done = query(store_dir, text)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith("error: ") and words.lower() in done.stderr.lower()
    assert "Traceback" not in done.stderr
    assert query(store_dir, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv").stdout == before


def test_a_missing_store_is_a_clear_error(tmp_path):
    done = query(tmp_path / "nowhere", CALLS)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "error: no store" in done.stderr
