"""How the routers answer: graph dataclasses serialised straight to JSON, the paging headers, and small reads on the
event loop."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from api.deps import get_store

T = TypeVar("T")


def json_response(view: Any) -> Response:
    """A :mod:`graph.reading` dataclass as the JSON answer, serialised by pydantic's core without validating it again:
    on hot endpoints, validating every item cost as much as reading it from a memoised store. The route's
    ``response_model`` (the same dataclass, :mod:`api.models`) documents it (``tests/test_api_rest.py`` checks each
    answer against it)."""
    return Response(_adapter(type(view)).dump_json(view), media_type="application/json")


def json_page(request: Request, page: Any) -> Response:
    """:func:`json_response` for a :class:`graph.reading.Page`, with the paging headers of :func:`paginated`."""
    answer = json_response(page)
    paginated(request, answer, page)
    return answer


@cache
def _adapter(kind: type) -> TypeAdapter:
    return TypeAdapter(kind)


def paginated(request: Request, response: Response, page: T) -> T:
    """``X-Total-Count`` and RFC 8288 ``Link`` headers (first, prev, next, last) for a :class:`graph.reading.Page`."""
    total, limit, offset = page.total, page.limit, page.offset

    def link(rel: str, at: int) -> str:
        return f'<{request.url.include_query_params(limit=limit, offset=at)}>; rel="{rel}"'

    links = [link("first", 0)]
    if offset > 0:
        links.append(link("prev", max(0, offset - limit)))
    if offset + limit < total:
        links.append(link("next", offset + limit))
    links.append(link("last", max(0, (total - 1) // limit * limit)))
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(total)
    return page


INLINE_ITEMS = 20  # reads listing at most this many items of each kind run on the event loop


async def read_small(request: Request, items: int, read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``read(store, *args, **kwargs)`` on the request's store snapshot, for a read whose size is bounded by ``items``:
    on the event loop up to :data:`INLINE_ITEMS` (see :func:`read_inline`)."""
    store = await get_store(request)
    return await read_inline(items <= INLINE_ITEMS and not store.remote, read, store, *args, **kwargs)


async def read_inline(inline: bool, read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``read(*args, **kwargs)`` right here on the event loop when ``inline``, else in the thread pool.

    Inline is for reads known to be cheap (a few items from a memoised snapshot, counters kept at write time): they
    take a fraction of a millisecond, less than handing them to the thread pool and back, which under load costs
    milliseconds (it halved the requests/s of /entities/{key}: docs/benchmarks.md). Anything bigger goes to the
    thread pool so that it does not hold up other requests (Oxigraph lets go of the GIL while it queries), and so does
    any read of a server store (each read is a request to it)."""
    if inline:
        return read(*args, **kwargs)
    return await run_in_threadpool(read, *args, **kwargs)
