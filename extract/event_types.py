"""The event types, defined once: name, the role of the patient, the direct edge an event yields, the trigger lemmas,
and how public datasets' types (WikiEvents, RAMS, GENEVA) map onto it. Everything else derives from
:data:`EVENT_TYPES`: the type names of the data model (``extract.model.EVENT_TYPES``), the trigger indexes of the
rules, the patient roles, the event edges of ``extract.relations``, the scoring classes and dataset type maps of
``extract.evaluation.mappings`` and the synthetic benchmark graph.
``ontology/eventkg.ttl`` is the RDF definition of the same types (a test checks that it declares exactly these).

To add a type: add a row here, its class to the ontology, and (if it yields an edge) the predicate to
``extract.model.EVENT_PREDICATES`` and the ontology.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    patient: str  # the role of the object, passive subject or "of"-phrase: target, victim or topic
    possessor_is_patient: bool = False  # "his death", "the man's arrest" (not "Russia's invasion", the agent)
    edge: tuple[str, str] | None = None  # (predicate from the agent, role of its object); None: no direct edge
    verbs: tuple[str, ...] = ()  # trigger lemmas tagged VERB
    nouns: tuple[str, ...] = ()  # trigger lemmas tagged NOUN (or PROPN at a headline's start)
    adjectives: tuple[str, ...] = ()  # "six people were dead", "wounded soldiers"
    scored_as: str | None = None  # the scoring class (datasets that do not tell Killing from Death: one class)
    wikievents: tuple[str, ...] = ()  # KAIROS type prefixes of this scoring class
    rams: tuple[str, ...] = ()  # RAMS (AIDA) type prefixes of this scoring class
    geneva: tuple[str, ...] = ()  # GENEVA (FrameNet-derived MAVEN) type names of this scoring class, exact


EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        "Attack", "target", edge=("attacked", "target"), scored_as="Attack",
        verbs=("attack", "bomb", "shoot", "shell", "raid", "ambush", "assault", "storm", "detonate", "explode", "stab",
               "firebomb", "strike", "hit", "target", "blow", "fire", "gun", "torch", "hijack", "ram", "besiege",
               "open", "bombard", "poison", "annihilate", "set", "throw", "hurl", "lob", "go"),
        nouns=("attack", "bombing", "explosion", "blast", "shooting", "assault", "strike", "airstrike", "raid",
               "ambush", "shelling", "stabbing", "gunfire", "detonation", "firebombing", "car-bombing", "hijacking",
               "siege", "onslaught", "rampage", "sabotage", "gunbattle", "barrage", "attempt", "bombardment", "arson",
               "hijack", "shootout", "shoot-out", "gunfight", "poisoning", "coup"),
        wikievents=("Conflict.Attack",), rams=("conflict.attack",),
        geneva=("Attack", "Terrorism", "Hostile_encounter"),
    ),
    EventType(
        "Killing", "victim", possessor_is_patient=True, edge=("killed", "victim"), scored_as="Killing/Death",
        verbs=("kill", "murder", "assassinate", "execute", "slay", "behead", "massacre", "slaughter", "decapitate",
               "lynch", "strangle", "martyr", "exterminate", "hang"),
        nouns=("killing", "murder", "assassination", "execution", "massacre", "slaughter", "beheading", "homicide",
               "slaying", "bloodshed", "genocide", "carnage", "holocaust", "extermination", "hanging", "lynching"),
        wikievents=("Life.Die",), rams=("life.die",), geneva=("Killing", "Death"),
    ),
    EventType(
        "Death", "victim", possessor_is_patient=True, scored_as="Killing/Death",
        verbs=("die", "perish", "pass", "drown"), nouns=("death", "fatality", "suicide"),
        adjectives=("dead", "deceased"),
    ),
    EventType(
        "Injury", "victim", possessor_is_patient=True, edge=("injured", "victim"), scored_as="Injury",
        verbs=("injure", "wound", "hurt", "maim", "mutilate", "beat", "torture", "harm", "rape", "whip", "punch",
               "kick", "lose"),
        nouns=("injury", "wound", "wounding", "maiming", "beating", "torture", "rape", "mutilation"),
        adjectives=("injured", "wounded", "hurt"),
        wikievents=("Life.Injure",), rams=("life.injure",), geneva=("Bodily_harm",),
    ),
    EventType(
        "CallForAction", "target", edge=("calledFor", "topic"), scored_as="CallForAction",
        verbs=("urge", "call", "appeal", "demand", "order", "command", "instruct", "incite", "exhort", "encourage",
               "implore", "beg", "request", "ask", "summon", "direct", "recommend", "advise", "advocate"),
        nouns=("call", "appeal", "demand", "order", "plea", "exhortation", "request", "incitement"),
        wikievents=("Contact.RequestCommand",), rams=("contact.commandorder", "contact.requestadvise"),
        geneva=("Request",),
    ),
    EventType(
        "Threat", "target", edge=("threatened", "topic"), scored_as="Threat",
        verbs=("threaten", "warn", "intimidate", "coerce", "menace", "vow", "pledge", "blackmail"),
        nouns=("threat", "ultimatum", "warning", "intimidation", "coercion", "blackmail", "extortion"),
        wikievents=("Contact.ThreatenCoerce",), rams=("contact.threatencoerce",),
    ),
    EventType(
        "Declaration", "topic", edge=("declared", "topic"),
        verbs=("declare", "announce"), nouns=("declaration", "announcement"),
    ),
    EventType(
        "Statement", "topic", edge=("stated", "topic"),
        verbs=("say", "tell", "state", "claim", "add", "report", "describe", "deny", "confirm", "insist", "reply",
               "comment", "accuse", "blame", "condemn", "admit", "acknowledge", "allege"),
        nouns=("statement", "speech", "remark", "interview", "communique", "communiqué", "message"),
    ),
    EventType(
        "Arrest", "target", possessor_is_patient=True, edge=("arrested", "target"), scored_as="Arrest",
        verbs=("arrest", "detain", "apprehend", "capture", "jail", "imprison", "nab", "round", "kidnap", "abduct",
               "incarcerate", "extradite", "seize"),
        nouns=("arrest", "detention", "capture", "custody", "imprisonment", "abduction", "kidnapping", "roundup",
               "extradition"),
        wikievents=("Justice.ArrestJailDetain",), rams=("justice.arrestjaildetain",), geneva=("Arrest",),
    ),
    EventType(
        "Invasion", "target", edge=("invaded", "target"), scored_as="Attack",
        verbs=("invade", "occupy", "annex"), nouns=("invasion", "incursion", "occupation", "annexation"),
    ),
    EventType(
        "MilitaryOperation", "target",
        verbs=("deploy", "mobilize", "mobilise"),
        nouns=("operation", "offensive", "campaign", "deployment", "mission", "crackdown", "counteroffensive",
               "counter-offensive", "manhunt", "war"),
    ),
    EventType(
        "Battle", "target", edge=("fought", "target"), scored_as="Attack",
        verbs=("fight", "clash", "battle", "skirmish"),
        nouns=("battle", "clash", "fighting", "skirmish", "firefight", "combat", "confrontation"),
    ),
    EventType(
        "Proclamation", "topic", edge=("proclaimed", "topic"), verbs=("proclaim",), nouns=("proclamation",),
    ),
)

BY_NAME = {t.name: t for t in EVENT_TYPES}
NAMES = tuple(BY_NAME)
PATIENT_ROLE = {t.name: t.patient for t in EVENT_TYPES}
POSSESSOR_IS_PATIENT = frozenset(t.name for t in EVENT_TYPES if t.possessor_is_patient)
EVENT_EDGES = {t.name: t.edge for t in EVENT_TYPES if t.edge}
SCORED_AS = {t.name: t.scored_as for t in EVENT_TYPES if t.scored_as}
# The types of events that harm someone: their verbs share arguments ("shot and killed", "wounded by shooting").
HARM_TYPES = ("Attack", "Killing", "Injury")
# With fights, the violence whose commanders, accomplices and named persons the rules look for.
VIOLENT_TYPES = (*HARM_TYPES, "Battle")


def _index(words: str) -> dict[str, str]:
    """Lemma -> event type; a lemma belongs to one type only."""
    index: dict[str, str] = {}
    for t in EVENT_TYPES:
        for lemma in getattr(t, words):
            assert index.setdefault(lemma, t.name) == t.name, f"{lemma} is a trigger of two types"
    return index


VERB_INDEX, NOUN_INDEX, ADJ_INDEX = _index("verbs"), _index("nouns"), _index("adjectives")
