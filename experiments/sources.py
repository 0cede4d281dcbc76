"""The reference list (``docs/sources.md``) and the source labels that point into it.

Parameters, scenarios, sweeps and the ODD cite their sources with short labels: ``[brief §2.14]``,
``[brief §3.4a, §8 Q5]``, ``SF9``, ``[DESIGN §2]``. Each label has an entry in ``docs/sources.md``
under an HTML anchor (``brief-2.14``, ``brief-3.4a``, ``brief-8-q5``, ``sf9``, ``design-2``).
``cited_keys`` finds the anchors a text cites, ``reference_list`` reads the entries, and
``rumahan params --sources``, the dashboard's Learn page and the test that every label resolves
(``tests/experiments/test_sources.py``) all use these two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rumahan.experiments.provenance import REPO_ROOT

SOURCES_FILE = REPO_ROOT / "docs" / "sources.md"
#: Where a reader finds the list (a path in the repository).
SOURCES_PATH = "docs/sources.md"

#: A bracketed citation: ``[brief ...]``, ``[DESIGN ...]`` or ``[§...]`` (a continued brief citation).
_BRACKET = re.compile(r"\[(?:brief|DESIGN)\b[^\[\]]*\]|\[§[^\[\]]*\]")
#: Inside a citation: a context word, a section (``§4.1`` or ``§3.4a``, ranges ``§4.1-§4.3``), an
#: open question (``Q3``) or a stylized fact (``SF 9``).
_TOKEN = re.compile(
    r"(?P<word>brief|DESIGN)\b|§(?P<section>\d+(?:\.\d+)?[ab]?)(?:\s*-\s*§(?P<until>\d+(?:\.\d+)?))?"
    r"|\bQ(?P<question>\d+)\b|\bSF ?(?P<fact>\d+)\b"
)
#: Labels outside brackets: a stylized fact (``(SF2)``) or a design section (``DESIGN §5``).
_BARE = re.compile(r"\bSF ?(?P<fact>\d+)\b|\bDESIGN §(?P<design>\d+)")
_ANCHOR = re.compile(r'^<a id="(?P<key>[^"]+)"></a>\s*$', re.M)


@dataclass(frozen=True)
class Reference:
    """One entry of the reference list: its anchor, its title and its text (Markdown)."""

    key: str
    title: str
    text: str

    @property
    def link(self) -> str:
        """``docs/sources.md#brief-2.14``."""
        return f"{SOURCES_PATH}#{self.key}"


def _section_range(start: str, until: str) -> list[str]:
    """``4.1`` to ``4.3`` -> ``4.1, 4.2, 4.3`` (sections of one chapter)."""
    major, _, first = start.partition(".")
    last = until.partition(".")[2]
    if not first.isdigit() or not last.isdigit() or until.partition(".")[0] != major:
        return [start, until]
    return [f"{major}.{n}" for n in range(int(first), int(last) + 1)]


def _keys_in_citation(citation: str) -> list[str]:
    keys: list[str] = []
    context = "design" if citation.startswith("[DESIGN") else "brief"
    section = ""
    for match in _TOKEN.finditer(citation):
        if match["word"]:
            context = "design" if match["word"] == "DESIGN" else "brief"
        elif match["section"]:
            section = match["section"]
            if context == "design":
                keys.append(f"design-{section.partition('.')[0]}")
            elif match["until"]:
                keys.extend(f"brief-{s}" for s in _section_range(section, match["until"]))
            else:
                keys.append(f"brief-{section}")
        elif match["question"] and context == "brief" and section.partition(".")[0] == "8":
            keys.append(f"brief-8-q{match['question']}")
        elif match["fact"]:
            keys.append(f"sf{match['fact']}")
    return keys


def cited_keys(text: str) -> list[str]:
    """The reference-list anchors ``text`` cites, in order, each once.

    >>> cited_keys("[brief §4.1-§4.3, §8 Q3, SF9]; see SF11 and [DESIGN §2, brief §0]")
    ['brief-4.1', 'brief-4.2', 'brief-4.3', 'brief-8-q3', 'sf9', 'design-2', 'brief-0', 'sf11']
    """
    keys: list[str] = []
    for citation in _BRACKET.finditer(text):
        keys.extend(_keys_in_citation(citation.group(0)))
    outside = _BRACKET.sub(" ", text)
    for match in _BARE.finditer(outside):
        keys.append(f"sf{match['fact']}" if match["fact"] else f"design-{match['design']}")
    if any(k.startswith("brief-8-q") for k in keys):  # "§8 Q3" cites the question, not all of §8
        keys = [k for k in keys if k != "brief-8"]
    return list(dict.fromkeys(keys))


def _title(body: str) -> str:
    """The entry's heading, or the bold words that open it."""
    first = body.strip().splitlines()[0] if body.strip() else ""
    if first.startswith("#"):
        return first.lstrip("#").strip()
    bold = re.match(r"-?\s*\*\*(.+?)\*\*", first)
    return bold.group(1).rstrip(".:") if bold else first[:60]


@cache
def _read(path: Path) -> dict[str, Reference]:
    text = path.read_text(encoding="utf-8")
    anchors = list(_ANCHOR.finditer(text))
    out: dict[str, Reference] = {}
    for here, after in zip(anchors, [*anchors[1:], None], strict=True):
        body = text[here.end(): after.start() if after else len(text)].strip()
        body = body.removesuffix("---").strip()
        out[here["key"]] = Reference(here["key"], _title(body), body)
    return out


def reference_list(path: Path = SOURCES_FILE) -> dict[str, Reference]:
    """Every entry of ``docs/sources.md`` by anchor (empty when the file is not there, e.g. in an
    installed copy without the docs)."""
    return _read(path) if path.is_file() else {}


def plain_text(markdown: str, width: int = 100, indent: str = "") -> str:
    """An entry's Markdown as plain text for a terminal: no heading, links as their words, no bold,
    paragraphs, list items and table rows (cells joined by " · ") wrapped to ``width``."""
    import textwrap

    text = re.sub(r"\[([^\]]+)\]\((?:[^)]+)\)", r"\1", markdown).replace("**", "").replace("`", "")
    lines: list[str] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        if block.startswith("#"):
            continue
        if block.lstrip().startswith("|"):
            rows = [row.strip().strip("|") for row in block.splitlines() if not set(row) <= set("|- ")]
            items = ["- " + " · ".join(c.strip() for c in row.split("|") if c.strip()) for row in rows]
        else:
            items = re.split(r"\n(?=- )", block)
        for item in items:
            lines.extend(textwrap.wrap(" ".join(item.split()), width, initial_indent=indent,
                                       subsequent_indent=indent + ("  " if item.startswith("- ") else ""),
                                       break_long_words=False, break_on_hyphens=False))
        lines.append("")
    return "\n".join(lines).rstrip()


def references_for(text: str, path: Path = SOURCES_FILE) -> list[Reference]:
    """The entries a source text cites (labels without an entry are left out)."""
    found = reference_list(path)
    return [found[key] for key in cited_keys(text) if key in found]
