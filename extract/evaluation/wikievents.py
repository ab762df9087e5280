"""WikiEvents (Li et al. 2021): documents with entity mentions, gold coreference and KAIROS events.

Text: each sentence keeps its own text (``sentences[i][1]``, original spacing) and the sentences are joined one per
line; a token's character span is its offset inside its sentence (``char_start - sentence_start``) plus the sentence's
position in the joined text. Arguments match any mention of their entity's gold coreference cluster
(``coref/<split>.jsonlines``), the "Coref" setting of Li et al.
"""

from __future__ import annotations

import json
from pathlib import Path

from extract.evaluation.mappings import EVENT_ROLES, WIKIEVENTS_TYPES, event_class
from extract.evaluation.forms import GoldArgument, GoldDocument, GoldEvent
from extract.evaluation.scoring import score_extractions
from extract.evaluation.textmap import join_texts, token_range
from extract.model import Article

SPLITS = ("dev",)
HEADLINE = (("Trig-I", "micro"), ("Trig-C", "micro"), ("Arg-I", "micro"), ("Arg-C", "micro"))


def read(data_dir: Path, split: str = "dev") -> list[GoldDocument]:
    """Every document of ``<data_dir>/<split>.jsonl`` with its mapped events, in file order."""
    clusters = _clusters(data_dir / "coref" / f"{split}.jsonlines")
    with (data_dir / f"{split}.jsonl").open(encoding="utf-8") as handle:
        docs = [json.loads(line) for line in handle if line.strip()]
    return [_document(doc, clusters.get(doc["doc_id"], {})) for doc in docs]


score = score_extractions  # every event of the document is annotated


def _document(doc: dict, cluster_of: dict[str, list[str]]) -> GoldDocument:
    text, spans = join_texts([_sentence_builder(tokens, sentence) for tokens, sentence in doc["sentences"]])
    mention_span = {m["id"]: token_range(spans, m["start"], m["end"]) for m in doc["entity_mentions"]}
    mention_text = {m["id"]: m["text"] for m in doc["entity_mentions"]}
    events = []
    for event in doc["event_mentions"]:
        trigger = event["trigger"]
        arguments = tuple(
            GoldArgument(
                label=arg["role"],
                roles=EVENT_ROLES[arg["role"].lower()],
                mentions=tuple(mention_span[m] for m in cluster_of.get(arg["entity_id"], [arg["entity_id"]])),
                text=mention_text[arg["entity_id"]],
            )
            for arg in event["arguments"]
            if arg["role"].lower() in EVENT_ROLES
        )
        events.append(
            GoldEvent(
                cls=event_class(event["event_type"], WIKIEVENTS_TYPES),
                trigger=token_range(spans, trigger["start"], trigger["end"]),
                text=trigger["text"],
                arguments=arguments,
            )
        )
    return GoldDocument(article=Article(id=doc["doc_id"], text=text), events=events)


def _sentence_builder(tokens: list, sentence: str):
    start = tokens[0][1]
    return lambda offset: (sentence, [(offset + s - start, offset + e - start) for _, s, e in tokens])


def _clusters(path: Path) -> dict[str, dict[str, list[str]]]:
    """``{doc id: {mention id: every mention id of its cluster}}`` from the gold coreference file."""
    result: dict[str, dict[str, list[str]]] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            result[record["doc_key"]] = {m: cluster for cluster in record["clusters"] for m in cluster}
    return result
