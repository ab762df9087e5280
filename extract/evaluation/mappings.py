"""How each dataset's event types, roles, relations and slots map onto eventkg's types, roles and predicates.

Scoring is done on *classes*: our event types grouped where a dataset does not tell them apart (Killing and Death are
one class, "Killing/Death"; Battle and Invasion are kinds of Attack, as in KAIROS ``Conflict.Attack`` and RAMS
``conflict.attack.invade``). Our types outside :data:`OUR_CLASSES` (Statement, Declaration, MilitaryOperation,
Proclamation) are never scored, and gold events whose type is outside a dataset's map are ignored (except that in RAMS
they still mark where a wrongly typed prediction is judged, see :mod:`extract.evaluation.rams`).

A gold role maps to a *set* of our roles: any of them is right. KAIROS and AIDA call the people hit by an attack or held
in an arrest ``Target`` / ``Detainee``; our rules say ``target`` or ``victim`` for them, and either is accepted.
"""

from __future__ import annotations

from extract.event_types import EVENT_TYPES, SCORED_AS

# Our type -> scoring class, and each dataset's type prefixes -> class: defined with the types in extract/event_types.py.
OUR_CLASSES = SCORED_AS
CLASSES = tuple(dict.fromkeys(OUR_CLASSES.values()))

# Dataset event-type prefixes -> scoring class (the longest matching prefix wins).
WIKIEVENTS_TYPES = {prefix: t.scored_as for t in EVENT_TYPES for prefix in t.wikievents}
RAMS_TYPES = {prefix: t.scored_as for t in EVENT_TYPES for prefix in t.rams}
# GENEVA (FrameNet-derived MAVEN) type names -> scoring class; exact names, not prefixes.
GENEVA_TYPES = {name: t.scored_as for t in EVENT_TYPES for name in t.geneva}

PERSON_HIT = frozenset({"target", "victim"})

# Dataset role labels (lower-cased) -> the set of our roles that count as right. Roles not listed are not scored.
EVENT_ROLES = {
    "attacker": frozenset({"agent"}),
    "killer": frozenset({"agent"}),
    "injurer": frozenset({"agent"}),
    "jailer": frozenset({"agent"}),
    "communicator": frozenset({"agent"}),
    "target": PERSON_HIT,
    "detainee": PERSON_HIT,
    "victim": frozenset({"victim"}),
    "recipient": frozenset({"target"}),
    "instrument": frozenset({"instrument"}),
    "explosivedevice": frozenset({"instrument"}),
    "place": frozenset({"place"}),
}

# CoNLL04 relation -> our predicate. Live_In has no counterpart and is not scored.
CONLL04_RELATIONS = {"Kill": "killed", "Work_For": "worksFor", "Located_In": "locatedIn", "OrgBased_In": "locatedIn"}

# Document-level slots: (our scoring class or "*", our role) -> slot name.
GVDB_SLOTS = {
    ("*", "agent"): "shooter",
    ("Attack", "target"): "victim",
    ("*", "victim"): "victim",
    ("*", "place"): "place",
    ("*", "time"): "time",
}
# Victims by what happened to them, scored as separate slots as well.
GVDB_VICTIM_OUTCOMES = {"Killing/Death": "victim killed", "Injury": "victim injured"}
MUC4_SLOTS = {
    ("*", "agent"): "perpetrator",
    ("*", "target"): "target",
    ("*", "victim"): "victim",
    ("*", "instrument"): "weapon",
}
# Our events whose arguments fill document-level slots.
SLOT_CLASSES = {our: cls for our, cls in OUR_CLASSES.items() if cls in ("Attack", "Killing/Death", "Injury")}


def event_class(dataset_type: str, type_map: dict[str, str]) -> str | None:
    """The scoring class of a dataset event type, or None when it is outside the map.

    >>> event_class("Conflict.Attack.DetonateExplode", WIKIEVENTS_TYPES)
    'Attack'
    >>> event_class("Movement.Transportation.Unspecified", WIKIEVENTS_TYPES) is None
    True
    """
    prefixes = [p for p in type_map if dataset_type == p or dataset_type.startswith(p + ".")]
    return type_map[max(prefixes, key=len)] if prefixes else None


def slots_of(cls: str, role: str, slot_map: dict[tuple[str, str], str]) -> tuple[str, ...]:
    """The slot an argument of our class and role fills (a class-specific entry first), or none.

    >>> slots_of("Attack", "target", GVDB_SLOTS), slots_of("Injury", "target", GVDB_SLOTS)
    (('victim',), ())
    """
    slot = slot_map.get((cls, role)) or slot_map.get(("*", role))
    return (slot,) if slot else ()


# GENEVA role labels (lower-cased) -> our roles. Its Attack has a Victim, which our rules call the target.
GENEVA_ROLES = {
    "assailant": frozenset({"agent"}),
    "terrorist": frozenset({"agent"}),
    "killer": frozenset({"agent"}),
    "agent": frozenset({"agent"}),
    "authorities": frozenset({"agent"}),
    "speaker": frozenset({"agent"}),
    "side_1": frozenset({"agent"}),
    "victim": PERSON_HIT,
    "deceased": frozenset({"victim"}),
    "suspect": PERSON_HIT,
    "addressee": frozenset({"target"}),
    "weapon": frozenset({"instrument"}),
    "instrument": frozenset({"instrument"}),
    "place": frozenset({"place"}),
}
