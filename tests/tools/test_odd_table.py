"""docs/ODD.md stays true to the registry: its parameter table is the generated one."""

from __future__ import annotations

from rumahan.model.params import PARAMETERS
from tools import odd_table


def test_odd_parameter_table_is_current():
    document = odd_table.ODD_PATH.read_text(encoding="utf-8")
    assert odd_table.replace_table(document, odd_table.parameter_table()) == document, (
        "docs/ODD.md's parameter table is stale: run `make odd`"
    )


def test_every_parameter_is_in_the_table_with_its_source():
    table = odd_table.parameter_table()
    for p in PARAMETERS:
        assert f"| `{p.name}` |" in table
    assert table.count("\n| `") == len(PARAMETERS)


def test_check_mode_reports_staleness(tmp_path, monkeypatch):
    stale = tmp_path / "ODD.md"
    stale.write_text(f"intro\n{odd_table.BEGIN}\nold table\n{odd_table.END}\n", encoding="utf-8")
    monkeypatch.setattr(odd_table, "ODD_PATH", stale)
    assert odd_table.main(["--check"]) == 1
    assert odd_table.main(["--write"]) == 0
    assert odd_table.main(["--check"]) == 0
