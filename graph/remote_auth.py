"""HTTP credentials for :class:`graph.remote.SparqlService`, in a module of their own so that httpx is imported only
by a server whose store is a SPARQL service (``eventkg serve`` on a local store never loads it)."""

from __future__ import annotations

import httpx


class Credentials(httpx.Auth):
    """HTTP basic or digest authentication, whichever the server's challenge asks for (Virtuoso's ``/sparql-auth``
    asks for digest); the digest challenge is remembered, so later requests are sent authenticated at once."""

    def __init__(self, user: str, password: str):
        self.digest, self.basic = httpx.DigestAuth(user, password), httpx.BasicAuth(user, password)
        self.scheme: httpx.Auth | None = None

    def auth_flow(self, request):
        if self.scheme is not None:
            yield from self.scheme.auth_flow(request)
            return
        response = yield request
        if response.status_code == 401:
            challenge = response.headers.get("www-authenticate", "").lower()
            self.scheme = self.digest if challenge.startswith("digest") else self.basic
            yield from self.scheme.auth_flow(request)
