"""SPARQL servers on loopback for the tests and benchmarks: the Oxigraph server (PyPI ``oxigraph``) and Virtuoso
(Debian ``virtuoso-opensource``), each in a folder of its own on free ports, stopped with the context.

>>> free_port() > 1024
True
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

# The entity the benchmarks' queries start from (bench.sparql_http, bench.scale_out): an agent of events ranked 10th
# by their number (the last row), of middling popularity, with its label. Prefixes: graph.namespaces.PREFIXES.
ACTOR_QUERY = ("SELECT ?a ?label (COUNT(?e) AS ?n) WHERE { ?e ekg:agent ?a . ?a rdfs:label ?label } "
               "GROUP BY ?a ?label ORDER BY DESC(?n) ?a LIMIT 10")
VIRTUOSO_INI = Path(__file__).with_name("virtuoso.ini")
VIRTUOSO = "virtuoso-t"
# A fresh Virtuoso database's administrator; the ini keeps the server on loopback.
VIRTUOSO_USER, VIRTUOSO_PASSWORD = "dba", "dba"


@dataclass
class Server:
    """A running server: its SPARQL query URL, update URL, credentials and process."""

    name: str
    query_url: str
    update_url: str
    process: subprocess.Popen
    user: str | None = None
    password: str | None = None
    sql_port: int | None = None  # Virtuoso's SQL port (isql-vt), e.g. for its bulk loader

    def rss_mib(self) -> float:
        """Resident memory of the server process, in MiB (from /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_available() -> bool:
    return _oxigraph() is not None


def virtuoso_available() -> bool:
    return shutil.which(VIRTUOSO) is not None


@contextmanager
def oxigraph_server(location: Path, *, read_only: bool = False, union_default_graph: bool = True):
    """``oxigraph serve`` (or ``serve-read-only``) on the store folder ``location``."""
    port = free_port()
    command = [_oxigraph(), "serve-read-only" if read_only else "serve", "--location", str(location),
               "--bind", f"127.0.0.1:{port}"]
    if union_default_graph:
        command.append("--union-default-graph")
    base = f"http://127.0.0.1:{port}"
    with running(command, f"{base}/query?query=ASK%7B%7D", cwd=location.parent) as process:
        yield Server("oxigraph", f"{base}/query", f"{base}/update", process)


@contextmanager
def virtuoso_server(folder: Path, *, parameters: str = ""):
    """A fresh Virtuoso database in ``folder`` (the project's short ini, on free loopback ports; ``parameters``: lines
    added to its ``[Parameters]``): query URL ``/sparql``, updates at ``/sparql-auth`` with HTTP digest authentication
    as the database administrator."""
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    text = VIRTUOSO_INI.read_text().format(folder=folder, sql_port=sql_port, http_port=http_port)
    ini.write_text(text.replace("[Parameters]\n", f"[Parameters]\n{parameters}", 1))
    base = f"http://127.0.0.1:{http_port}"
    with running([VIRTUOSO, "+foreground", "+configfile", str(ini)], f"{base}/sparql?query=ASK%7B%7D",
                  cwd=folder, timeout=90) as process:
        yield Server("virtuoso", f"{base}/sparql", f"{base}/sparql-auth", process,
                     user=VIRTUOSO_USER, password=VIRTUOSO_PASSWORD, sql_port=sql_port)


def _oxigraph() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")  # the venv's console script
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def checkout_env(checkout: Path | None = None) -> dict[str, str]:
    """The environment of a process that runs the code of ``checkout`` (this one by default) from any folder: this
    process's, with the checkout first on ``PYTHONPATH`` (``bench`` is not installed with the package)."""
    first = str((checkout or Path(__file__).parents[1]).resolve())
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (first, os.environ.get("PYTHONPATH")) if p)}


def python_server(stack: ExitStack, arguments: list[str], folder: Path, name: str) -> tuple[str, subprocess.Popen]:
    """``python ARGUMENTS`` (``{port}`` in them replaced by a free port), a server of ``/sparql`` on loopback that
    runs this checkout's code, its log ``folder/NAME.log``: its ``/sparql`` URL and process, stopped with ``stack``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/sparql"
    command = [sys.executable, *(a.format(port=port) for a in arguments)]
    return url, stack.enter_context(running(command, url + "?query=ASK%7B%7D", cwd=folder, env=checkout_env(),
                                            name=name))


@contextmanager
def running(command: list, probe: str, *, cwd: Path, timeout: float = 30.0, env: dict[str, str] | None = None,
            name: str | None = None):
    """Start ``command`` in its own process group (in ``env``, else this process's environment), wait until
    ``probe`` answers, stop it afterwards. Its output goes to ``cwd/NAME.log`` (by default the program's name)."""
    log = open(cwd / f"{name or Path(command[0]).name}.log", "wb")
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(probe, timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not answer within {timeout:g} s; see {log.name}") from None
                time.sleep(0.2)
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        log.close()
