"""The explorer's pages on a large store, in the real browser: seconds until each page has drawn, beside what reading
the whole network would cost (the alternative the pages avoid).

    python -m bench.explorer [--quads 1000000] [--store DIR]

A synthetic graph (``bench.synthetic``) is bulk-loaded into a temporary store unless ``--store`` names one. ``eventkg
serve`` runs on a free loopback port; Debian's headless Chromium (``tests/browser.py``) opens each page and the time
is taken until the element that shows it has drawn (``make web`` first). Each page is opened twice: on a server that
has not answered that page yet ("first", what a user sees after a write: the projection, the SPARQL aggregates and the
reads are computed) and again ("again": the response cache and the shared projection). Beside them: downloading the
whole filtered network as node-link JSON (``/export/json``, after the pages, so on the projection they built), and its
size, which is what a page that drew "the graph" without a limit would start from; and the GEXF downloads the graph
pages link to (``/export/gexf`` with their ``top``/``center``: what they show).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from bench.api_load import build_store, sample_entities, serve, stop  # noqa: E402
from browser import Browser  # noqa: E402
from graph.store import open_store  # noqa: E402

TIMEOUT = 300


def pages(hub: str, tail: str) -> list[tuple[str, str, str]]:
    """(name, route, CSS of what shows the page is drawn)."""
    return [
        ("overview", "/", ".card ol li"),
        ("search 'isl' (type-ahead)", None, ".suggestions li"),
        (f"entity page, hub ({hub})", f"/#/entity/{quote(hub)}", ".network[data-nodes]"),
        (f"entity page, tail ({tail})", f"/#/entity/{quote(tail)}", ".network[data-nodes], .card p.muted"),
        ("graph of a filter (top 150)", "/#/graph", ".network[data-nodes]"),
        ("graph: Attack in 2022 (top 150)", "/#/graph?type=Attack&from=2022&to=2022", ".network[data-nodes]"),
        ("map and timeline", "/#/events", "svg.map circle"),
        ("ego graph, hub (50 strongest connections)", f"/#/graph?center={quote(hub)}", ".network[data-nodes]"),
    ]


def most_linked(store_path: Path) -> str:
    """The key of the entity that is the subject of the most statements: the heaviest entity page."""
    with open_store(store_path, read_only=True) as store:
        (row,) = store.select("SELECT ?e (COUNT(?st) AS ?n) WHERE { ?st rdf:subject ?e } GROUP BY ?e "
                              "ORDER BY DESC(?n) ?e LIMIT 1")
        return row["e"].value[len(str(store.iris.entity(""))):]


def open_page(browser: Browser, url: str, route: str | None, ready: str) -> float:
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser.driver
    start = time.perf_counter()
    if route is None:  # the search: type into the header's box
        driver.get(url + "/#/sparql")
        box = WebDriverWait(driver, TIMEOUT).until(lambda d: d.find_elements("css selector", ".search-box input"))[0]
        start = time.perf_counter()
        box.send_keys("isl")
    else:
        driver.get("about:blank")
        driver.get(url + route)
    WebDriverWait(driver, TIMEOUT).until(lambda d: d.find_elements("css selector", ready))
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="An existing store (default: a synthetic one of --quads).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_store(Path(tmp), args.quads)
        hub, tail = most_linked(store), sample_entities(store, count=50)[-1][0]
        server, url = serve(store, wait=TIMEOUT)
        try:
            quads = httpx.get(f"{url}/health", timeout=TIMEOUT).raise_for_status().json()["quads"]
            print(f"store: {quads:,} quads; hub {hub}, tail {tail}")
            with Browser() as browser:
                rows = []
                for name, route, ready in pages(hub, tail):
                    first = open_page(browser, url, route, ready)
                    again = open_page(browser, url, route, ready)
                    rows.append((name, first, again))
                    print(f"{name}: {first:.2f} s, again {again:.2f} s", flush=True)
                errors = browser.console_errors()
            start = time.perf_counter()
            whole = httpx.get(f"{url}/export/json", timeout=TIMEOUT)
            whole_s = time.perf_counter() - start
            downloads = []
            for name, params in (("GEXF of the graph of a filter (top 150)", {"top": 150}),
                                 ("GEXF of the hub's ego graph (top 50)", {"center": hub, "top": 50})):
                start = time.perf_counter()
                gexf = httpx.get(f"{url}/export/gexf", params=params, timeout=TIMEOUT).raise_for_status()
                downloads.append((name, time.perf_counter() - start, len(gexf.content)))
        finally:
            stop(server)
    print(f"\n{'page':<44} {'first (s)':>10} {'again (s)':>10}")
    for name, first, again in rows:
        print(f"{name:<44} {first:>10.2f} {again:>10.2f}")
    print(f"\nalternative: the whole network as node-link JSON (/export/json): {whole_s:.2f} s, "
          f"{len(whole.content) / 1e6:.1f} MB, before any drawing")
    for name, seconds, size in downloads:
        print(f"export: {name}: {seconds:.2f} s, {size / 1e3:.0f} kB")
    if errors:
        print(f"console errors: {errors}")


if __name__ == "__main__":
    main()
