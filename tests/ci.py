"""Whether the tests run under CI, where nothing may skip for a missing part: the evaluation data, a browser, a
SPARQL server (``.ci/run`` installs what they need)."""

from __future__ import annotations

import os


def in_ci() -> bool:
    """CI sets ``CI=true`` (GitHub Actions, GitLab, most others)."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")
