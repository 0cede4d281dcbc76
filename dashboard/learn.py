"""Learn the model: the putting-out system, the agents, a week of the model, the four powers and
the Power Cube in plain language, and where every number comes from (the registries)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from rumahan.dashboard import figures
from rumahan.dashboard.labels import GLOSSARY, default_text, group_title, metric_label, range_text
from rumahan.experiments.sources import SOURCES_FILE, SOURCES_PATH, cited_keys, reference_list, references_for
from rumahan.model import params as registry
from rumahan.model.calendar import POVERTY_LINE_BY_YEAR, UMP_BY_YEAR
from rumahan.model.metrics import OUTPUTS

ODD = Path(__file__).resolve().parent.parent / "docs" / "ODD.md"

WEEK = (
    "**Orders** arrive at each subcontractor: a base volume, the season (peaks December to May) and "
    "random shocks.",
    "**The state** updates its policies (as the scenario schedules them, or conceded under the "
    "network's pressure), inspects subcontractors and fines those who pay below a legal floor.",
    "**The network** shares its organizer-hours between strategies: outreach raises consciousness, "
    "organizing recruits members, bargaining negotiates with subcontractors, advocacy puts pressure on "
    "the state, Pos UKK posts and cooperatives offer alternatives, alliances multiply its strength.",
    "**Subcontractors set piece rates.** For unorganized workers the rate that maximises the "
    "subcontractor's margin (monopsony); for organized pools a Nash bargain. A subcontractor pushed "
    "above its cost of moving the work elsewhere moves orders away and may blacklist organizers.",
    "**Work**: orders go to the workers who accept the rate; they glue, are fined for spoiled pieces, "
    "are paid, pay their own costs, save, and their health wears.",
    "**Collective action** spreads on the kampung network: a member joins when enough of her neighbours "
    "act, pushed by grievance and consciousness, held back by fear of retaliation and thin savings.",
    "**Consciousness and membership** change: neighbours, outreach, action and wins raise it; the "
    "state's micro-entrepreneur framing and defeats lower it. Workers join or leave the network.",
    "**Observe**: the model records the week's outcomes (the Explore page's charts).",
)

AGENTS = (
    ("Home worker (many)", "Glues insoles at home for a piece rate; has her productivity, hours, costs, "
     "savings, health, consciousness (0-1), membership and a place in the kampung network.", "home_worker"),
    ("Subcontractor (perantara, about 1 per 100 workers)", "Receives a price per piece from principal firms, "
     "sets the piece rate, may move work away or blacklist organizers.", "subcontractor"),
    ("The state (one)", "Recognition, a piece-rate floor and inspections, labour statistics, ILO C177; "
     "framing home workers as micro-entrepreneurs; tokenistic or genuine invited spaces.", "state"),
    ("The workers' network, JPRJ (one)", "Members and organizers; spends organizer-hours on its six "
     "strategies; can file a judicial review.", "network"),
    ("Principal firms (the environment)", "Set prices and weekly orders per subcontractor.", "principal"),
)


def parameter_table() -> pd.DataFrame:
    """The registry as a table: one row per parameter (default and accepted range without the
    unit, which has its own column)."""
    return pd.DataFrame([
        {
            "parameter": p.name, "default": default_text(p), "accepted": range_text(p), "unit": p.unit,
            "meaning": p.meaning, "role": p.role, "agent": group_title(p.group), "source": p.source,
            "references (section 7)": "; ".join(ref.title for ref in references_for(p.source)),
        }
        for p in registry.PARAMETERS
    ])


def outcome_table() -> pd.DataFrame:
    return pd.DataFrame([{"outcome": o.name, "label": metric_label(o.name), "unit": o.unit, "meaning": o.meaning}
                         for o in OUTPUTS])


def putting_out() -> None:
    st.header("1. A putting-out system")
    st.markdown(
        "In North Jakarta, women glue shoe insoles, finish sandals or fold food packaging **at home**. "
        "They are paid **per piece** by a *perantara* (a subcontractor), who hands out the materials and "
        "collects the work for a factory or brand further up the chain. Many of the women are former "
        "factory workers who left to care for children. They have no contract, bear their own costs "
        "(electricity, fans, transport), and are often not seen, by the state or by themselves, as "
        "workers at all. Rumahan is an agent-based model of how the bargaining power over the piece rate "
        "is divided, and of what the workers' network and the state can change."
    )
    figures.show("putting_out_chain", alt="The putting-out chain: principal firms, subcontractors, home workers, the state and the network")
    st.caption("Solid arrows: pieces and money. Dashed arrows: how the state and the network act on the chain. "
               "The price is a model assumption (the intermediaries' margin is not known); the piece rate is "
               "what two intermediaries paid for an insole pair in 2023.")


def agents() -> None:
    st.header("2. Who is in the model")
    rows = []
    for title, does, group in AGENTS:
        entries = registry.groups().get(group, [])
        levers = sum(p.role == "lever" for p in entries)
        rows.append({"agent": title, "what it does": does,
                     "parameters": f"{len(entries)} ({levers} levers)"})
    st.table(pd.DataFrame(rows).set_index("agent"))
    st.markdown("**One week of the model**, in order (one step is a week; week 0 is January 2023):")
    st.markdown("\n".join(f"{i}. {text}" for i, text in enumerate(WEEK, start=1)))


def powers() -> None:
    st.header("3. The four powers (Rowlands)")
    st.markdown(
        "Jo Rowlands distinguishes **power over** (domination) from three kinds of power people build: "
        "**power to** act, **power with** others, and **power within** (a sense of one's rights). The paper "
        "behind Rumahan argues that the network builds the last three at community level. The model "
        "measures each every week as an index between 0 and 1:"
    )
    figures.show("rowlands_powers", alt="Rowlands's four powers and the model's index for each")


def power_cube() -> None:
    st.header("4. The Power Cube (Gaventa)")
    st.markdown(
        "John Gaventa's cube asks **where** power is exercised (levels: local, national, global), in "
        "**which spaces** (closed: elites decide; invited: authorities invite participation; claimed: "
        "people create their own, like the network's meetings, Pos UKK and cooperatives) and in **which "
        "form** (visible: laws and decisions; hidden: who gets to the table and what stays off the agenda; "
        "invisible: what people believe about themselves, such as being a micro-entrepreneur rather than "
        "a worker). The paper argues that hidden and invisible power keep the piece rate low, and that "
        "the state dilutes demands through **tokenistic** invited spaces. The model counts the network's "
        "effort in each space and level, and the acts of each form of power:"
    )
    figures.show("gaventa_cube", alt="Gaventa's Power Cube: spaces, levels and forms, with the model's counters")


def numbers() -> None:
    st.header("5. Where the numbers come from")
    st.markdown(
        "Every parameter is defined once, in the model's registry, with its unit, accepted range, meaning "
        "and **source**: a section of the project's domain brief (`[brief §N]`, a stylized fact `SF N`), "
        "each with its full citations in [section 7](#sources), or `assumption:` with the "
        "reason when nobody has measured it. **Levers** are choices of the state, the network or a "
        "scenario; **uncertainties** are what nobody knows (those are the ones to vary in a sweep or "
        "sensitivity analysis). Input data, such as Jakarta's minimum wage (UMP) and the poverty line, "
        "are in `model/calendar.py`:"
    )
    data = pd.DataFrame({
        "year": list(UMP_BY_YEAR),
        "UMP (Rp/month)": [f"{v:,.0f}" for v in UMP_BY_YEAR.values()],
        "poverty line per capita (Rp/month)": [f"{POVERTY_LINE_BY_YEAR[y]:,.0f}" for y in UMP_BY_YEAR],
    })
    st.dataframe(data, hide_index=True)
    last = max(UMP_BY_YEAR)
    st.caption(f"After {last} both grow by a yearly rate set in the parameters: `ump_growth` "
               f"({registry.get('ump_growth').default:.0%} by default) and `poverty_line_growth` "
               f"({registry.get('poverty_line_growth').default:.0%}).")
    table = parameter_table()
    cols = st.columns([2, 1, 2])
    agent = cols[0].multiselect("Agent", sorted(table["agent"].unique()), key="learn.agent",
                                placeholder="all agents")
    role = cols[1].selectbox("Role", ["all", "lever", "uncertainty"], key="learn.role")
    text = cols[2].text_input("Search names, meanings and sources", key="learn.search")
    shown = table
    if agent:
        shown = shown[shown["agent"].isin(agent)]
    if role != "all":
        shown = shown[shown["role"] == role]
    if text:
        hay = shown[["parameter", "meaning", "source"]].agg(" ".join, axis=1).str.lower()
        shown = shown[hay.str.contains(text.lower(), regex=False)]
    st.dataframe(shown, hide_index=True, width="stretch", height=360, column_config={
        "parameter": st.column_config.TextColumn(pinned=True),  # the others sized to their text,
        "default": st.column_config.TextColumn(width=84),     # but for "automatic", which was cut
        "meaning": st.column_config.TextColumn(width="large"),
    })
    st.caption("Scroll sideways for each parameter's role, agent, source and references; the ? icon of its input "
               "on the Explore page says the same.")
    st.caption(f"{len(shown)} of {len(table)} parameters.")
    with st.expander(f"Every weekly outcome the model records ({len(OUTPUTS)})"):
        st.dataframe(outcome_table(), hide_index=True, width="stretch")


def odd() -> None:
    st.header("6. The full description")
    st.markdown("The model as built is described in the ODD protocol (Overview, Design concepts, Details), "
                "`docs/ODD.md` in the repository, with the definitions of every outcome and power index.")
    if ODD.is_file():
        with st.expander("Read docs/ODD.md here"):
            st.markdown(ODD.read_text(encoding="utf-8"))


def sources() -> None:
    st.header("7. Sources", anchor="sources")
    entries = reference_list()
    if not entries:
        st.info(f"The reference list ({SOURCES_PATH}) is not next to this copy of Rumahan.")
        return
    st.markdown(
        f"Every label in a parameter's or a scenario's source points to an entry of the project's reference "
        f"list, `{SOURCES_PATH}`: `[brief §2.14]` to the facts on law and policy and their citations, `SF9` to "
        "a stylized fact the model should reproduce, `§8 Q3` to an open question nobody has measured. Type a "
        "label, or a parameter's whole source, to read its entries."
    )
    asked = st.text_input("Look up a source label", key="learn.source", placeholder="e.g. §2.14, SF9, §8 Q3")
    if asked:
        text = asked if "[" in asked else f"[brief {asked}]" if "§" in asked else asked
        found = [entries[k] for k in cited_keys(text) if k in entries]
        if not found:
            st.caption(f"No entry for '{asked}'; labels look like §2.14, §3.4a, SF9 or §8 Q3.")
        for ref in found:
            with st.container(border=True):
                st.markdown(ref.text.replace("<a id=", "<span id=").replace("></a>", "></span>"),
                            unsafe_allow_html=True)
                st.caption(f"{SOURCES_PATH}#{ref.key}")
    with st.expander(f"The whole reference list ({len(entries)} entries)"):
        st.markdown(SOURCES_FILE.read_text(encoding="utf-8"), unsafe_allow_html=True)


def glossary() -> None:
    st.header("8. Glossary", anchor="glossary")
    st.markdown("Words and abbreviations used on these pages. The source column says where to read more "
                "(section 7).")
    st.table(pd.DataFrame(
        [{"term": term, "meaning": meaning, "source": source} for term, meaning, source in GLOSSARY]
    ).set_index("term"))


def render() -> None:
    st.title("Learn the model")
    st.markdown("Rumahan in plain language: what it simulates, who acts in it, how power is measured, "
                "and where its numbers come from. No prior knowledge needed. New words (UMP, Pos UKK, JPRJ, "
                "RT, tokenism, framing) are explained in the [glossary](#glossary); every source is in "
                "the [reference list](#sources).")
    putting_out()
    agents()
    powers()
    power_cube()
    numbers()
    odd()
    sources()
    glossary()


render()
