"""Shared fixtures: the real spaCy model, the shared data folder and the seed article."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVENTKG_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set EVENTKG_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def seed_article():
    from extract.readers import iter_articles

    (article,) = iter_articles([REPO / "seeds" / "isis-global-offensive.txt"])
    return article
