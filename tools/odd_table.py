"""Generate the parameter table of docs/ODD.md from the registry (model/params.py).

    python -m tools.odd_table            # print the table
    python -m tools.odd_table --write    # replace the table between the markers in docs/ODD.md
    python -m tools.odd_table --check    # exit 1 if docs/ODD.md's table is stale

The table sits between ``<!-- parameters:begin -->`` and ``<!-- parameters:end -->``; a test fails
when it differs from what the registry generates, so the ODD never drifts from the code.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rumahan.model import params as registry
from rumahan.model.params import PARAMETERS, Parameter, format_number

ODD_PATH = Path(__file__).resolve().parents[1] / "docs" / "ODD.md"
BEGIN, END = "<!-- parameters:begin -->", "<!-- parameters:end -->"

GROUP_TITLES = registry.GROUP_TITLES


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def _default(p: Parameter) -> str:
    if p.default is None:
        return "auto"
    if p.kind == "bool":
        return "true" if p.default else "false"
    return format_number(p.default)


def _bounds(p: Parameter) -> str:
    if p.kind == "bool":
        return "true/false"
    low, high = p.bounds
    return f"{format_number(low)} to {format_number(high)}"


def _sampled(p: Parameter) -> str:
    """The plausible range designs sample by default ("-" for levers, sizes and switches)."""
    if p.role != "uncertainty" or not p.sampled or p.kind == "bool":
        return "-"
    low, high = p.sample_range
    return f"{format_number(low)} to {format_number(high)}"


def parameter_table() -> str:
    """The Markdown table, grouped by agent in registry order."""
    lines: list[str] = []
    for group, title in GROUP_TITLES.items():
        entries = [p for p in PARAMETERS if p.group == group]
        if not entries:
            continue
        lines += [f"**{title}**", "", "| parameter | default | bounds | sampled over | unit | role | meaning | source |",
                  "|---|---|---|---|---|---|---|---|"]
        lines += [
            f"| `{p.name}` | {_default(p)} | {_bounds(p)} | {_sampled(p)} | {_cell(p.unit)} | {p.role} | {_cell(p.meaning)} | {_cell(p.source)} |"
            for p in entries
        ]
        lines.append("")
    missing = {p.group for p in PARAMETERS} - set(GROUP_TITLES)
    if missing:
        raise ValueError(f"parameter groups without a title in GROUP_TITLES (model/params.py): {sorted(missing)}")
    return "\n".join(lines).rstrip() + "\n"


def replace_table(document: str, table: str) -> str:
    """``document`` with the text between the markers replaced by ``table``."""
    start, end = document.index(BEGIN) + len(BEGIN), document.index(END)
    return document[:start] + "\n" + table + document[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the table in docs/ODD.md")
    mode.add_argument("--check", action="store_true", help="fail if docs/ODD.md is stale")
    args = parser.parse_args(argv)
    table = parameter_table()
    if not (args.write or args.check):
        sys.stdout.write(table)
        return 0
    document = ODD_PATH.read_text(encoding="utf-8")
    updated = replace_table(document, table)
    if args.check:
        if updated != document:
            print("docs/ODD.md's parameter table is stale: run `make odd`", file=sys.stderr)
            return 1
        return 0
    ODD_PATH.write_text(updated, encoding="utf-8")
    print(f"wrote the parameter table ({len(PARAMETERS)} parameters) to {ODD_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
