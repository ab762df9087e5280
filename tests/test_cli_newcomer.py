"""A newcomer's first hour, as real command runs: the test suite without ``../shared``, a taken port, where the store
is, ingest progress, one error style, tables that are piped."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.scale_fixtures import EVENTKG

LONG_IRI = "https://example.org/a/very/long/iri/that/a/terminal/table/would/cut/" + "x" * 120


def eventkg(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "EVENTKG_STORE"} | env
    return subprocess.run([EVENTKG, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=environment)


def test_without_shared_data_tests_skip_with_a_reason_but_under_ci_they_fail(repo_dir):
    def pytest_run(**env: str) -> subprocess.CompletedProcess:
        environment = {k: v for k, v in os.environ.items() if k != "CI"} | {"EVENTKG_SHARED": "/nonexistent"} | env
        return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q",
                               "tests/test_ingest.py::test_load_delete_and_stats_commands"],
                              capture_output=True, text=True, timeout=300, cwd=repo_dir, env=environment)

    clone = pytest_run()
    assert clone.returncode == 0 and "1 skipped" in clone.stdout, clone.stdout
    assert "../shared/data not found: evaluation data is not part of the repository" in clone.stdout
    ci = pytest_run(CI="true")
    assert ci.returncode != 0 and "1 error" in ci.stdout and "CI=true" in ci.stdout, ci.stdout


def test_serve_on_a_taken_port_says_so_before_announcing_anything(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = eventkg("serve", "--port", str(port), "--store", str(tmp_path / "kg"))
    assert done.returncode == 2
    assert done.stderr == (f"error: port {port} on 127.0.0.1 is taken (another eventkg serve?); pick another with "
                           "--port N or EVENTKG_PORT=N\n")


def test_every_command_says_where_the_store_is(tmp_path, hand_store):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    relative = os.path.relpath(hand_store.path, elsewhere)
    for command in (["stats"], ["query", "ASK { ?s ?p ?o }"], ["analyze", "centrality"], ["export", "--format", "nq"]):
        done = eventkg(*command, "--store", relative, cwd=elsewhere)
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines()[0] == f"store: {hand_store.path.resolve()}", command
    # no --store, no EVENTKG_STORE: ./eventkg-data of the folder the command runs in, said in full
    missing = eventkg("stats", cwd=elsewhere)
    assert missing.returncode == 2
    assert missing.stderr.splitlines() == [f"store: {elsewhere / 'eventkg-data'}",
                                           "error: no store there: the folder does not exist (build one with eventkg "
                                           "ingest, or give --store)"]


def test_ingest_counts_its_input_first_shows_pieces_and_its_rate_is_the_summarys(tmp_path, repo_dir):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("isis-global-offensive.txt", "isis-global-offensive.json"):
        (corpus / name).write_bytes((repo_dir / "seeds" / name).read_bytes())
    texts = ["Gunmen killed three soldiers in Kabul on Monday.", "Hezbollah fired rockets at Haifa.",
             "Police arrested two men in Hebron."]
    (corpus / "more.jsonl").write_text("\n".join(json.dumps({"id": f"j{n}", "text": t}) for n, t in enumerate(texts))
                                       + "\n\n")
    (corpus / "empty.txt").write_text(" ")
    # the seed (2,830 characters) is parsed in three pieces, each shown before its article's line
    done = eventkg("ingest", str(corpus), "--store", str(tmp_path / "kg"), "-v", "--batch-size", "2",
                   EVENTKG_PIECE_CHARS="1000")
    assert done.returncode == 1, done.stderr
    counts = re.findall(r"\[(\d+)/(\d+)\]", done.stderr)
    assert counts == [(str(n), "5") for n in (2, 3, 4, 5)]  # the empty file fails first (no count in its line)
    pieces = re.findall(r"^parsing isis-global-offensive: piece (\d)/3, ([\d,]+)/2,830 characters$", done.stderr,
                        re.MULTILINE)
    assert pieces == [("1", "957"), ("2", "1,834"), ("3", "2,830")], done.stderr
    assert done.stderr.index("piece 3/3") < done.stderr.index("new       isis-global-offensive")
    summary = re.search(r"^(\d+) articles in ([\d.]+) s \(([\d.]+)/s\)", done.stdout, re.MULTILINE)
    articles, seconds, rate = int(summary[1]), float(summary[2]), float(summary[3])
    # the seconds are printed to 0.1 s, so the rate lies between those of the ends of that rounding (+ its own 0.05)
    assert articles == 5 and articles / (seconds + 0.05) - 0.05 <= rate <= articles / max(seconds - 0.05, 1e-9) + 0.05


def test_ingest_extracts_each_article_before_reading_the_next_unless_a_batch_size_is_given(monkeypatch):
    from api.cli.store_cmd import _extractor
    from api.settings import Settings
    from extract.model import Article

    monkeypatch.delenv("EVENTKG_BATCH_SIZE", raising=False)
    texts = ["Gunmen killed three soldiers in Kabul on Monday.", "Hezbollah fired rockets at Haifa.",
             "Police arrested two men in Hebron."]
    read = []

    def articles():
        for n, text in enumerate(texts):
            read.append(n)
            yield Article(id=f"a{n}", text=text)

    extractor = _extractor(Settings())
    assert [len(read) for _ in extractor.extract_many(articles())] == [1, 2, 3]  # so the progress moves per article
    assert _extractor(Settings().with_overrides(batch_size=8)).batch_size == 8


@pytest.mark.parametrize("command", [
    ["query", "SELECT * WHERE {"], ["stats"], ["analyze", "ego"], ["delete", "x"], ["load", "nothing.ttl"],
    ["extract", "nothing.txt"], ["ingest", "nothing.txt"], ["export", "--format", "pajek"],
    ["eval", "--dataset", "nothing"],
])
def test_every_command_fails_in_one_style(tmp_path, command):
    store = ["--store", str(tmp_path / "kg")] if command[0] not in ("extract", "eval") else []
    done = eventkg(*command, *store, cwd=tmp_path)
    assert done.returncode in (1, 2)
    lines = [line for line in done.stderr.splitlines() if not line.startswith("store: ")]
    assert any(line.startswith("error: ") or line.startswith("failed ") for line in lines), done.stderr
    assert not any(re.match(r"eventkg \w+:", line) for line in lines) and "Traceback" not in done.stderr


def test_a_piped_query_table_keeps_whole_iris(tmp_path):
    from graph.store import open_store

    with open_store(tmp_path / "kg") as kg:
        kg.native.update(f"INSERT DATA {{ GRAPH <urn:g> {{ <{LONG_IRI}> <urn:p> <{LONG_IRI}2> }} }}")
    done = eventkg("query", "SELECT ?s ?o WHERE { ?s <urn:p> ?o }", "--store", str(tmp_path / "kg"))
    assert done.returncode == 0, done.stderr
    assert LONG_IRI in done.stdout and LONG_IRI + "2" in done.stdout


@pytest.mark.parametrize(("command", "words"), [
    (["entities", "merge", "nobody", "organization/isis"], "no article claims"),
    (["load", "bad.ttl"], "error: "),
])
def test_a_failed_write_command_lets_the_store_go(tmp_path, command, words):
    """Run in this process (the runner keeps the failure's traceback, and with it whatever the command still held):
    a write to the same store right after does not wait for the failed command's lock."""
    from typer.testing import CliRunner

    from api.cli import app
    from api_fixtures import build_store
    from graph.store import open_store

    store = build_store(tmp_path / "kg")
    (tmp_path / "bad.ttl").write_text("<urn:a> <urn:b> .\n")
    args = [str(tmp_path / "bad.ttl") if arg == "bad.ttl" else arg for arg in command]
    failed = CliRunner().invoke(app, [*args, "--store", str(store)])
    assert failed.exit_code == 2 and words in failed.output, failed.output
    with open_store(store, wait=0) as kg:  # StoreBusy if the failed command still holds the store
        kg.delete_article("wire/2022-03 attack")
    assert failed.exc_info is not None  # the failure's frames were alive during the write above
