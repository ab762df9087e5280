"""A store on a SPARQL server reached over HTTPS (graph/remote.py for reads and writes, graph/remote_http.py for the
queries ``eventkg serve`` forwards): the Oxigraph server behind a TLS proxy on loopback, whose certificate a private
CA signs (trustme), as a user's server behind its own CA would be. Given the CA (``SSL_CERT_FILE``, which Python's
``ssl`` and httpx read), eventkg writes an article and serves it; without it, it refuses the server with a clear
error instead of a traceback."""

from __future__ import annotations

import asyncio
import os
import ssl
import subprocess
import threading

import httpx
import pytest

from api.settings import Settings
from bench.servers import free_port
from graph.errors import Unavailable
from graph.rdf import article_rdf
from graph.reading.stats import stats
from graph.store import EventStore
from tests.api_fixtures import LiveServer
from tests.scale_fixtures import EVENTKG, started


class TlsProxy:
    """TLS on ``port`` in front of the plain HTTP server at ``target`` (host, port): every connection piped both ways,
    in a thread of its own."""

    def __init__(self, context: ssl.SSLContext, target: tuple[str, int]):
        self.context, self.target, self.port = context, target, free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def _connection(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    def __enter__(self) -> TlsProxy:
        self.thread.start()
        start = asyncio.start_server(self._connection, "127.0.0.1", self.port, ssl=self.context)
        self.server = asyncio.run_coroutine_threadsafe(start, self.loop).result(30)
        return self

    def __exit__(self, *exc) -> None:
        self.loop.call_soon_threadsafe(self.server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(30)


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    """The query and update URLs of an Oxigraph server behind TLS, and the PEM file of the CA that signed it."""
    import trustme
    from urllib.parse import urlsplit

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with started("oxigraph", tmp_path_factory) as server:
        plain = urlsplit(server.query_url)
        with TlsProxy(context, (plain.hostname, plain.port)) as proxy:
            base = f"https://localhost:{proxy.port}"
            yield f"{base}/query", f"{base}/update", str(ca_file)


@pytest.fixture
def trusting(https_server, monkeypatch):
    """This process trusts the server's CA, as ``SSL_CERT_FILE`` makes Python's ssl and httpx do."""
    monkeypatch.setenv("SSL_CERT_FILE", https_server[2])


def test_an_article_is_written_and_served_over_https(https_server, trusting, hand_extractions):
    query_url, update_url, _ = https_server
    (article, extraction), _ = hand_extractions
    with EventStore(query_url, update_url=update_url) as store:
        store.put(article_rdf(article, extraction, store.iris))
        expected = stats(store)
    assert expected["articles"] == 1 and expected["events"] > 0

    with LiveServer(Settings(store=query_url, store_update=update_url)) as live, \
            httpx.Client(base_url=live.url, timeout=60) as client:
        # forwarded from the event loop over TLS (graph/remote_http.py), the server's answer handed on
        answer = client.post("/sparql", data={"query": "SELECT (COUNT(?a) AS ?n) WHERE { ?a a ekg:Article }"},
                             headers={"Accept": "application/sparql-results+json"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"][0]["n"]["value"] == "1"
        counts = client.get("/stats")  # read through httpx's client (graph/remote.py)
        assert counts.status_code == 200 and counts.json()["events"] == expected["events"]


def test_a_server_whose_certificate_is_not_trusted_is_a_clear_error(https_server, monkeypatch, tmp_path):
    query_url, update_url, _ = https_server
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    with pytest.raises(Unavailable) as refused:
        EventStore(query_url, update_url=update_url)
    assert "certificate" in str(refused.value).lower(), refused.value
    env = {key: value for key, value in os.environ.items() if key != "SSL_CERT_FILE"}
    done = subprocess.run([EVENTKG, "stats", "--store", query_url], capture_output=True, text=True, timeout=120,
                          env=env, cwd=tmp_path)
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert "certificate" in done.stderr.lower(), done.stderr


def test_a_server_store_that_does_not_answer_is_a_clear_error(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/query"  # nothing listens there
    for command in (["stats"], ["query", "ASK {}"]):
        done = subprocess.run([EVENTKG, *command, "--store", url], capture_output=True, text=True, timeout=120,
                              cwd=tmp_path)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
        assert "error: the SPARQL service did not answer" in done.stderr, done.stderr
