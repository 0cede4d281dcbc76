"""Plain-language labels for the dashboard, read from the registries (units and meanings are never
retyped here: they come from ``model.params.PARAMETERS`` and ``model.metrics.OUTPUTS``), the titles
of scenarios and outcomes shown in place of their code names, and the glossary of the Learn page.

The function names (``metric_title``, ``metric_label``, ``scenario_title``, ``scenario_option``,
``metric_option``, ...) are used by the pages and may be used by figure code: keep them stable."""

from __future__ import annotations

from rumahan.experiments.sources import references_for
from rumahan.model import params as registry
from rumahan.model.metrics import OUTPUT_BY_NAME

GROUP_TITLES = registry.GROUP_TITLES

#: Short titles for the outcomes people look at first; others are spelled from their name.
METRIC_TITLES: dict[str, str] = {
    "piece_rate_mean": "Piece rate paid",
    "floor_rate": "Legal piece-rate floor",
    "earnings_mean": "Net earnings per worker",
    "earnings_to_ump": "Monthly net earnings ÷ UMP",
    "labour_share": "Workers' share of the value paid by principals",
    "membership_rate": "Network membership",
    "participation_rate": "Taking part in collective action",
    "consciousness_mean": "Mean consciousness",
    "coverage_rate": "Covered by an agreement or enforced floor",
    "bargaining_power_mean": "Bargaining power β",
    "below_poverty_share": "Below the poverty line",
    "gini_earnings": "Gini of earnings",
    "power_within": "Power within",
    "power_with": "Power with",
    "power_to": "Power to",
    "power_over": "Power over",
    "value_from_principals": "Paid by principal firms",
    "worker_gross_pay": "Workers' gross pay",
    "worker_costs": "Workers' own production costs",
    "subcontractor_margin": "Subcontractors' margin",
    "fines_paid": "Fines paid by subcontractors",
    "health_burden_share": "Workers with a health burden",
    "net_to_gross": "Net ÷ gross pay",
}

#: Titles of the shipped scenarios (their code names are shown small beside them).
SCENARIO_TITLES: dict[str, str] = {
    "status_quo": "Status quo (2023)",
    "no_network": "Without the workers' network",
    "c177": "Indonesia ratifies ILO C177",
    "national_regulation": "National regulation with a piece-rate floor",
    "statistics": "Home workers counted in labour statistics",
    "end_reframing": "No more micro-entrepreneur framing",
    "genuine_participation": "Genuine instead of tokenistic participation",
    "recommendations": "The paper's three recommendations together",
    "cooperatives": "The network invests in cooperatives",
    "demand_shock": "A demand collapse like COVID-19",
}

#: The Learn page's glossary: term, what it means here, and the source label a reader can look up.
GLOSSARY: tuple[tuple[str, str, str], ...] = (
    ("UMP", "Upah Minimum Provinsi, the provincial minimum wage that Jakarta's government sets each "
     "year (Rp5,396,761 a month in 2025). Home workers are not covered by it; the model compares their "
     "earnings with it.", "[brief §2.7]"),
    ("Pos UKK", "Pos Upaya Kesehatan Kerja, a community post for workers' occupational health, run by "
     "trained members of a workers' group and supervised by the local health centre (Puskesmas). The "
     "network runs them as one of its alternatives.", "[brief §2.14]"),
    ("JPRJ", "The Jakarta network of women home workers (Jaringan Pekerja Rumahan Jakarta) that the paper "
     "studies; 375 members in December 2022. In the model, the network agent.", "[brief §0, §2.11]"),
    ("RT", "Rukun Tetangga, the smallest neighbourhood unit in Indonesia, a few dozen households. The "
     "model's workers live in RT clusters; most of their social ties are inside their RT.", "[brief §0, §4.3]"),
    ("Perantara", "An intermediary (subcontractor) who brings the work and materials, collects the "
     "pieces and pays the piece rate.", "[brief §0, §2.9]"),
    ("Piece rate", "Pay per piece, for example Rp275-300 per pair of insoles glued (2023).", "[brief §2.1]"),
    ("Tokenism", "Participation without influence: the state invites the workers to hearings and "
     "consultations but nothing they say changes a decision (Arnstein's ladder). The `tokenism` lever "
     "is the share of advocacy in invited spaces absorbed that way.", "[brief §3.3, §3.4a]"),
    ("Framing", "Presenting home workers as micro-entrepreneurs rather than workers with rights, so "
     "that they and others stop expecting a wage floor. The `framing_intensity` lever (invisible "
     "power).", "[brief §3.4b]"),
    ("Rowlands's powers", "Four kinds of power: power over (domination), power to (act), power with "
     "(others, through organization) and power within (a sense of one's rights). The model measures "
     "each as an index from 0 to 1.", "[brief §3.2]"),
    ("The Power Cube", "Gaventa's frame for where power works: levels (local, national, global), "
     "spaces (closed, invited, claimed) and forms (visible, hidden, invisible).", "[brief §3.1]"),
    ("Consciousness", "A worker's sense of being a worker with rights (0 to 1); Freire's critical "
     "consciousness. The share with at least 0.5 is the power-within index.", "[brief §3.3]"),
    ("ILO C177", "The ILO's Home Work Convention (1996): equal treatment of home workers and other "
     "wage earners. Ten countries have ratified it; Indonesia has not.", "[brief §2.12]"),
    ("Lever and uncertainty", "A lever is a choice of the state, the network or a scenario; an "
     "uncertainty is something about the world nobody has measured, given a plausible range.", ""),
    ("Seed and replicate", "A seed fixes the random draws, so the same seed and inputs give the same "
     "run. Replicates are runs with different seeds; the spread between them is the model's noise.", ""),
)

#: What each kind of event in ``RunResult.events`` is called on the page.
EVENT_TITLES: dict[str, str] = {
    "agreements_signed": "Collective agreement signed",
    "judicial_review_filed": "Judicial review filed",
    "judicial_review_rejected": "Judicial review rejected",
    "judicial_review_granted": "Judicial review granted",
    "policy_scheduled": "Policy change (scenario)",
    "policy_conceded": "Policy won under pressure",
    "retaliation": "Retaliation: work moved away",
}


#: Words of code names spelled out or capitalised as people write them (``rt_size`` -> ``RT size``).
SPELLED = {"ump": "UMP", "cv": "CV", "c177": "C177", "ukk": "UKK", "rt": "RT", "sd": "SD", "pos": "Pos",
           "prob": "probability", "coop": "cooperative", "min": "minimum"}


def _spell(name: str) -> str:
    text = " ".join(SPELLED.get(word, word) for word in name.replace("_", " ").split())
    return text[0].upper() + text[1:]


def metric_title(name: str) -> str:
    """Short title of an outcome, without its unit."""
    return METRIC_TITLES.get(name) or _spell(name)


def metric_unit(name: str) -> str:
    """Unit of an outcome from ``OUTPUTS`` (empty when the name is not a weekly metric)."""
    output = OUTPUT_BY_NAME.get(name)
    return output.unit if output else ""


def metric_label(name: str) -> str:
    """Title with its unit, for axes and table columns: ``Piece rate paid (Rp/piece)``."""
    unit = metric_unit(name)
    return f"{metric_title(name)} ({unit})" if unit else metric_title(name)


def metric_meaning(name: str) -> str:
    """One-line meaning of an outcome, from ``OUTPUTS``."""
    output = OUTPUT_BY_NAME.get(name)
    return output.meaning if output else ""


def event_title(kind: str) -> str:
    """Plain name of an event kind (``policy_conceded`` -> ``Policy won under pressure``)."""
    return EVENT_TITLES.get(kind) or _spell(kind)


def group_title(group: str) -> str:
    return GROUP_TITLES.get(group) or _spell(group)


def parameter_label(entry: registry.Parameter) -> str:
    """Widget label: the name spelled out, and the unit unless the name already says it
    (``n_workers`` -> ``Number of workers``, ``tokenism`` -> ``Tokenism (share)``)."""
    text = parameter_title(entry.name)
    if not entry.unit or entry.unit.lower() in text.lower():
        return text
    return f"{text} ({entry.unit})"


#: Where the Learn page lists the sources (its section's anchor).
SOURCES_LINK = "/learn#sources"


def parameter_help(entry: registry.Parameter) -> str:
    """Widget help text: meaning, accepted range and default (the unit is in the label, so it is
    not repeated), role, source, and where its full references are."""
    role = "a lever (a policy or strategy choice)" if entry.role == "lever" else (
        "an uncertainty (an unknown of the world)"
    )
    return (
        f"{entry.meaning[0].upper()}{entry.meaning[1:]}.\n\n"
        f"Accepted: {range_text(entry)}; default {default_text(entry)}.\n\n"
        f"`{entry.name}` is {role}.\n\nSource: {entry.source}\n\n{reference_pointer(entry.source)}"
    )


def reference_pointer(source: str) -> str:
    """Where a source's full references are: the entries of docs/sources.md it cites, with a link
    to the Learn page's list."""
    cited = references_for(source)
    if not cited:
        return f"No published source: a modelling choice. All sources: [Learn the model → Sources]({SOURCES_LINK}) (docs/sources.md)."
    titles = "; ".join(ref.title for ref in cited)
    return f"Full references: {titles}, in [Learn the model → Sources]({SOURCES_LINK}) (docs/sources.md)."


def range_text(entry: registry.Parameter) -> str:
    """The accepted values in words, without the unit: ``0 to 1``, ``10 to 5,000,000``, ``on or off``."""
    if entry.kind == "bool":
        return "on or off"
    low, high = entry.bounds
    return f"{registry.format_number(low)} to {registry.format_number(high)}"


def default_text(entry: registry.Parameter) -> str:
    """The default in words, without the unit: ``0.8``, ``2,000``, ``off``, ``automatic``."""
    if entry.default is None:
        return "automatic"
    if entry.kind == "bool":
        return "on" if entry.default else "off"
    return registry.format_number(entry.default)


def scenario_title(name: str) -> str:
    """Plain title of a scenario (``c177`` -> ``Indonesia ratifies ILO C177``); a name with no title
    (a user's own scenario) is spelled out."""
    return SCENARIO_TITLES.get(name) or _spell(name)


def scenario_option(name: str) -> str:
    """A scenario in a dropdown: its title, then its code name (``Status quo (2023) · status_quo``)."""
    title = scenario_title(name)
    return title if title == name else f"{title} · {name}"


def scenario_heading(name: str) -> str:
    """Markdown: the title in bold and the code name small (``**Status quo (2023)** :small[`status_quo`]``)."""
    return f"**{scenario_title(name)}** :small[`{name}`]"


def metric_option(name: str) -> str:
    """An outcome in a dropdown: its title, then its code name."""
    return f"{metric_title(name)} · {name}"


def parameter_title(name: str) -> str:
    """A parameter's name spelled out, without its unit (``framing_intensity`` -> ``Framing
    intensity``); ``scenario`` (a batch's other axis) is ``Scenario``."""
    return _spell("number_of_" + name[2:] if name.startswith("n_") else name)


def parameter_option(name: str) -> str:
    """A parameter (or ``scenario``) in a dropdown: its title, then its code name
    (``Framing intensity · framing_intensity``)."""
    title = parameter_title(name)
    return title if title.lower() == name.lower() else f"{title} · {name}"


def parameter_axis(name: str) -> str:
    """A parameter on a chart's axis: its title and unit (``Framing intensity (0-1)``); a name
    that is not a parameter (``scenario``) is spelled out."""
    try:
        return parameter_label(registry.get(name))
    except registry.ParameterError:
        return parameter_title(name)


def scenario_legend(name: str, baseline: str | None = None) -> str:
    """A scenario in a chart's legend or axis: its title, ``(baseline)`` after the baseline's."""
    return scenario_title(name) + (" (baseline)" if name == baseline else "")
