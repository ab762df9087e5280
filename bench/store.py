"""Store benchmark (issue 5): bulk load of a synthetic event graph, and one aggregate query on Oxigraph's native SPARQL
engine against the same query through rdflib's SPARQL engine over the same store.

    python -m bench.store [--quads 1000000] [--rdflib-timeout 600]

The graph is ``bench.synthetic``'s (the project's data model). Each step runs in a fresh process of its own, so the peak
RSS printed is that step's. Times are wall clock (the CPU time of the process, all threads, in brackets): the machine
may be shared. The targets: 1M quads loaded in ≤ 10 s, and in at most 1.3× the time of ``oxigraph load`` (the Oxigraph
CLI, PyPI ``oxigraph``, a dev extra) loading the same file into a store of its own, timed right after ours. After the load, the store is compacted (``EventStore.compact``, as
``eventkg load`` does) and the aggregate timed before and after; the rdflib run is on the compacted store.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import write_synthetic
from graph.namespaces import PREFIXES
from graph.store import open_store

# Asserted events per type and month: a scan of every event, a join on three properties, a string function, a group-by.
AGGREGATE = """
SELECT ?type ?month (COUNT(?event) AS ?events) WHERE {
  ?event a ?type ; ekg:modality "asserted" ; ekg:time ?time .
  BIND(SUBSTR(STR(?time), 1, 7) AS ?month)
}
GROUP BY ?type ?month
ORDER BY ?type ?month
"""


def step(name: str, folder: Path, quads: int) -> dict:
    """One measured step, run in a child process."""
    source, store_dir = folder / "synthetic.nq", folder / "kg"
    if name == "generate":
        seconds, written = timed(lambda: write_synthetic(source, quads=quads))
        return {"generate_s": seconds, "quads_written": written, "file_mib": source.stat().st_size / 2**20}
    if name == "load":
        with open_store(store_dir) as kg:
            (seconds, cpu), read = timed_cpu(lambda: kg.load(source))
            return {"load_s": seconds, "load_cpu_s": cpu, "quads_read": read, "quads_in_store": len(kg)}
    if name == "oxigraph-load":  # the Oxigraph CLI's bulk load of the same file, into a store of its own
        oxigraph = Path(sys.executable).with_name("oxigraph")
        command = [str(oxigraph), "load", "--location", str(folder / "oxigraph"), "--file", str(source)]
        (seconds, _), _ = timed_cpu(lambda: subprocess.run(command, check=True, capture_output=True))
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return {"oxigraph_load_s": seconds, "oxigraph_load_cpu_s": usage.ru_utime + usage.ru_stime,
                "oxigraph_load_rss_mib": usage.ru_maxrss / 1024}
    if name == "compact":
        with open_store(store_dir) as kg:
            (seconds, cpu), _ = timed_cpu(kg.compact)
            return {"compact_s": seconds, "compact_cpu_s": cpu}
    with open_store(store_dir, read_only=True) as kg:
        if name == "native":
            kg.select(AGGREGATE)  # warm the caches once, as a running server would have them
            (seconds, cpu), rows = timed_cpu(lambda: list(kg.select(AGGREGATE)))
            return {"native_s": seconds, "native_cpu_s": cpu, "rows": len(rows)}
        if name == "rdflib":
            # rdflib's own engine, explicitly: Dataset.query would hand the string to Oxigraph through oxrdflib
            from rdflib.plugins.sparql import prepareQuery
            from rdflib.plugins.sparql.evaluate import evalQuery
            from rdflib.plugins.sparql.processor import SPARQLResult

            query = prepareQuery(AGGREGATE, initNs=PREFIXES)
            (seconds, cpu), rows = timed_cpu(lambda: list(SPARQLResult(evalQuery(kg.dataset, query, {}))))
            return {"rdflib_s": seconds, "rdflib_cpu_s": cpu, "rdflib_rows": len(rows)}
    raise ValueError(name)


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def timed_cpu(work):
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return (time.perf_counter() - wall, time.process_time() - cpu), result


def run_child(name: str, folder: Path, quads: int, timeout: float | None = None) -> dict:
    command = [sys.executable, "-m", "bench.store", "--step", name, "--folder", str(folder), "--quads", str(quads)]
    try:
        child = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {f"{name}_s": None, f"{name}_timeout_s": timeout}
    if child.returncode:
        sys.exit(f"bench.store step {name} failed:\n{child.stderr}")
    figures = json.loads(child.stdout.splitlines()[-1])
    print(f"  {name}: {figures}", file=sys.stderr)
    return figures


def report(f: dict) -> str:
    rdflib = f"{f['rdflib_s']:.2f} ({f['rdflib_cpu_s']:.2f})" if f.get("rdflib_s") else \
        f"> {f['rdflib_timeout_s']:.0f}" if f.get("rdflib_timeout_s") else "not run"
    ratio = f"{f['rdflib_s'] / f['native_s']:.0f}×" if f.get("rdflib_s") else "—"
    return "\n".join([
        "| quads | N-Quads MiB | bulk load s (CPU s) | quads/s | load peak RSS MiB | `oxigraph load` s (CPU s) "
        "| ours ÷ `oxigraph load` | then compaction s (CPU s) | aggregate before / after compaction s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {f['quads_in_store']:,} | {f['file_mib']:.0f} | {f['load_s']:.2f} ({f['load_cpu_s']:.2f}) "
        f"| {f['quads_read'] / f['load_s']:,.0f} | {f['load_rss_mib']:.0f} "
        f"| {f['oxigraph_load_s']:.2f} ({f['oxigraph_load_cpu_s']:.2f}) | {f['load_s'] / f['oxigraph_load_s']:.2f}× "
        f"| {f['compact_s']:.2f} ({f['compact_cpu_s']:.2f}) | {f['native_loaded_s']:.3f} / {f['native_s']:.3f} |",
        "",
        "| aggregate query | rows | native Oxigraph s (CPU s) | rdflib engine over the same store s (CPU s) | rdflib / native "
        "| native peak RSS MiB | rdflib peak RSS MiB |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| asserted events per type and month | {f['rows']} | {f['native_s']:.3f} ({f['native_cpu_s']:.3f}) | {rdflib} "
        f"| {ratio} | {f['native_rss_mib']:.0f} | {f.get('rdflib_rss_mib', float('nan')):.0f} |",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--rdflib-timeout", type=float, default=600.0, help="seconds before the rdflib run is stopped "
                        "(0: no rdflib run)")
    parser.add_argument("--step", help=argparse.SUPPRESS)  # a child process measuring one step
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        figures = step(args.step, args.folder, args.quads)
        figures[f"{args.step}_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
        print(json.dumps(figures))
        return
    figures: dict = {}
    with tempfile.TemporaryDirectory(prefix="eventkg-bench-store-") as folder:
        for name in ("generate", "load", "oxigraph-load"):
            figures |= run_child(name, Path(folder), args.quads)
        figures["native_loaded_s"] = run_child("native", Path(folder), args.quads)["native_s"]
        for name in ("compact", "native"):
            figures |= run_child(name, Path(folder), args.quads)
        if args.rdflib_timeout:
            figures |= run_child("rdflib", Path(folder), args.quads, timeout=args.rdflib_timeout)
        else:
            figures |= {"rdflib_s": None, "rdflib_timeout_s": 0}
    if figures.get("rdflib_rows") not in (None, figures["rows"]):
        sys.exit(f"the engines disagree: {figures['rows']} rows native, {figures['rdflib_rows']} with rdflib")
    print(report(figures))


if __name__ == "__main__":
    main()
