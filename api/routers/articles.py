"""``/articles``: the stored articles and what was extracted from each; ``POST`` ingests one, ``DELETE`` drops one.

An article's id is the one it was ingested under: ``/articles/isis-global-offensive``.
"""

from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api import models
from api.deps import ExtractorsDep, SettingsDep, StoreDep, TokenDep, WriterDep
from api.params import Limit, Offset, Since
from api.responses import json_page
from extract.readers import ReadError, article_from_bytes, article_from_record
from graph import reading
from graph.ingest import extract_one, extraction_failure, store_extracted

router = APIRouter(prefix="/articles", tags=["articles"])
_TEXT = {"type": "string"}
_BODY = {"required": True, "content": {
    "text/plain": {"schema": _TEXT}, "text/html": {"schema": _TEXT},
    "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
        "id": _TEXT, "text": _TEXT, "title": _TEXT, "published": _TEXT, "url": _TEXT, "publisher": _TEXT}}}}}
Meta = Annotated[str | None, Query(max_length=2000)]


@router.get("", response_model=models.Page[models.ArticleSummary], summary="Stored articles")
def list_articles(request: Request, store: StoreDep, since: Since = None, limit: Limit = 50, offset: Offset = 0):
    return json_page(request, reading.articles(store, since=since, limit=limit, offset=offset))


@router.get("/{article_id:path}", response_model=models.ArticleDetail, summary="One article and its extraction")
def article(article_id: str, store: StoreDep):
    found = reading.article(store, article_id)
    if found is None:
        raise HTTPException(404, f"no article '{article_id}'")
    return found


@router.post("", response_model=models.IngestResult, dependencies=[TokenDep], openapi_extra={"requestBody": _BODY},
             responses={201: {"model": models.IngestResult}, 400: {"model": models.Problem},
                        422: {"model": models.Problem}, 503: {"model": models.Problem}},
             summary="Ingest one article (text, HTML or JSON); bearer token")
async def ingest(request: Request, response: Response, settings: SettingsDep, writer: WriterDep,
                 extractors: ExtractorsDep, id: Meta = None, title: Meta = None, published: Meta = None,
                 url: Meta = None, publisher: Meta = None):
    """Text and HTML bodies take their metadata from the query (``id`` defaults to a hash of the body); a JSON body is
    a record ``{"id", "text", "title"?, "published"?, "url"?, "publisher"?}``. Answers what was extracted; 201 when
    the article is new."""
    body = await request.body()
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    article_id = id or "sha256-" + hashlib.sha256(body).hexdigest()[:16]
    if content_type == "application/json":
        try:
            record = json.loads(body)
        except (ValueError, UnicodeDecodeError) as err:
            raise HTTPException(400, f"the body is not JSON: {err}") from None
        except RecursionError:  # json's parser recurses once per nested array or object
            raise HTTPException(400, "the body is not a JSON record: it is nested too deeply") from None
        article = article_from_record(record, source="the JSON body", default_id=article_id,
                                      max_bytes=settings.max_article_bytes)
    elif content_type in ("text/plain", "text/html"):
        metadata = {k: v for k, v in dict(title=title, published=published, url=url, publisher=publisher).items() if v}
        article = article_from_bytes(body, id=article_id, max_bytes=settings.max_article_bytes,
                                     html=content_type == "text/html", **metadata)
    else:
        raise HTTPException(415, "send text/plain, text/html or application/json")
    if isinstance(article, ReadError):
        raise HTTPException(400, article.message)
    # graph.errors.Unavailable when the model cannot be loaded
    extraction = await run_in_threadpool(lambda: extract_one(extractors.get(), article))
    if isinstance(extraction, Exception):  # reported as `eventkg ingest` reports it, without opening the store
        raise HTTPException(422, f"{article.id}: {extraction_failure(extraction)}")
    outcome = await run_in_threadpool(writer.write, lambda store: store_extracted(store, article, extraction))
    if outcome.status == "failed":  # as `eventkg ingest` reports an article it skips
        raise HTTPException(422, f"{article.id}: {outcome.error}")
    response.status_code = 201 if outcome.status == "new" else 200
    return models.IngestResult(id=article.id, status=outcome.status, extraction=extraction.to_dict())


@router.delete("/{article_id:path}", status_code=204, dependencies=[TokenDep], summary="Drop one article; bearer token")
async def delete(article_id: str, writer: WriterDep) -> Response:
    if not await run_in_threadpool(writer.write, lambda store: store.delete_article(article_id)):
        raise HTTPException(404, f"no article '{article_id}'")
    return Response(status_code=204)
