"""A picture of the kampung social network: a sample of a few hundred workers (whole pools of
neighbouring subcontractors, recorded by the runner), placed in one cluster per subcontractor and
coloured by membership, consciousness, participation or health at a chosen week."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.cm import ScalarMappable
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

#: What the nodes can be coloured by, with the legend's wording.
COLOUR_BY: dict[str, str] = {
    "membership": "Network member or not",
    "participation": "Taking part in collective action this week",
    "consciousness": "Consciousness (power within, 0-1)",
    "health": "Health (0-1)",
}
MEMBER, OTHER, ACTING, BLACKLISTED = "#2a9d8f", "#dee2e6", "#e76f51", "#d62828"
#: Marker shapes of the subcontractors' pools, in order.
SHAPES = ("o", "s", "^", "D", "v", "P", "X", "h")


def layout(snapshot: pd.DataFrame, ties: pd.DataFrame) -> dict[int, tuple[float, float]]:
    """Positions of the sampled workers: a Kamada-Kawai layout (started from the spectral one)
    of the largest connected group, which shows the kampung's neighbourhoods and their bridges;
    workers with no tie into it are lined up underneath. A few hundred nodes take about a
    second; the page caches the result per run."""
    graph = nx.Graph()
    graph.add_nodes_from(int(r) for r in snapshot["row"])
    graph.add_edges_from((int(a), int(b)) for a, b in ties[["a", "b"]].itertuples(index=False, name=None))
    if graph.number_of_nodes() == 0:
        return {}
    giant = graph.subgraph(max(nx.connected_components(graph), key=len)).copy()
    positions: dict[int, tuple[float, float]] = {}
    if giant.number_of_nodes() > 2:
        start = nx.spectral_layout(giant)
        placed = nx.kamada_kawai_layout(giant, pos=start)
    else:
        placed = nx.circular_layout(giant)
    positions.update({int(n): (float(x), float(y)) for n, (x, y) in placed.items()})
    rest = sorted(set(graph.nodes) - set(giant.nodes))
    if rest:
        xs = (np.arange(len(rest)) - (len(rest) - 1) / 2) * 0.06
        low = min(y for _, y in positions.values()) - 0.25
        positions.update({n: (float(x), low) for n, x in zip(rest, xs, strict=True)})
    return positions


def picture(
    snapshot: pd.DataFrame,
    ties: pd.DataFrame,
    positions: dict[int, tuple[float, float]],
    colour_by: str,
    title: str,
) -> Figure:
    """The network at one week: one marker shape per subcontractor, colour by ``colour_by``
    (a key of ``COLOUR_BY``), a red ring around blacklisted workers."""
    fig = Figure(figsize=(9, 6), dpi=100, layout="tight")
    ax = fig.subplots()
    rows = [int(r) for r in snapshot["row"]]
    xy = np.array([positions[r] for r in rows])
    index = {r: i for i, r in enumerate(rows)}
    segments = [(xy[index[a]], xy[index[b]]) for a, b in ties[["a", "b"]].itertuples(index=False, name=None)
                if a in index and b in index]
    ax.add_collection(LineCollection(segments, colors="#adb5bd", linewidths=0.4, alpha=0.5, zorder=1))
    continuous = colour_by in ("consciousness", "health")
    if continuous:
        values = snapshot[colour_by].to_numpy(float)
        cmap = colormaps["viridis" if colour_by == "consciousness" else "RdYlGn"]
        colours = cmap(np.clip(values, 0.0, 1.0))
    else:
        flag = snapshot["member" if colour_by == "membership" else "participating"].to_numpy(bool)
        on = MEMBER if colour_by == "membership" else ACTING
        colours = np.where(flag, on, OTHER)
    pools = snapshot["pool"].to_numpy()
    handles: list = []
    for i, pool in enumerate(sorted(np.unique(pools))):
        mask = pools == pool
        marker = SHAPES[i % len(SHAPES)]
        ax.scatter(xy[mask, 0], xy[mask, 1], c=list(colours[mask]), marker=marker, s=30,
                   edgecolors="#343a40", linewidths=0.3, zorder=2)
        handles.append(Line2D([], [], marker=marker, ls="", markerfacecolor="white", markeredgecolor="#343a40",
                              markersize=7, label=f"subcontractor {pool + 1} ({mask.sum()} workers)"))
    if continuous:
        mappable = ScalarMappable(cmap=cmap, norm=Normalize(0, 1))
        fig.colorbar(mappable, ax=ax, shrink=0.7, label=COLOUR_BY[colour_by])
    else:
        words = ("member", "not a member") if colour_by == "membership" else ("taking part", "not taking part")
        handles += [_dot(on, f"{words[0]} ({flag.sum()})"), _dot(OTHER, f"{words[1]} ({(~flag).sum()})")]
    blacklisted = snapshot["blacklisted"].to_numpy(bool)
    if blacklisted.any():
        ax.scatter(xy[blacklisted, 0], xy[blacklisted, 1], s=90, facecolors="none",
                   edgecolors=BLACKLISTED, linewidths=1.2, zorder=4)
    handles.append(Line2D([], [], marker="o", ls="", markerfacecolor="none", markeredgecolor=BLACKLISTED,
                          markersize=9, label=f"blacklisted ({blacklisted.sum()})"))
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, frameon=False, fontsize=9)
    ax.set_title(title, fontsize=11)
    ax.set_axis_off()
    return fig


def _dot(colour: str, label: str) -> Line2D:
    return Line2D([], [], marker="o", ls="", markerfacecolor=colour, markeredgecolor="#343a40",
                  markeredgewidth=0.3, markersize=8, label=label)
