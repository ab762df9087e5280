"""The learned layer: between the event rules and the relations, classifiers trained on the shared gold data decide
which rule candidates are real, specific event mentions of their type and which role each of their arguments plays.

``eventkg_learned`` (a spaCy component after ``eventkg_events``) reads the candidates the rules left in
``doc.user_data``, and for each candidate of a scored type (Attack, Battle, Invasion, Killing, Death, Injury, Arrest,
Threat, CallForAction):

- sets ``confidence`` to the calibrated probability that it is a real event of its type, and drops it below the
  threshold chosen by cross-validation;
- gives each argument the role the argument model finds most likely, or drops it when that is "none"; then keeps
  one role per referent of the event, the most probable (:func:`one_role_each`).

Other types (Statement, Declaration, MilitaryOperation, Proclamation) have no gold to learn from and keep the rules'
confidence. The model is ``extract/models/learned.json`` (built by ``make train``, see ``docs/evaluation.md``),
linear weights in JSON applied in plain Python (:mod:`extract.learned.linear`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from spacy.language import Language
from spacy.tokens import Doc, Token

from extract.evaluation.mappings import OUR_CLASSES
from extract.event_types import PATIENT_ROLE
from extract.learned.features import DocumentContext, abstract_role, argument_features, trigger_features
from extract.learned.linear import LearnedModel

MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "learned.json"
EVENTS, INDEX = "eventkg.events", "eventkg.index"  # the rule stage's state (see extract.components)
CALIBRATED = "eventkg.calibrated"  # ids of the candidates whose confidence is a calibrated probability
ROWS = "eventkg.learned.rows"  # with ``record``: the features of every judged candidate, for training


@lru_cache(maxsize=2)
def load_model(path: Path = MODEL_PATH) -> LearnedModel:
    return LearnedModel.load(path)


@Language.factory("eventkg_learned", default_config={"model_path": None})
def make_learned_layer(nlp: Language, name: str, model_path: str | None) -> LearnedLayer:
    return LearnedLayer(load_model(Path(model_path) if model_path else MODEL_PATH))


class Decided(NamedTuple):
    """An argument the argument model kept: its role, its token, what it refers to, the probability of its role."""

    role: str
    token: Token
    referent: str
    probability: float


def one_role_each(arguments: list[Decided]) -> list[Decided]:
    """One role per referent of an event, the most probable (ties: the earlier argument): a bomber who "blew himself
    up" is not also his own target. Measured in docs/evaluation.md (Arg-C ≥ 48: session 5).

    >>> a = [Decided("agent", 1, "x", 0.6), Decided("target", 2, "x", 0.7), Decided("place", 3, "p", 0.5)]
    >>> [(d.role, d.token) for d in one_role_each(a)]
    [('target', 2), ('place', 3)]
    """
    best: dict[str, int] = {}
    for n, argument in enumerate(arguments):
        if argument.referent not in best or argument.probability > arguments[best[argument.referent]].probability:
            best[argument.referent] = n
    keep = set(best.values())
    return [a for n, a in enumerate(arguments) if n in keep]


class LearnedLayer:
    """Applies :attr:`model` (None: candidates pass unchanged); with :attr:`record` keeps every feature row in
    ``doc.user_data[ROWS]``, which is how the training data is made (:mod:`extract.learned.labels`)."""

    def __init__(self, model: LearnedModel | None, record: bool = False):
        self.model = model
        self.record = record

    def __call__(self, doc: Doc) -> Doc:
        candidates = doc.user_data[EVENTS]
        index = doc.user_data[INDEX]
        judged = [c for c in candidates if c.type in OUR_CLASSES]
        if not judged:
            return doc
        context = DocumentContext(candidates, index, OUR_CLASSES)
        rows = [self._row(c, context) for c in judged]
        if self.record:
            doc.user_data[ROWS] = [{k: v for k, v in row.items() if k != "candidate"} for row in rows]
        if self.model is not None:
            doc.user_data[EVENTS] = self._apply(candidates, rows)
            doc.user_data[CALIBRATED] = {id(row["candidate"]) for row in rows}
        return doc

    @staticmethod
    def _row(candidate, context: DocumentContext) -> dict:
        cls = OUR_CLASSES[candidate.type]
        trigger, index = candidate.trigger, context.index
        arguments = []
        for role, token in candidate.args:
            span = index.span_of(token)
            entity = index.entity_at(token) if token.lower_ not in ("it", "someone") else None
            mentions = [(m.start, m.end) for m in index.entities[entity].mentions] if entity in index.entities else []
            arguments.append({"role": role, "span": (span.start_char, span.end_char), "mentions": mentions,
                              "entity": entity, "ent": token.ent_type_,
                              "features": argument_features(candidate, role, token, context, cls)})
        return {"candidate": candidate, "cls": cls, "trigger": (trigger.idx, trigger.idx + len(trigger.text)),
                "features": trigger_features(candidate, context, cls), "arguments": arguments}

    def _apply(self, candidates: list, rows: list[dict]) -> list:
        model = self.model
        dropped = set()
        for row in rows:
            candidate = row["candidate"]
            p = model.trigger.probability(row["features"])
            candidate.confidence = p
            if p < model.trigger.threshold:
                dropped.add(id(candidate))
                continue
            args = []
            for (role, token), argument in zip(candidate.args, row["arguments"], strict=True):
                probabilities = model.argument.probabilities(argument["features"])
                decided = model.argument.decide(probabilities, abstract_role(role), model.argument.drop,
                                                model.argument.relabel)
                if decided == "none":
                    continue
                if decided != abstract_role(role):
                    role = PATIENT_ROLE[candidate.type] if decided == "patient" else decided
                args.append(Decided(role, token, argument["entity"] or f"token {token.i}", probabilities[decided]))
            candidate.args = [(a.role, a.token) for a in one_role_each(args)]
        kept = [c for c in candidates if id(c) not in dropped]
        for candidate in kept:
            if candidate.cause is not None and id(candidate.cause) in dropped:
                candidate.cause = None
        return kept
