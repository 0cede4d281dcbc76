

def test_a_salib_problem_spec_from_the_registry_in_one_call() -> None:
    import numpy as np

    from rumahan.experiments.sensitivity import problem_spec
    from rumahan.model import params as registry

    spec = problem_spec(["relocation_cost", "threshold_mean"], outputs=["earnings_to_ump"])
    assert spec["names"] == ["relocation_cost", "threshold_mean"] and spec["outputs"] == ["earnings_to_ump"]
    assert spec["bounds"] == [list(registry.get(n).sample_range) for n in spec["names"]]
    sample = spec.sample_latin(8, seed=1).samples
    assert sample.shape == (8, 2) and np.all(sample >= np.array(spec["bounds"])[:, 0])
    assert np.all(sample <= np.array(spec["bounds"])[:, 1])


def test_the_default_problem_spec_is_every_sampled_uncertainty_inside_its_plausible_range() -> None:
    import numpy as np

    from rumahan.experiments.design import uncertainties
    from rumahan.experiments.sensitivity import problem_spec
    from rumahan.model import params as registry

    spec = problem_spec()
    assert spec["names"] == uncertainties() and all(registry.get(n).role == "uncertainty" for n in spec["names"])
    sample = spec.sample_latin(16, seed=2).samples
    low, high = np.array(spec["bounds"]).T
    assert sample.shape == (16, len(spec["names"])) and np.all((sample >= low) & (sample <= high))
