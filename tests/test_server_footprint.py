"""What a server process loads: one that only answers SPARQL and /health loads neither the REST app (FastAPI and the
routers' modules) nor rdflib nor Oxigraph, about 35 MiB of a server process (docs/benchmarks.md, issue 9); the first
other request builds the REST app, which then answers as before."""

from __future__ import annotations

import json
import subprocess
import sys

from graph.sparql.snapshot import child_env
from graph.store import open_store

SERVER = """
import json, socket, sys, threading, time, urllib.parse, urllib.request

import uvicorn

from api.app import create_app
from api.settings import Settings

with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
server = uvicorn.Server(uvicorn.Config(create_app(Settings(store=sys.argv[1])), port=port, log_level="warning"))
thread = threading.Thread(target=server.run, daemon=True)
thread.start()
while not server.started:
    time.sleep(0.05)
url = f"http://127.0.0.1:{port}"
heavy = ("fastapi", "rdflib", "pyoxigraph", "graph.store", "api.rest")
ask = urllib.request.urlopen(url + "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")).read()
health = json.load(urllib.request.urlopen(url + "/health"))
before = [name for name in heavy if name in sys.modules]
stats = urllib.request.urlopen(url + "/stats").status
print(json.dumps({"ask": json.loads(ask)["boolean"], "health": health, "before": before, "stats": stats,
                  "after": [name for name in heavy if name in sys.modules]}))
server.should_exit = True
thread.join(60)  # a daemon thread still running the server (Oxigraph loaded) at the interpreter's exit can crash it
"""


def test_a_server_answering_sparql_loads_no_rest_app_rdflib_nor_oxigraph(tmp_path):
    store = tmp_path / "kg"
    with open_store(store) as kg:  # the ontology only
        quads = len(kg)
    done = subprocess.run([sys.executable, "-c", SERVER, str(store)], capture_output=True, text=True, timeout=300,
                          env=child_env(), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen["ask"] is True and seen["health"] == {"status": "ok", "store": "kg", "quads": quads}
    assert seen["before"] == []
    assert seen["stats"] == 200 and {"fastapi", "rdflib", "pyoxigraph", "api.rest"} <= set(seen["after"])
