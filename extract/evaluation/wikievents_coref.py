"""Entity coreference on WikiEvents (``eventkg eval --dataset wikievents-coref``): MUC, B³, CEAF-e and their mean, the
CoNLL F1, with the scorer of the ``scorch`` package (the formulas of Pradhan et al. 2014).

Gold: every entity mention of ``<split>.jsonl`` (names, descriptions, pronouns), clustered by
``coref/<split>.jsonlines``; a mention in no cluster is a singleton (WikiEvents annotates every mention, so singletons
are part of the key). Prediction: every mention of an entity in the extraction, its names (``Entity.mentions``) and the
pronouns and descriptions coreference resolved to it (``Entity.references``), clustered by entity.

Mentions are aligned one to one (:func:`~extract.evaluation.scoring.match`): a predicted mention takes the gold mention
it overlaps most, a gold mention that ends where it ends first (English noun phrases end in their head: gold
"general" in our "Russian major general", not gold "Russian"), then one that also starts there.

Two settings, each a row group:

- ``Coref`` — on the gold mentions we match (the issue's target): key and response restricted to the aligned gold
  mentions, each clustered by its gold cluster and by our entity.
- ``Coref-all`` — on every gold mention: those we found no mention for are singletons of the response.

The ``Mentions`` row is the alignment itself: precision over our mentions, recall over the gold mentions.

Scores are micro over documents: the numerators and denominators of each metric are summed over documents, as the
CoNLL reference scorer does. In the rows, ``pred`` and ``gold`` are the denominators (MUC: mentions minus clusters;
B³: mentions; CEAF-e: clusters). The ``CoNLL`` row is the mean of the three F1: its P and R repeat that mean.

>>> from scorch.scores import muc
>>> [round(x, 3) for x in muc([{1, 2, 3}, {4, 5}], [{1, 2}, {3, 4, 5}])]
[0.667, 0.667, 0.667]
>>> _links([{1, 2, 3}, {4}])
2
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from scorch.scores import b_cubed, ceaf_e, muc

from extract.evaluation.forms import Counts, GoldDocument, Offsets, Score
from extract.evaluation.scoring import match
from extract.evaluation.textmap import join_texts, token_range
from extract.evaluation.wikievents import _clusters, _sentence_builder
from extract.model import Article, Extraction

FOLDER = "wikievents"
SPLITS = ("dev",)  # the train split's texts are not in the shared data, only its clusters
HEADLINE = (("Coref", "CoNLL"), ("Coref", "MUC"), ("Coref", "B3"), ("Coref", "CEAF-e"), ("Coref-all", "CoNLL"))
METRICS = {"MUC": (muc, lambda clusters: _links(clusters)), "B3": (b_cubed, lambda clusters: _size(clusters)),
           "CEAF-e": (ceaf_e, len)}
HEAD_BONUS = 1000  # a shared end outweighs any overlap (then a shared start: the exact span)


@dataclass
class CorefGold(GoldDocument):
    """A document with no events, its entity mentions and their gold clusters."""

    mentions: dict[str, Offsets] = field(default_factory=dict)  # mention id -> character span
    clusters: list[set[str]] = field(default_factory=list)  # every gold mention in exactly one cluster


def read(data_dir: Path, split: str = "dev") -> list[CorefGold]:
    """Every document of ``<data_dir>/<split>.jsonl`` with its gold mentions and clusters, in file order."""
    clusters = _clusters(data_dir / "coref" / f"{split}.jsonlines")
    with (data_dir / f"{split}.jsonl").open(encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    return [_document(doc, clusters.get(doc["doc_id"], {})) for doc in docs]


def _document(doc: dict, cluster_of: dict[str, list[str]]) -> CorefGold:
    text, spans = join_texts([_sentence_builder(tokens, sentence) for tokens, sentence in doc["sentences"]])
    mentions = {m["id"]: token_range(spans, m["start"], m["end"]) for m in doc["entity_mentions"]}
    clusters = {frozenset(cluster_of.get(m, [m])).intersection(mentions) for m in mentions}
    return CorefGold(Article(id=doc["doc_id"], text=text), mentions=mentions,
                     clusters=[set(c) for c in sorted(clusters, key=sorted)])


def score(pairs) -> Score:
    """MUC, B³, CEAF-e and CoNLL F1 over ``(gold, extraction)`` pairs, on matched and on all gold mentions."""
    result = Score()
    sums: dict[tuple[str, str], list[float]] = {}
    for gold, extraction in pairs:
        entity_of = _aligned(gold, extraction, result)
        matched = [c & entity_of.keys() for c in gold.clusters]
        settings = {
            "Coref": ([c for c in matched if c], _by_entity(entity_of)),
            "Coref-all": (gold.clusters, _by_entity(entity_of) + [{m} for m in gold.mentions if m not in entity_of]),
        }
        for setting, (key, response) in settings.items():
            for name, (metric, denominator) in METRICS.items():
                recall, precision, _ = metric(key, response) if key and response else (0.0, 0.0, 0.0)
                n_gold, n_pred = denominator(key), denominator(response)
                totals = sums.setdefault((setting, name), [0.0, 0, 0.0, 0])
                totals[0] += recall * n_gold
                totals[1] += n_gold
                totals[2] += precision * n_pred
                totals[3] += n_pred
    for (setting, name), (hit_gold, n_gold, hit_pred, n_pred) in sorted(sums.items()):
        result.counts[setting, name] = Counts(n_pred=n_pred, n_gold=n_gold, hit_pred=hit_pred, hit_gold=hit_gold)
    for setting in ("Coref", "Coref-all"):
        mean = sum(result.get(setting, name).f1 for name in METRICS) / len(METRICS) / 100
        result.counts[setting, "CoNLL"] = Counts(n_pred=1, n_gold=1, hit_pred=mean, hit_gold=mean)
    return result


def _aligned(gold: CorefGold, extraction: Extraction, result: Score) -> dict[str, str]:
    """``{gold mention id: our entity}`` for the gold mentions one of our mentions aligns with; counts the alignment
    in the ``Mentions`` row."""
    predicted = sorted(((m.start, m.end), e.id) for e in extraction.entities for m in (*e.mentions, *e.references))
    golds = sorted(gold.mentions.items(), key=lambda item: (item[1], item[0]))

    def weight(pred, gold_item) -> int:
        (start, end), (g_start, g_end) = pred[0], gold_item[1]
        overlap = min(end, g_end) - max(start, g_start)
        return overlap + HEAD_BONUS * (end == g_end) + HEAD_BONUS // 2 * (start == g_start) if overlap > 0 else 0

    pairs = match(predicted, golds, weight)
    counts = result.counts.get(("Mentions", "aligned"), Counts())
    result.counts["Mentions", "aligned"] = counts + Counts(len(predicted), len(golds), len(pairs), len(pairs))
    return {golds[g][0]: predicted[p][1] for p, g in pairs.items()}


def _by_entity(entity_of: dict[str, str]) -> list[set[str]]:
    clusters: dict[str, set[str]] = {}
    for mention, entity in sorted(entity_of.items()):
        clusters.setdefault(entity, set()).add(mention)
    return list(clusters.values())


def _links(clusters) -> int:
    """MUC's denominator: mentions minus clusters."""
    return sum(len(c) - 1 for c in clusters)


def _size(clusters) -> int:
    return sum(len(c) for c in clusters)
