"""Seeds above 2**53 are written to JSON also as strings (JavaScript and R read numbers as doubles)."""

from __future__ import annotations

import json
from pathlib import Path

from rumahan.experiments.storage import with_seed_strings

BIG = 2**63 + 5


def test_big_seeds_get_a_string_twin_and_small_ones_do_not():
    out = with_seed_strings({"seed": BIG, "plan": {"seeds": [3, BIG]}, "runs": [{"seed": 7}], "root_seed": BIG})
    assert out["seed_str"] == "9223372036854775813" and int(out["seed_str"]) == BIG
    assert out["plan"]["seeds_str"] == ["3", str(BIG)] and out["root_seed_str"] == str(BIG)
    assert "seed_str" not in out["runs"][0]
    assert with_seed_strings(out) == out  # reading and writing again keeps one twin


def test_a_run_with_seed_2_63_plus_5_writes_it_exactly_as_a_string(cli, tmp_path: Path):
    out = tmp_path / "r"
    code, _, err = cli("run", "--scenario", "status_quo", "--set", "n_workers=40", "--weeks", 6,
                       "--seed", BIG, "--out", out, "--quiet")
    assert code == 0, err
    files = [out / "manifest.json", out / "summary.json"]
    found = []
    for path in files:
        text = json.loads(path.read_text())
        stack = [text]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                for key, value in item.items():
                    if key in ("seed", "seeds") and value is not None:
                        assert item[f"{key}_str"] == ([str(v) for v in value] if isinstance(value, list) else str(value))
                        found.append((path.name, key))
                    stack.append(value)
            elif isinstance(item, list):
                stack.extend(item)
    assert {name for name, _ in found} == {"manifest.json", "summary.json"}
