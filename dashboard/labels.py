"""Plain-language labels for the dashboard, read from the registries (units and meanings are never
retyped here: they come from ``model.params.PARAMETERS`` and ``model.metrics.OUTPUTS``)."""

from __future__ import annotations

from model import params as registry
from model.metrics import OUTPUT_BY_NAME

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


def _spell(name: str) -> str:
    text = name.replace("_", " ")
    for short, long in (("ump", "UMP"), ("cv", "CV"), ("c177", "C177"), ("ukk", "UKK")):
        text = " ".join(long if word == short else word for word in text.split())
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
    name = "number_of_" + entry.name[2:] if entry.name.startswith("n_") else entry.name
    text = _spell(name)
    if not entry.unit or entry.unit.lower() in text.lower():
        return text
    return f"{text} ({entry.unit})"


def parameter_help(entry: registry.Parameter) -> str:
    """Widget help text: meaning, accepted range, role and source, all from the registry."""
    role = "a lever (a policy or strategy choice)" if entry.role == "lever" else (
        "an uncertainty (an unknown of the world)"
    )
    return (
        f"{entry.meaning[0].upper()}{entry.meaning[1:]}.\n\n"
        f"Accepted: {entry.describe_bounds()}. Default: {_default_text(entry)}.\n\n"
        f"`{entry.name}` is {role}.\n\nSource: {entry.source}"
    )


def _default_text(entry: registry.Parameter) -> str:
    if entry.default is None:
        return "automatic"
    if entry.kind == "bool":
        return "on" if entry.default else "off"
    return f"{entry.default:g} {entry.unit}".rstrip()
