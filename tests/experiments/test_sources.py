"""The reference list: every source label in the code, the scenarios, the sweeps and the docs has an
entry in docs/sources.md, and `rumahan params` shows the sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rumahan.experiments.cli import main
from rumahan.experiments.scenarios import available, load_scenario
from rumahan.experiments.sources import SOURCES_FILE, cited_keys, reference_list, references_for
from rumahan.model import params as registry

REPO = Path(__file__).resolve().parents[2]
#: Where labels are written: code, scenarios, sweeps, the ODD and the other docs.
CITING = ("model/**/*.py", "experiments/**/*.py", "experiments/**/*.toml", "dashboard/**/*.py",
          "benchmarks/*.py", "docs/**/*.md", "docs/**/*.toml", "README.md")


def citing_files() -> list[Path]:
    files = {path for pattern in CITING for path in REPO.glob(pattern)}
    return sorted(f for f in files if f != SOURCES_FILE and ".venv" not in f.parts)


@pytest.mark.parametrize("path", citing_files(), ids=lambda p: str(p.relative_to(REPO)))
def test_every_label_resolves_to_an_entry(path: Path) -> None:
    entries = reference_list()
    missing = [key for key in cited_keys(path.read_text(encoding="utf-8")) if key not in entries]
    assert not missing, f"{path.relative_to(REPO)} cites labels with no entry in docs/sources.md: {missing}"


def test_the_registry_and_the_scenarios_cite_entries() -> None:
    for entry in registry.PARAMETERS:
        assert entry.source.startswith("assumption") or references_for(entry.source), entry.name
    for name in available():
        assert references_for(load_scenario(name).source), name


def test_no_design_notes_are_cited_where_readers_look() -> None:
    """The registry's sources and the ODD cite what a reader can open: the brief's entries or ODD sections."""
    assert not [p.name for p in registry.PARAMETERS if "DESIGN" in p.source]
    assert "DESIGN §" not in (REPO / "docs" / "ODD.md").read_text(encoding="utf-8")


def test_anchors_are_unique_and_entries_have_text() -> None:
    text = SOURCES_FILE.read_text(encoding="utf-8")
    anchors = re.findall(r'<a id="([^"]+)"></a>', text)
    assert len(anchors) == len(set(anchors))
    for key, entry in reference_list().items():
        assert entry.title and len(entry.text) > len(entry.title), key


@pytest.mark.parametrize(("text", "keys"), [
    ("[brief §2.14]", ["brief-2.14"]),
    ("[brief §3.4b, §2.14]: framing", ["brief-3.4b", "brief-2.14"]),
    ("[brief §2.6, §2.12 R184 paras 4, 6]", ["brief-2.6", "brief-2.12"]),
    ("[brief §2.9, §4.1, §8 Q1, Q3]", ["brief-2.9", "brief-4.1", "brief-8-q1", "brief-8-q3"]),
    ("[§4.1-§4.3]", ["brief-4.1", "brief-4.2", "brief-4.3"]),
    ("calibrated to slow growth (SF9), see [brief SF 11]", ["sf11", "sf9"]),
    ("[DESIGN §2, brief §4.3] and DESIGN §8 'Speed'", ["design-2", "brief-4.3", "design-8"]),
    ("[brief §N] or [brief SF N], ODD §7.3", []),
])
def test_labels_are_read_as_written(text: str, keys: list[str]) -> None:
    assert cited_keys(text) == keys


def test_params_shows_sources_and_sources_gives_the_references(capsys) -> None:
    assert main(["params", "--group", "state"]) == 0
    out = capsys.readouterr().out
    assert "source: [brief §3.4a]: hearings and audiences with no policy result" in out
    assert main(["params", "--group", "state", "--sources"]) == 0
    out = capsys.readouterr().out
    assert "§3.4 The state's two strategies" not in out.split("References")[0]
    references = out.split("References")[1]
    assert "docs/sources.md#brief-3.4a" in references and "rejected in full on 31 Jan 2023" in references
    assert "docs/sources.md" in out.splitlines()[-1]
