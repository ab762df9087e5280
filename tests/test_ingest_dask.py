"""``eventkg ingest --dask local:2`` as a user runs it: a real LocalCluster of two worker processes, the real model in
each, the real store. It must build exactly the store a plain ingest builds and change nothing when run again. A
worker SIGKILLed mid-run (the same client code whatever the store) is tested with each SPARQL server as the store, in
tests/test_remote_store.py, where a Dask ingest runs anyway: one more here would cost a minute of CI."""

from __future__ import annotations

import os
import subprocess

import pytest
from test_ingest import sorted_dump

from tests.scale_fixtures import EVENTKG, PLACES

pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")


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


def test_a_bad_dask_address_is_one_clear_error(tmp_path, corpus):
    done = run("ingest", str(corpus), "--store", str(tmp_path / "kg"), "--dask", "mars:2")
    assert done.returncode == 2 and done.stderr.splitlines()[-1].startswith("error: --dask")
    assert "give local:N or the scheduler's address" in done.stderr and "Traceback" not in done.stderr
    # the command prints the same ValueError for every bad address (one command run is enough: each takes seconds)
    from extract.distributed import dask_client

    with pytest.raises(ValueError, match="local:N needs a number of workers"), dask_client("local:0"):
        pass
