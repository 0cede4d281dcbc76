"""Explanatory figures for the Learn page: the putting-out chain, Rowlands's four powers and
Gaventa's Power Cube, each labelled with the model quantity that measures it (names and meanings
from ``model.metrics.OUTPUTS``; defaults from the parameter registry)."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Polygon

from rumahan.dashboard.labels import metric_meaning
from rumahan.model import params as registry
from rumahan.model.power_cube import FORMS, LEVELS, SPACES

TEAL, CORAL, SAND, SLATE, GREY = "#2a9d8f", "#e76f51", "#f4a261", "#264653", "#6c757d"


def _box(ax, x: float, y: float, w: float, h: float, title: str, body: str, colour: str) -> None:
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.03",
                                facecolor=colour, edgecolor="none", alpha=0.16))
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.03",
                                facecolor="none", edgecolor=colour, lw=1.5))
    ax.text(x + w / 2, y + h - 0.045, title, ha="center", va="top", fontsize=10.5, weight="bold", color=SLATE)
    ax.text(x + w / 2, y + h - 0.115, body, ha="center", va="top", fontsize=8.3, color="#212529",
            linespacing=1.35, wrap=True)


def _arrow(ax, start, end, text: str, colour: str, dashed: bool = False, offset=(0.0, 0.0), rad=0.0) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=14, color=colour, lw=1.4,
                                 linestyle="--" if dashed else "-", connectionstyle=f"arc3,rad={rad}"))
    mid = ((start[0] + end[0]) / 2 + offset[0], (start[1] + end[1]) / 2 + offset[1])
    ax.text(*mid, text, fontsize=8, color=colour, ha="center", va="center",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5, "alpha": 0.9})


def putting_out_chain() -> Figure:
    """Principal firms, subcontractors and home workers, with the state and the network."""
    price = registry.get("principal_price").default
    fig = Figure(figsize=(10, 6.2), dpi=100, layout="tight")
    ax = fig.subplots()
    ax.set_xlim(0, 1.6)
    ax.set_ylim(0, 1.13)
    ax.set_axis_off()
    _box(ax, 0.55, 0.78, 0.5, 0.2, "Principal firms", "brands and factories (Tier 1-3);\nthey set prices and "
         "weekly orders", GREY)
    _box(ax, 0.55, 0.43, 0.5, 0.2, "Subcontractors (perantara)", "hand out materials, collect the work,\n"
         "set the piece rate; about 1 per 100 workers", SAND)
    _box(ax, 0.55, 0.04, 0.5, 0.22, "Women home workers", "glue insoles at home, paid per piece;\nbear their "
         "own costs; live in dense kampung", TEAL)
    _box(ax, 0.02, 0.33, 0.38, 0.33, "The state", "recognition as workers, a piece-rate\nfloor and inspections, "
         "labour\nstatistics, ILO C177;\nmicro-entrepreneur framing and\ntokenistic invited spaces", SLATE)
    _box(ax, 1.2, 0.33, 0.38, 0.33, "The network (JPRJ)", "consciousness-raising, organizing,\ncollective "
         "bargaining, legal and\npolicy advocacy, Pos UKK posts and\ncooperatives, alliances", CORAL)
    _arrow(ax, (0.70, 0.78), (0.70, 0.65), f"price per piece\n(default Rp {price:,.0f})", GREY, offset=(-0.0, 0))
    _arrow(ax, (0.90, 0.65), (0.90, 0.78), "good pieces", GREY)
    _arrow(ax, (0.70, 0.43), (0.70, 0.28), "piece rate\n(Rp 275-300 in 2023)", SAND)
    _arrow(ax, (0.90, 0.28), (0.90, 0.43), "pieces,\nminus defects", SAND)
    _arrow(ax, (0.40, 0.55), (0.55, 0.53), "floor, fines", SLATE, dashed=True, offset=(0, 0.03))
    _arrow(ax, (0.40, 0.36), (0.55, 0.14), "framing", SLATE, dashed=True, offset=(-0.02, 0.0))
    _arrow(ax, (1.20, 0.36), (1.05, 0.14), "outreach,\norganizing", CORAL, dashed=True, offset=(0.03, 0.0))
    _arrow(ax, (1.20, 0.55), (1.05, 0.53), "bargaining", CORAL, dashed=True, offset=(0, 0.03))
    _arrow(ax, (1.39, 0.68), (0.21, 0.68), "advocacy pressure on the state", CORAL, dashed=True,
           offset=(0, 0.385), rad=0.62)
    return fig


#: Rowlands's four powers: the index, how the brief states the concept, and whose power it is.
ROWLANDS = (
    ("power_over", "Power over", "control and domination; zero-sum: what\none side has, the other lacks", CORAL),
    ("power_to", "Power to", "the capability to decide actions\nand carry them out", TEAL),
    ("power_with", "Power with", "collective power through organization,\nsolidarity and joint action", TEAL),
    ("power_within", "Power within", "self-confidence and a sense of rights:\nseeing oneself as a worker", TEAL),
)


def rowlands_powers() -> Figure:
    """Four boxes: each power, what it means, and the model's index for it."""
    fig = Figure(figsize=(10, 4.8), dpi=100, layout="tight")
    ax = fig.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_axis_off()
    for i, (name, title, concept, colour) in enumerate(ROWLANDS):
        x, y = 0.02 + 0.5 * (i % 2), 0.49 - 0.47 * (i // 2)
        measured = metric_meaning(name).removeprefix("Rowlands: ")
        wrapped = _wrap(f"In the model, {name} (0-1) is the {measured}", 52)
        _box(ax, x, y, 0.46, 0.41, title, concept + "\n\n" + wrapped, colour)
    ax.text(0.5, 0.995, "Red: held by subcontractors over the workers.  Green: the workers' counter-power.",
            ha="center", va="top", fontsize=9, color=GREY)
    return fig


def _wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def power_cube() -> Figure:
    """Gaventa's cube drawn in perspective: spaces across, levels up, forms in depth, with the
    model's counter for each side."""
    fig = Figure(figsize=(10, 6.4), dpi=100, layout="tight")
    ax = fig.subplots()
    ax.set_aspect("equal")
    ax.set_axis_off()
    size, dx, dy = 3.0, 2.1, 1.4   # front face size and the depth vector
    cell = size / 3
    spaces, levels, forms = SPACES, LEVELS, FORMS
    colours = {"front": "#d8f3dc", "top": "#ffe8d6", "side": "#dde5f0"}
    for i in range(3):
        for j in range(3):
            ax.add_patch(Polygon([(i * cell, j * cell), ((i + 1) * cell, j * cell),
                                  ((i + 1) * cell, (j + 1) * cell), (i * cell, (j + 1) * cell)],
                                 facecolor=colours["front"], edgecolor=SLATE, lw=1))
    for i in range(3):
        for k in range(3):
            x0, y0 = i * cell + k * dx / 3, size + k * dy / 3
            ax.add_patch(Polygon([(x0, y0), (x0 + cell, y0), (x0 + cell + dx / 3, y0 + dy / 3),
                                  (x0 + dx / 3, y0 + dy / 3)], facecolor=colours["top"], edgecolor=SLATE, lw=1))
    for j in range(3):
        for k in range(3):
            x0, y0 = size + k * dx / 3, j * cell + k * dy / 3
            ax.add_patch(Polygon([(x0, y0), (x0 + dx / 3, y0 + dy / 3), (x0 + dx / 3, y0 + dy / 3 + cell),
                                  (x0, y0 + cell)], facecolor=colours["side"], edgecolor=SLATE, lw=1))
    for i, space in enumerate(spaces):
        ax.text((i + 0.5) * cell, -0.18, space, ha="center", va="top", fontsize=10)
    ax.text(size / 2, -0.55, "SPACES · model: effort_closed / effort_invited / effort_claimed\n"
            "(the network's organizer-hours per week in each)", ha="center", va="top", fontsize=9, color=SLATE)
    for j, level in enumerate(levels):
        ax.text(-0.15, (j + 0.5) * cell, level, ha="right", va="center", fontsize=10)
    ax.text(-1.75, size / 2, "LEVELS\nmodel: effort_local /\neffort_national /\neffort_global", ha="center",
            va="center", fontsize=9, color=SLATE)
    for k, form in enumerate(forms):
        ax.text(size + (k + 0.5) * dx / 3 + 0.14, (k + 0.5) * dy / 3 - 0.14, form, ha="center", va="center",
                fontsize=10, rotation=33.7)
    ax.text(size + dx + 0.25, dy + 0.1, "FORMS · model:\nvisible_power_acts (inspections,\nfines, policy decisions)\n"
            "hidden_power_acts (exits,\nretaliation, blacklisting)\ninvisible_power_loss (consciousness\n"
            "removed by framing)", ha="left", va="bottom", fontsize=9, color=SLATE)
    ax.set_xlim(-2.6, size + dx + 3.2)
    ax.set_ylim(-1.2, size + dy + 0.3)
    return fig
