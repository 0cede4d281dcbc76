"""The Learn page (AppTest): figures, the registry's table and its filters."""

from __future__ import annotations

from rumahan.model import params as registry


def test_learn_page_shows_figures_and_every_parameter(explored) -> None:
    at = explored.switch_page("learn.py").run()
    assert not at.exception and not at.error
    assert at.title[0].value == "Learn the model"
    assert len(at.image) == 3
    headers = [h.value for h in at.header]
    assert headers[:4] == ["1. A putting-out system", "2. Who is in the model", "3. The four powers (Rowlands)",
                           "4. The Power Cube (Gaventa)"]
    parameters = at.dataframe[1].value
    assert list(parameters["parameter"]) == [p.name for p in registry.PARAMETERS]
    # the unit has its column: defaults and ranges are numbers written as people write them
    n_workers = parameters.set_index("parameter").loc["n_workers"]
    assert (n_workers["default"], n_workers["accepted"], n_workers["unit"]) == ("2,000", "10 to 5,000,000", "workers")
    assert any(c.value == f"{len(registry.PARAMETERS)} of {len(registry.PARAMETERS)} parameters." for c in at.caption)
    at.text_input(key="learn.search").input("tokenism").run()
    found = at.dataframe[1].value
    assert "tokenism" in set(found["parameter"]) and len(found) < len(registry.PARAMETERS)
    at.selectbox(key="learn.role").select("lever").run()
    assert set(at.dataframe[1].value["role"]) == {"lever"}


def test_an_unexpected_failure_is_a_message_not_a_traceback(explored, monkeypatch) -> None:
    import rumahan.dashboard.figures

    def broken(*args, **kwargs):
        raise ValueError("a figure could not be drawn")

    monkeypatch.setattr(rumahan.dashboard.figures, "png", broken)
    at = explored.switch_page("learn.py").run()
    assert not at.exception
    assert at.error[0].value.startswith("Something went wrong on this page (ValueError: a figure could not be drawn)")


def test_learn_has_a_glossary_and_the_reference_list(explored) -> None:
    at = explored.switch_page("learn.py").run()
    assert [h.value for h in at.header][-2:] == ["7. Sources", "8. Glossary"]
    glossary = at.table[-1].value
    for term in ("UMP", "Pos UKK", "JPRJ", "RT", "Tokenism", "Framing", "Rowlands's powers", "The Power Cube"):
        assert term in glossary.index
    assert "Upah Minimum Provinsi" in glossary.loc["UMP", "meaning"]
    at.text_input(key="learn.source").input("§2.14").run()
    assert not at.exception
    assert any("rejected in full on 31 Jan 2023" in m.value for m in at.markdown)
    assert any(c.value == "docs/sources.md#brief-2.14" for c in at.caption)
