"""Finding entities in a projection by IRI, label or alias.

Every analytics function that takes an entity accepts any of the three, so ``eventkg analyze path ISIS Daesh`` works
as well as with IRIs.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("https://w3id.org/eventkg/id/entity/organization/isis", label="ISIS", aliases=["Islamic State", "Daesh"])
>>> resolve_entity(G, "daesh")
'https://w3id.org/eventkg/id/entity/organization/isis'
>>> G.add_node("https://w3id.org/eventkg/id/entity/person/vladimir-putin", label="Vladimir Putin", type="Person")
>>> resolve_entity(G, "Putin")
'https://w3id.org/eventkg/id/entity/person/vladimir-putin'
>>> node_label(G, "https://w3id.org/eventkg/id/entity/organization/isis")
'ISIS'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.errors import InvalidInput, NotFound
from graph.reading.names import best_fits

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


class UnknownEntity(NotFound):
    """No node has this IRI, label or alias."""


class AmbiguousEntity(InvalidInput):
    """A name that fits more than one node."""


def node_label(G: nx.Graph, node: str) -> str:
    """The node's ``label``, or the IRI itself when it has none."""
    return G.nodes[node].get("label") or node


def resolve_entity(G: nx.Graph, ref: str) -> str:
    """The node ``ref`` names: its IRI, or a label or alias (the rule of :func:`graph.reading.names.name_fit`, which
    the API's name lookup follows too).

    A name as written wins over one in another case, and a label over an alias, so "ISIS" finds the node labelled
    ISIS even if another node lists it as an alias; failing all, a person is found by a part of their name ("Putin"),
    as readers refer to people. A name that still fits several nodes raises :class:`AmbiguousEntity` listing them.
    """
    ref = ref.strip()
    if ref in G:
        return ref
    candidates = best_fits(ref, ((n, data.get("label") or "", data.get("aliases") or (), data.get("type") == "Person")
                                 for n, data in G.nodes(data=True)))
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        names = ", ".join(f"{node_label(G, n)} <{n}>" for n in candidates)
        raise AmbiguousEntity(f"the name '{ref}' is ambiguous: {names}; give the IRI")
    raise UnknownEntity(f"no entity named '{ref}' in the graph (with the filters given)")
