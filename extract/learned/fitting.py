"""Fitting the learned layer's two models on labelled documents (:mod:`extract.learned.labels`): scikit-learn's
logistic regression, written out as the plain linear models of :mod:`extract.learned.linear`. The trigger model's
calibration and threshold and the argument model's drop and relabel thresholds come from an inner cross-validation by
document group, so that none is set on a document the model was fitted on.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from extract.learned.features import ARG_CLASSES
from extract.learned.labels import Document
from extract.learned.linear import Binary, LearnedModel, Multinomial, sigmoid

EVENT_SOURCES = ("wikievents", "rams", "geneva")  # gold events: argument decisions are tuned on these
SEED = 13


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
