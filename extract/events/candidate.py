"""What the rules work on: an event candidate holds tokens while the rules run and becomes an
:class:`~extract.model.Event` in ``eventkg_relations``. Later components (a learned re-scorer, event coreference) read
and filter the list of candidates in ``doc.user_data["eventkg.events"]`` before that."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Token


@dataclass
class EventCandidate:
    type: str
    trigger: Token
    anchor: Token  # the verb of the clause the event sits in (the trigger itself for verbs)
    args: list[tuple[str, Token]] = field(default_factory=list)
    instruments: list[Token] = field(default_factory=list)
    modality: str = "asserted"
    source: Token | None = None
    governor: Token | None = None  # the call/threat/declaration/statement word this event is the topic of
    confidence: float = 0.7
    cause: EventCandidate | None = None  # "the death of X during a US operation": the operation
    mentions: list[EventCandidate] = field(default_factory=list)  # later mentions of this event (extract/event_coref.py)

    def has(self, role: str) -> bool:
        """Whether some argument already plays ``role``."""
        return any(r == role for r, _ in self.args)

    def first(self, role: str) -> Token | None:
        """The first argument that plays ``role``, or None."""
        return next((t for r, t in self.args if r == role), None)
