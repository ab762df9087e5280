"""The event-type table (extract/event_types.py) is the one definition: the ontology declares exactly its types, and
the lexicons, edges and scoring classes that derive from it agree with the data model."""

from __future__ import annotations

from rdflib import Graph

import ontology
from extract.event_types import EVENT_EDGES, EVENT_TYPES, NOUN_INDEX, VERB_INDEX
from extract.evaluation.mappings import GENEVA_TYPES, OUR_CLASSES, WIKIEVENTS_TYPES
from extract.model import EVENT_PREDICATES, ROLES
from extract.model import EVENT_TYPES as MODEL_TYPES
from graph.namespaces import EKG, RDFS


def test_the_ontology_declares_exactly_the_tables_event_types():
    onto = Graph().parse(ontology.path("eventkg.ttl"))
    declared = {str(s).removeprefix(str(EKG)) for s in onto.subjects(RDFS.subClassOf, EKG.Event)}
    assert declared == {t.name for t in EVENT_TYPES}


def test_everything_derived_from_the_table_agrees_with_the_data_model():
    assert MODEL_TYPES == tuple(t.name for t in EVENT_TYPES)
    assert all(t.patient in ROLES for t in EVENT_TYPES)
    assert all(predicate in EVENT_PREDICATES and role in ROLES for predicate, role in EVENT_EDGES.values())
    assert VERB_INDEX["bomb"] == "Attack" and NOUN_INDEX["arrest"] == "Arrest"
    assert OUR_CLASSES["Battle"] == "Attack" and WIKIEVENTS_TYPES["Life.Die"] == "Killing/Death"
    # GENEVA's exact type names are on the table too (Death is a frame of its own there, one class with Killing here)
    assert GENEVA_TYPES == {"Attack": "Attack", "Terrorism": "Attack", "Hostile_encounter": "Attack",
                            "Killing": "Killing/Death", "Death": "Killing/Death", "Bodily_harm": "Injury",
                            "Arrest": "Arrest", "Request": "CallForAction"}
