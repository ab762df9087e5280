"""Where a store is: a folder, or the query URL of a SPARQL 1.1 server (docs/scale-out.md). Imports nothing, so that
the server can tell which before it loads either kind's modules.

>>> is_service_url("http://127.0.0.1:8890/sparql"), is_service_url("eventkg-data")
(True, False)
"""


def is_service_url(location: object) -> bool:
    return str(location).startswith(("http://", "https://"))
