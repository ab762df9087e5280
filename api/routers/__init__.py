"""One router per resource. :func:`paginated` adds the paging headers every list endpoint shares."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import Query, Request, Response
from pydantic import AfterValidator

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]


def _real_date(value: str | None) -> str | None:
    """``2022``, ``2022-03`` or ``2022-03-15``, naming a real year, month or day (year 1 onwards)."""
    if value is not None:
        year, month, day = (value.split("-") + ["01", "01"])[:3]
        date(int(year), int(month), int(day))  # ValueError (-> 422) for year 0, month 13, 30 February …
    return value


IsoTime = Annotated[str | None, AfterValidator(_real_date),
                    Query(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$",
                          description="ISO date, month or year; events whose time overlaps are kept.")]


def paginated(request: Request, response: Response, page: T) -> T:
    """``X-Total-Count`` and RFC 8288 ``Link`` headers (first, prev, next, last) for a :class:`graph.views.Page`."""
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
