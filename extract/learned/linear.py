"""Linear models stored as JSON and applied in plain Python: no library version is needed to read them.

A model file (``extract/models/learned.json``, written by ``make train``) holds two models over the sparse features of
:mod:`extract.learned.features`:

- ``trigger``: logistic regression, ``P(real event of its type)``, with a Platt calibration fitted on cross-validated
  scores and the drop threshold chosen by cross-validation;
- ``argument``: multinomial logistic regression over :data:`~extract.learned.features.ARG_CLASSES`.

>>> m = Binary(bias=0.0, weights={"a": 2.0}, scale=1.0, shift=0.0, threshold=0.5)
>>> round(m.probability({"a": 1.0}), 3), round(m.probability({"b": 1.0}), 3)
(0.881, 0.5)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

FORMAT = "eventkg-linear-1"


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


@dataclass(frozen=True)
class Binary:
    bias: float
    weights: dict[str, float]
    scale: float  # Platt calibration: p = sigmoid(scale * score + shift)
    shift: float
    threshold: float

    def score(self, features: dict[str, float]) -> float:
        """The uncalibrated linear score."""
        return self.bias + sum(self.weights.get(name, 0.0) * value for name, value in features.items())

    def probability(self, features: dict[str, float]) -> float:
        return sigmoid(self.scale * self.score(features) + self.shift)

    def as_json(self) -> dict:
        return {"bias": self.bias, "weights": self.weights, "scale": self.scale, "shift": self.shift,
                "threshold": self.threshold}


@dataclass(frozen=True)
class Multinomial:
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]
    drop: float  # P(none) at which an argument is dropped (above 1: never)
    relabel: float  # probability at which another role replaces the rule's (above 1: never)

    @staticmethod
    def decide(probabilities: dict[str, float], rule_role: str, drop: float, relabel: float) -> str:
        """The role to give an argument the rules gave ``rule_role`` (an abstract role), or "none".

        >>> Multinomial.decide({"none": 0.1, "agent": 0.2, "patient": 0.7}, "agent", 0.9, 0.6)
        'patient'
        >>> Multinomial.decide({"none": 0.95, "agent": 0.05}, "agent", 0.9, 0.6)
        'none'
        """
        if probabilities.get("none", 0.0) >= drop:
            return "none"
        best = max((c for c in probabilities if c != "none"), key=probabilities.get)
        return best if best != rule_role and probabilities[best] >= relabel else rule_role

    def probabilities(self, features: dict[str, float]) -> dict[str, float]:
        scores = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for k, w in enumerate(row):
                    scores[k] += w * value
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {cls: e / total for cls, e in zip(self.classes, exps, strict=True)}

    def as_json(self) -> dict:
        return {"classes": list(self.classes), "bias": list(self.bias), "drop": self.drop, "relabel": self.relabel,
                "weights": {k: list(v) for k, v in self.weights.items()}}


@dataclass(frozen=True)
class LearnedModel:
    trigger: Binary
    argument: Multinomial
    about: dict  # how it was trained: data, seed, scores

    @classmethod
    def from_json(cls, data: dict) -> LearnedModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"not an {FORMAT} model")
        t, a = data["trigger"], data["argument"]
        return cls(
            trigger=Binary(t["bias"], t["weights"], t["scale"], t["shift"], t["threshold"]),
            argument=Multinomial(tuple(a["classes"]), tuple(a["bias"]), {k: tuple(v) for k, v in a["weights"].items()},
                                 a["drop"], a["relabel"]),
            about=data.get("about", {}),
        )

    @classmethod
    def load(cls, path: Path) -> LearnedModel:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def as_json(self) -> dict:
        return {"format": FORMAT, "about": self.about, "trigger": self.trigger.as_json(),
                "argument": self.argument.as_json()}

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.as_json(), sort_keys=True, separators=(",", ":"))
        path.write_text(text + "\n", encoding="utf-8")
