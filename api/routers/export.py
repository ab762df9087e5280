"""``/export/{format}``: the graph for Gephi, spreadsheets, dashboards or RDF tools, in the formats and with the filters
of ``eventkg export``, streamed."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.deps import StoreDep
from api.params import ExportView, GraphFilter
from graph.export import FORMATS, export

router = APIRouter(tags=["export"])
_CHUNK = 64 * 1024


@router.get("/export/{format}", response_class=StreamingResponse, summary="Download the graph in one format",
            responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}}})
async def download(format: Literal[tuple(FORMATS)], store: StoreDep, filter: GraphFilter,  # type: ignore[valid-type]
                   view: ExportView):
    """Graph formats (gexf, graphml, csv-nodes, csv-edges, json) take the filters, and ``top``/``center`` to keep
    the part of the network that ``/analytics/network`` answers with the same parameters (what the explorer shows);
    RDF dumps (ttl, trig, nq, jsonld) are the whole store and refuse filters other than the defaults."""
    spec = FORMATS[format]
    # Written to a spooled file first (memory, then disk past 16 MB), so a failure is a clean error, not a cut stream.
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)
    try:
        await run_in_threadpool(export, store, format, spool, filter, view)
    except BaseException:  # the error is answered as any other (an InvalidFilter is a 400, api/app.py)
        spool.close()
        raise
    spool.seek(0)
    return StreamingResponse(_chunks(spool), media_type=spec.media_type,
                             headers={"Content-Disposition": f'attachment; filename="eventkg{spec.suffix}"'})


def _chunks(spool) -> Iterator[bytes]:
    with spool:
        while chunk := spool.read(_CHUNK):
            yield chunk
