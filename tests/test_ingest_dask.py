"""``eventkg ingest --dask local:2`` as a user runs it: a real LocalCluster of two worker processes, the real model in
each, the real store. It must build exactly the store a plain ingest builds, lose and double nothing when a worker is
SIGKILLed mid-run, and change nothing when run again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_ingest import sorted_dump

from graph.ingest import ingest
from graph.store import open_store

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")

EVENTKG = str(Path(sys.executable).with_name("eventkg"))
PLACES = ["Kabul", "Mosul", "Aleppo", "Kano", "Mogadishu", "Raqqa", "Hebron", "Peshawar", "Sirte", "Maiduguri",
          "Kandahar", "Homs", "Gao", "Benghazi", "Tikrit", "Idlib"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, repo_dir) -> Path:
    """16 articles sharing entities (the seed's ISIS, its leaders, places) with one sentence of their own each."""
    seed = (repo_dir / "seeds" / "isis-global-offensive.txt").read_text()
    path = tmp_path_factory.mktemp("dask") / "corpus.jsonl"
    with path.open("w") as out:
        for n, place in enumerate(PLACES):
            text = f"Gunmen killed {n + 2} soldiers in {place} on Monday, police said. {seed}"
            out.write(json.dumps({"id": f"wire/{n:02}", "text": text, "published": "2022-04-2" + str(n % 10)}) + "\n")
    return path


@pytest.fixture(scope="module")
def plain_store(corpus, extractor, tmp_path_factory) -> Path:
    """What a plain single-process ingest of the corpus builds (the same code as the command, in this process)."""
    from extract.readers import iter_articles

    path = tmp_path_factory.mktemp("plain") / "kg"
    with open_store(path) as kg:
        summary = ingest(kg, iter_articles([corpus]), extractor)
    assert (summary.new, summary.failed) == (len(PLACES), 0)
    return path


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EVENTKG, *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_dask_ingest_equals_the_plain_ingest_and_a_rerun_changes_nothing(corpus, plain_store, tmp_path):
    store = tmp_path / "kg"
    first = run("ingest", str(corpus), "--store", str(store), "--dask", "local:2")
    assert first.returncode == 0, first.stderr
    assert "dask: scheduler tcp://127.0.0.1:" in first.stderr and "2 worker thread(s)" in first.stderr
    assert f"{len(PLACES)} new, 0 updated, 0 unchanged, 0 failed" in first.stdout
    assert sorted_dump(store) == sorted_dump(plain_store)  # same article graphs, same entity descriptions, same IRIs

    # again, through a running scheduler's address: everything is skipped before the cluster is asked for anything
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, protocol="tcp://", host="127.0.0.1",
                      dashboard_address=None) as cluster:
        again = run("ingest", str(corpus), "--store", str(store), "--dask", cluster.scheduler_address)
    assert again.returncode == 0, again.stderr
    assert f"dask: scheduler {cluster.scheduler_address}, 1 worker thread(s)" in again.stderr
    assert f"0 new, 0 updated, {len(PLACES)} unchanged, 0 failed" in again.stdout
    assert sorted_dump(store) == sorted_dump(plain_store)


@pytest.mark.parametrize(("spec", "words"), [("local:0", "local:N needs a number of workers"),
                                             ("mars:2", "give local:N or the scheduler's address")])
def test_a_bad_dask_address_is_one_clear_error(tmp_path, corpus, spec, words):
    done = run("ingest", str(corpus), "--store", str(tmp_path / "kg"), "--dask", spec)
    assert done.returncode == 2 and done.stderr.splitlines()[-1].startswith("error: --dask") and words in done.stderr
    assert "Traceback" not in done.stderr


def test_a_worker_killed_mid_run_loses_and_doubles_nothing(corpus, plain_store, tmp_path):
    import psutil

    store = tmp_path / "kg"
    command = [EVENTKG, "ingest", str(corpus), "--store", str(store), "--dask", "local:2", "--batch-size", "2", "-v"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    stored_before_kill, killed = 0, None
    for line in process.stderr:
        if line.startswith("new "):
            stored_before_kill += 1
            workers = [p for p in psutil.Process(process.pid).children(recursive=True)
                       if "spawn_main" in " ".join(p.cmdline())]
            assert len(workers) == 2, [p.cmdline() for p in workers]
            killed = workers[0]
            killed.send_signal(signal.SIGKILL)
            break
    out, err = process.communicate(timeout=600)
    assert killed is not None and stored_before_kill < len(PLACES)
    assert process.returncode == 0, err
    assert f"{len(PLACES)} new, 0 updated, 0 unchanged, 0 failed" in out
    assert sorted_dump(store) == sorted_dump(plain_store)
