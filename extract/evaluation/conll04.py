"""CoNLL04 (Roth & Yih 2004), SpERT JSON version: one sentence per document, entities and directed relations.

Text: the sentence's tokens detokenized (:func:`extract.evaluation.textmap.detokenize`). Gold relations are mapped with
:data:`~extract.evaluation.mappings.CONLL04_RELATIONS` (Kill -> killed, Work_For -> worksFor, Located_In and
OrgBased_In -> locatedIn); head and tail are the character spans of the gold entities.
"""

from __future__ import annotations

import json
from pathlib import Path

from extract.evaluation.mappings import CONLL04_RELATIONS
from extract.evaluation.forms import GoldDocument, GoldRelation, Score
from extract.evaluation.scoring import predicted_relations, relation_weight, score_items
from extract.evaluation.textmap import detokenize, token_range
from extract.model import Article

SPLITS = ("dev", "train")
HEADLINE = (("Relation", "killed"), ("Relation", "worksFor"), ("Relation", "locatedIn"))
PREDICATES = frozenset(CONLL04_RELATIONS.values())


def read(data_dir: Path, split: str = "dev") -> list[GoldDocument]:
    """Every sentence of ``spert_json/conll04_<split>.json`` as a one-sentence document, in file order."""
    sentences = json.loads((data_dir / "spert_json" / f"conll04_{split}.json").read_text(encoding="utf-8"))
    return [_document(sentence, index) for index, sentence in enumerate(sentences)]


def score(pairs) -> Score:
    """Relation scores per predicate (``Relation killed`` is the Kill F1) over ``(gold, extraction)`` pairs."""
    pairs = ((gold.relations, predicted_relations(extraction, PREDICATES)) for gold, extraction in pairs)
    return score_items("Relation", pairs, relation_weight)


def _document(sentence: dict, index: int) -> GoldDocument:
    """The sentence and its mapped relations; relations between the same strings (``Haitian Parliament -> Haiti``
    written twice, or Located_In and OrgBased_In on one pair) are one relation whose ends may match any of them."""
    text, spans = detokenize(sentence["tokens"])
    entities = [token_range(spans, e["start"], e["end"]) for e in sentence["entities"]]
    ends: dict[tuple[str, str, str], tuple[set, set]] = {}
    for r in sentence["relations"]:
        if r["type"] in CONLL04_RELATIONS:
            head, tail = entities[r["head"]], entities[r["tail"]]
            key = (CONLL04_RELATIONS[r["type"]], text[slice(*head)], text[slice(*tail)])
            heads, tails = ends.setdefault(key, (set(), set()))
            heads.add(head)
            tails.add(tail)
    relations = [
        GoldRelation(predicate, tuple(sorted(heads)), tuple(sorted(tails)), f"{head} -> {tail}")
        for (predicate, head, tail), (heads, tails) in ends.items()
    ]
    return GoldDocument(article=Article(id=f"conll04-{sentence.get('orig_id', index)}", text=text), relations=relations)
