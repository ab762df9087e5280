"""The eventkg ontology (``eventkg.ttl``), its SHACL shapes (``shapes.ttl``) and gazetteer data, shipped as package data.

>>> path("eventkg.ttl").name
'eventkg.ttl'
"""

from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def path(name: str) -> Path:
    """The file ``name`` in the ontology folder (``"eventkg.ttl"``, ``"gazetteers/…"``)."""
    return FOLDER / name
