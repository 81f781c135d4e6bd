"""Co-occurrence networks: a networkx graph of a :func:`~analysis.entities.cooccurrence` table and
its export to GraphML/GEXF (Gephi).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from analysis.entities.aggregates import entity_stats


def to_network(cooc: pd.DataFrame, *, mentions=None, weight: str = "count"):
    """networkx Graph of a :func:`cooccurrence` table.

    Nodes carry ``name`` (and ``type``, ``mentions`` when ``mentions``, a mentions table or a
    stored one, :func:`~analysis.entities.stored_mentions`, is given); edges carry ``count``, ``pmi``, ``npmi`` and ``weight``.

    >>> import pandas as pd
    >>> g = to_network(pd.DataFrame({"source": ["a"], "target": ["b"], "source_name": ["A"],
    ...     "target_name": ["B"], "count": [3], "pmi": [1.0], "npmi": [0.5]}))
    >>> g.number_of_nodes(), g["a"]["b"]["weight"]
    (2, 3.0)
    """
    import networkx as nx

    g = nx.Graph()
    for r in cooc.itertuples(index=False):
        g.add_node(r.source, name=str(r.source_name))
        g.add_node(r.target, name=str(r.target_name))
        g.add_edge(r.source, r.target, count=int(r.count), pmi=float(r.pmi), npmi=float(r.npmi),
                   weight=float(getattr(r, weight)))
    stats = None if mentions is None else entity_stats(mentions)
    if stats is not None and len(stats):
        for node in g.nodes:
            if node in stats.index:
                g.nodes[node]["type"] = str(stats.at[node, "type"])
                g.nodes[node]["mentions"] = int(stats.at[node, "n"])
    return g


def export_network(graph, path: str | os.PathLike) -> Path:
    """Write a graph for Gephi: ``.graphml`` or ``.gexf`` (by suffix)."""
    import networkx as nx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".gexf":
        nx.write_gexf(graph, path)
    elif path.suffix.lower() == ".graphml":
        nx.write_graphml(graph, path)
    else:
        raise ValueError(f"export_network writes .graphml or .gexf, not {path.suffix!r}")
    return path

