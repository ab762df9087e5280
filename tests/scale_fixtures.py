"""Session fixtures of the scale-out tests (tests/test_ingest_dask.py, tests/test_remote_*.py), imported by
tests/conftest.py so that each is made once per session: one small corpus, the embedded store a plain ingest of it
builds, and the SPARQL servers (the Oxigraph server from PyPI, Virtuoso from Debian), each started once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from api_fixtures import ingested
from ci import in_ci

from bench.servers import oxigraph_available, oxigraph_server, virtuoso_available, virtuoso_server

EVENTKG = str(Path(sys.executable).with_name("eventkg"))  # the installed console script, run by every CLI test
SERVERS = {"oxigraph": (oxigraph_available, oxigraph_server), "virtuoso": (virtuoso_available, virtuoso_server)}
PLACES = ["Kabul", "Mosul", "Aleppo", "Kano", "Mogadishu", "Raqqa", "Hebron", "Peshawar", "Sirte", "Maiduguri",
          "Kandahar", "Homs", "Gao", "Benghazi", "Tikrit", "Idlib"]


@pytest.fixture(scope="session", params=sorted(SERVERS))
def server(request, tmp_path_factory):
    """A running SPARQL server (each started once per session; tests empty it with :func:`emptied` first)."""
    with started(request.param, tmp_path_factory) as running:
        yield running


@contextmanager
def started(name: str, tmp_path_factory):
    available, start = SERVERS[name]
    if not available():
        reason = f"{name} is not installed (.ci/run installs it)"
        if in_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    with start(tmp_path_factory.mktemp(name)) as running:
        yield running


def server_store(server, **options):
    """An :class:`EventStore` on ``server`` (the ontology written on a first open)."""
    from graph.store import EventStore

    return EventStore(server.query_url, update_url=server.update_url, user=server.user, password=server.password,
                      **options)


def emptied(server) -> None:
    """Drop every graph of eventkg's from ``server`` (a server's own graphs stay), for a test that needs it empty: by
    a plain SPARQL Update, as any client, not through a store, whose opening takes the writer lease and writes the
    ontology and counters only for them to be dropped."""
    from graph.prefixes import DEFAULT_BASE_IRI
    from graph.remote import SparqlService

    service = SparqlService(server.query_url, server.update_url, graphs_prefix=DEFAULT_BASE_IRI + "graph/",
                            user=server.user, password=server.password)
    try:
        if graphs := service.graphs():
            service.update(" ;\n".join(f"DROP SILENT GRAPH <{graph}>" for graph in graphs))
    finally:
        service.close()


def emptied_store(server, **options):
    """:func:`server_store` on ``server`` after :func:`emptied` (the ontology written again on its open)."""
    emptied(server)
    return server_store(server, **options)


def server_env(server) -> dict[str, str]:
    """The environment of an ``eventkg`` command on ``server``."""
    access = {"EVENTKG_STORE_UPDATE": server.update_url, "EVENTKG_STORE_USER": server.user,
              "EVENTKG_STORE_PASSWORD": server.password}
    return {**os.environ, "PYTHONUNBUFFERED": "1", **{k: v for k, v in access.items() if v is not None}}


@pytest.fixture(scope="session")
def corpus(tmp_path_factory, repo_dir) -> Path:
    """16 articles sharing entities (the seed's ISIS, its leaders, places) with one sentence of their own each."""
    seed = (repo_dir / "seeds" / "isis-global-offensive.txt").read_text()
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    with path.open("w") as out:
        for n, place in enumerate(PLACES):
            text = f"Gunmen killed {n + 2} soldiers in {place} on Monday, police said. {seed}"
            out.write(json.dumps({"id": f"wire/{n:02}", "text": text, "published": "2022-04-2" + str(n % 10)}) + "\n")
    return path


@pytest.fixture(scope="session")
def plain_store(corpus, extractor, tmp_path_factory) -> Path:
    """What a plain single-process ingest of the corpus builds (the same code as the command, in this process)."""
    return ingested(corpus, extractor, tmp_path_factory.mktemp("plain") / "kg", len(PLACES))


def ingest_killing_a_worker(corpus: Path, store: str, env: dict | None = None) -> tuple[str, str]:
    """``eventkg ingest --dask local:2`` of ``corpus`` into ``store``, one of its two worker processes SIGKILLed as
    soon as the first article is stored; the command's stdout and stderr (it must succeed)."""
    import psutil

    command = [EVENTKG, "ingest", str(corpus), "--store", store, "--dask", "local:2", "--batch-size", "2", "-v"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env=env or {**os.environ, "PYTHONUNBUFFERED": "1"})
    killed, seen = None, []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("new "):
            workers = [p for p in psutil.Process(process.pid).children(recursive=True)
                       if "spawn_main" in " ".join(p.cmdline())]
            assert len(workers) == 2, [p.cmdline() for p in workers]
            killed = workers[0]
            killed.send_signal(signal.SIGKILL)
            break
    out, err = process.communicate(timeout=600)
    err = "".join(seen) + err
    assert killed is not None, err
    assert process.returncode == 0, err
    assert "dask: scheduler tcp://127.0.0.1:" in err and "2 worker thread(s)" in err
    assert f"{len(PLACES)} new, 0 updated, 0 unchanged, 0 failed" in out
    return out, err


def six_digits(value: float) -> float:
    """``value`` with six significant digits, as Virtuoso answers doubles."""
    return float(f"{value:.6g}")


def comparable_quads(store) -> set[tuple]:
    """Every quad of ``store``'s graphs, doubles to six significant digits (as Virtuoso answers them, in its own
    lexical form) and times (of writing, in the change log) as just times."""
    def term(t):
        if isinstance(t, ox.Literal) and t.datatype.value.endswith("#double"):
            return ("double", six_digits(float(t.value)))
        if isinstance(t, ox.Literal) and t.datatype.value.endswith("#dateTime"):
            return "a time"
        return str(t)

    return {tuple(term(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
            for q in store.native.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)}
