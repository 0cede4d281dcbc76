"""Interrupted work: nothing computed is lost, nothing is computed twice, and results do not depend
on when the work was interrupted.

- A sweep on a local pool is killed with SIGKILL (its whole process group: parent, fork server and
  workers) at random moments, restarted each time, and finally finishes: its result files are
  byte-identical to those of an uninterrupted sweep; every run saved before a kill is kept (never
  recomputed); every run is computed and saved exactly once; no partial or temporary file is left.
- The same at fixed moments: right after the consolidated time series is written, and after the
  manifest says "complete" but before the parts are removed.
- A write killed between writing its temporary file and the rename leaves the previous file whole.
- A Dask worker process killed by PID while it runs tasks: the sweep still completes, identical.

The random moments come from ``RUMAHAN_KILL_SEED`` (default: the clock), printed in every
assertion message so that a failure can be replayed.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from rumahan.experiments import storage

from .conftest import REPO, DaskCluster, kill_group

RESULT_FILES = ("runs.parquet", "timeseries.parquet", "events.parquet", "design.parquet")
#: 2 scenarios x 4 sample points x 2 replicates = 16 runs of about 0.1 s each.
SPEC = """[sweep]
name = "kill_me"
scenarios = ["status_quo", "cooperatives"]
replicates = 2
weeks = 50
seed = 17

[parameters]
n_workers = 300

[sample]
size = 4
parameters = ["principal_price", "relocation_cost"]
"""
TOTAL = 16
SLOTS = 4  # runs a pool of 2 keeps in flight (experiments.executors: 2 x jobs)


def _sweep_command(spec: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "rumahan.experiments", "sweep", str(spec), "--out", str(out), "--quiet", "--no-report",
            *extra]


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, Path]:
    """The spec and its sweep run without interruption in this process (--jobs 1)."""
    from rumahan.experiments.cli import main

    base = tmp_path_factory.mktemp("reference")
    spec = base / "spec.toml"
    spec.write_text(SPEC)
    assert main(["sweep", str(spec), "--out", str(base / "out"), "--jobs", "1", "--quiet", "--no-report"]) == 0
    return spec, base / "out"


def _manifest_timings(manifest: dict) -> dict[int, dict]:
    """Each run's timing record in ``manifest.json``, without the ``*_str`` copies JSON files add to
    seeds above 2**53 (``storage.with_seed_strings``), so that it compares with a part's record."""
    return {t["index"]: {k: v for k, v in t.items() if not k.endswith("_str")} for t in manifest["runs"]}


def _part_records(out: Path) -> dict[int, dict]:
    """The timing record of every part file now in ``out/parts`` (each must be whole and readable)."""
    return {i: storage.read_part_record(p)["timing"] for i, p in storage.finished_parts(out).items()}


def _assert_no_partial_files(out: Path, where: str) -> None:
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, f"{where}: temporary files left behind: {leftovers}"


def _assert_identical(out: Path, reference_out: Path, where: str) -> None:
    for name in RESULT_FILES:
        assert (out / name).read_bytes() == (reference_out / name).read_bytes(), f"{where}: {name} differs"


def _readable_after_kill(out: Path, where: str) -> None:
    """Whatever a kill left is whole: every part file reads back, and so does the manifest."""
    if (out / storage.MANIFEST).exists():
        storage.read_manifest(out)
    for path in storage.finished_parts(out).values():
        storage.read_part_record(path)  # raises OutputError if half-written
    for name in ("runs.parquet", "timeseries.parquet"):
        if (out / name).exists():
            storage.read_table(out / name, name.split(".")[0])


def _wait_for(proc: subprocess.Popen, trigger: tuple, out: Path) -> bool:
    """Wait until ``trigger`` (``("time", seconds)`` or ``("parts", saved_runs, then_seconds)``);
    False if the sweep ended first."""
    if trigger[0] == "time":
        try:
            proc.wait(timeout=trigger[1])
        except subprocess.TimeoutExpired:
            return True
        return False
    deadline = time.monotonic() + 120
    while len(storage.finished_parts(out)) < trigger[1]:
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.005)
    time.sleep(trigger[2])
    return proc.poll() is None


@pytest.mark.slow
def test_a_sweep_killed_at_random_moments_finishes_identical(reference, tmp_path) -> None:
    spec, reference_out = reference
    seed = int(os.environ.get("RUMAHAN_KILL_SEED", time.time_ns() % 2**32))
    rng = random.Random(seed)
    where = f"RUMAHAN_KILL_SEED={seed}"
    out = tmp_path / "out"
    kept: dict[int, dict] = {}          # run index -> timing of the part saved before some kill
    kills = []                          # (trigger, parts saved at the kill)
    # the first kill at a random time during start-up, the next two once a random number of runs
    # have been saved (plus a random fraction of a second), then the sweep may finish
    triggers = [("time", rng.uniform(0.1, 2.0)), ("parts", rng.randint(1, TOTAL // 2), rng.uniform(0, 0.3)),
                ("parts", rng.randint(TOTAL // 2, TOTAL - 1), rng.uniform(0, 0.3)), None]
    for trigger in triggers:
        proc = subprocess.Popen(_sweep_command(spec, out, "--jobs", "2"), cwd=REPO, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            if trigger is None or not _wait_for(proc, trigger, out):
                assert proc.wait(timeout=300) == 0, f"{where}: {proc.stderr.read().decode()}"
                break  # it finished (before the kill came)
            kill_group(proc)  # SIGKILL to parent, fork server and workers: no clean-up at all
            saved = _part_records(out) if out.exists() else {}
            _readable_after_kill(out, where)
            for index, timing in kept.items():  # what was saved before stays saved, untouched
                assert saved.get(index) == timing or (out / "runs.parquet").exists(), f"{where}: run {index} lost"
            kept.update(saved)
            kills.append((trigger, len(saved)))
        finally:
            if proc.poll() is None:
                kill_group(proc)
            proc.stderr.close()
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and not (out / "parts").exists(), where
    _assert_identical(out, reference_out, where)
    _assert_no_partial_files(out, where)
    timings = _manifest_timings(manifest)
    assert sorted(timings) == list(range(TOTAL)), where       # every run saved exactly once
    for index, timing in kept.items():                        # and none saved before a kill was recomputed
        assert timings[index] == timing, f"{where}: run {index} was recomputed after being saved"
    computed_by_session = {}
    for timing in manifest["runs"]:
        computed_by_session[timing["session"]] = computed_by_session.get(timing["session"], 0) + 1
    assert sum(computed_by_session.values()) == TOTAL
    print(f"{where}: kills (s, parts saved) {kills}; runs kept across kills {len(kept)}; "
          f"runs saved per session {dict(sorted(computed_by_session.items()))}")


def _kill_at(function: str, spec: Path, out: Path, before: bool = False) -> int:
    """Run the sweep in a child that SIGKILLs itself right after (or ``before``) its first call of
    ``function`` (a crash at that exact moment); returns the child's exit status."""
    module, name = function.rsplit(".", 1)
    script = textwrap.dedent(f"""
        import os, signal, sys
        import {module} as target
        original = target.{name}
        def crash(*args, **kwargs):
            if {before!r}:
                os.kill(os.getpid(), signal.SIGKILL)
            result = original(*args, **kwargs)
            os.kill(os.getpid(), signal.SIGKILL)
            return result
        target.{name} = crash
        from rumahan.experiments.cli import main
        sys.exit(main(sys.argv[1:]))
    """)
    done = subprocess.run([sys.executable, "-c", script, "sweep", str(spec), "--out", str(out), "--jobs", "1",
                           "--quiet", "--no-report"], cwd=REPO, capture_output=True, timeout=300)
    return done.returncode


@pytest.mark.slow
@pytest.mark.parametrize("moment", [
    "rumahan.experiments.storage.gather_parts",     # the consolidated time series is written; runs.parquet is not
    "rumahan.experiments.storage.write_manifest",   # killed after the first manifest write (no run has started)
])
def test_a_crash_at_a_fixed_moment_is_resumed_identically(reference, tmp_path, moment) -> None:
    spec, reference_out = reference
    out = tmp_path / "out"
    assert _kill_at(moment, spec, out) == -signal.SIGKILL
    _readable_after_kill(out, moment)
    before = _part_records(out)
    from rumahan.experiments.cli import main

    assert main(["sweep", str(spec), "--out", str(out), "--jobs", "1", "--quiet", "--no-report"]) == 0
    _assert_identical(out, reference_out, moment)
    _assert_no_partial_files(out, moment)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and not (out / "parts").exists()
    if moment.endswith("gather_parts"):
        assert len(before) == TOTAL  # every run had been saved: the resume only consolidated
        assert manifest["sessions"][-1]["runs_computed"] == 0
        assert _manifest_timings(manifest) == before


def test_a_crash_after_completion_before_clean_up_leaves_a_complete_folder(reference, tmp_path) -> None:
    """Killed after the manifest says complete but before parts/ is removed: the folder reads as
    complete, and rerunning the command removes the parts and computes nothing."""
    spec, reference_out = reference
    out = tmp_path / "out"
    assert _kill_at("shutil.rmtree", spec, out, before=True) == -signal.SIGKILL
    assert len(storage.finished_parts(out)) == TOTAL  # the parts are still there
    assert storage.load_output(out).complete
    _assert_identical(out, reference_out, "after clean-up")
    from rumahan.experiments.cli import main

    assert main(["sweep", str(spec), "--out", str(out), "--jobs", "1", "--quiet", "--no-report"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions"][-1]["runs_computed"] == 0
    _assert_identical(out, reference_out, "rerun after completion")
    assert not (out / "parts").exists()


# --- atomic writes ---------------------------------------------------------------------------------
def test_a_write_killed_before_its_rename_leaves_the_previous_file_whole(tmp_path) -> None:
    """The child writes a new manifest; it is SIGKILLed after the bytes are in the temporary file
    and before the rename. The manifest on disk is still the previous one, whole; the temporary
    file a resume finds is removed (``remove_stale_temporaries``)."""
    storage.write_manifest(tmp_path, {"kind": "sweep", "status": "running", "note": "previous"})
    previous = (tmp_path / "manifest.json").read_bytes()
    script = textwrap.dedent(f"""
        import os, signal, sys, time
        from pathlib import Path
        from rumahan.experiments import storage
        def hang(fd):
            print("written", flush=True)
            time.sleep(60)
        os.fsync = hang
        storage.write_manifest(Path({str(tmp_path)!r}), {{"kind": "sweep", "status": "complete", "note": "x" * 100000}})
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=REPO, stdout=subprocess.PIPE, start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == b"written"
        temporaries = list(tmp_path.glob(".manifest.json.*.tmp"))
        assert len(temporaries) == 1 and temporaries[0].stat().st_size > 100_000
    finally:
        kill_group(proc)
        proc.stdout.close()
    assert (tmp_path / "manifest.json").read_bytes() == previous
    assert storage.read_manifest(tmp_path)["note"] == "previous"
    storage.remove_stale_temporaries(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path, monkeypatch) -> None:
    import pandas as pd

    storage.write_table(tmp_path / "runs.parquet", pd.DataFrame({"a": [1, 2]}), "runs")
    previous = (tmp_path / "runs.parquet").read_bytes()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError, match="No space left"):
        storage.write_table(tmp_path / "runs.parquet", pd.DataFrame({"a": [3]}), "runs")
    assert (tmp_path / "runs.parquet").read_bytes() == previous
    assert [p.name for p in tmp_path.iterdir()] == ["runs.parquet"]


def test_unreadable_parts_are_recomputed_on_resume(reference, tmp_path) -> None:
    """A part that is not whole (written by something else, or damaged on disk), or one beyond the
    batch, is not counted as done: the resume deletes it and computes that run again."""
    import shutil

    spec, reference_out = reference
    out = tmp_path / "out"
    assert _kill_at("rumahan.experiments.storage.gather_parts", spec, out) == -signal.SIGKILL
    parts = out / "parts"
    (parts / "0000003.parquet").write_bytes(b"PAR1 half a file")
    shutil.copy(parts / "0000004.parquet", parts / "0000999.parquet")  # an index this batch does not have
    (parts / "0000005.parquet").unlink()
    from rumahan.experiments.cli import main

    assert main(["sweep", str(spec), "--out", str(out), "--jobs", "1", "--quiet", "--no-report"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["sessions"][-1]["runs_computed"] == 2   # runs 3 and 5, nothing else
    _assert_identical(out, reference_out, "after damaged parts")


# --- a Dask worker lost mid-sweep ---------------------------------------------------------------------
def _worker_pids(address: str) -> dict[str, int]:
    from distributed import Client

    with Client(address, timeout="10s") as client:
        return client.run(os.getpid)


@pytest.mark.slow
def test_a_dask_worker_killed_mid_sweep_is_survived_with_identical_results(reference, tmp_path) -> None:
    from distributed import Client

    spec, reference_out = reference
    cluster = DaskCluster(tmp_path, workers=2)
    try:
        cluster.start()
        out = tmp_path / "out"
        proc = subprocess.Popen(_sweep_command(spec, out, "--scheduler", cluster.address), cwd=REPO,
                                start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            killed, lost = None, 0
            with Client(cluster.address, timeout="10s") as client:
                deadline = time.monotonic() + 120
                while killed is None:
                    assert proc.poll() is None, proc.stderr.read().decode()
                    assert time.monotonic() < deadline, "no runs were ever in flight"
                    done = len(storage.finished_parts(out)) if out.exists() else 0
                    processing = {a: len(keys) for a, keys in client.processing().items() if keys}
                    if done >= 3 and processing:
                        address = max(processing, key=processing.get)
                        pid = client.run(os.getpid, workers=[address])[address]
                        os.kill(pid, signal.SIGKILL)      # the worker process, not its nanny
                        killed, lost = pid, processing[address]
                    time.sleep(0.02)
            assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
        finally:
            if proc.poll() is None:
                kill_group(proc)
            proc.stderr.close()
        assert killed is not None and lost >= 1
        _assert_identical(out, reference_out, f"dask worker {killed} killed with {lost} run(s) in flight")
        _assert_no_partial_files(out, "dask")
        manifest = json.loads((out / "manifest.json").read_text())
        assert sorted(t["index"] for t in manifest["runs"]) == list(range(TOTAL))
        assert manifest["sessions"][-1]["executor"]["kind"] == "dask"
        survivors = _worker_pids(cluster.address)          # the nanny replaced the killed worker
        assert killed not in survivors.values()
        print(f"dask: killed worker pid {killed} with {lost} run(s) assigned; the sweep finished identical")
    finally:
        cluster.stop()


def test_every_file_an_output_folder_holds_was_written_by_a_rename(tmp_path, monkeypatch) -> None:
    """Each file `rumahan run`, `sweep` (with its report), `sensitivity` and `robustness` leave in
    their folders reached its name through ``os.replace`` of a finished temporary file: none was
    written in place, so none can be seen half-written."""
    from rumahan.experiments.cli import main

    renamed: set[Path] = set()
    real_replace = os.replace

    def spy(src, dst, *args, **kwargs):
        renamed.add(Path(dst).resolve())
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", spy)
    spec = tmp_path / "spec.toml"
    spec.write_text('[sweep]\nscenarios = ["status_quo", "no_network"]\nweeks = 12\n[parameters]\nn_workers = 60\n'
                    "[grid]\ntokenism = [0.2, 0.8]\n")
    commands = [
        ["run", "--scenario", "c177", "--set", "n_workers=60", "--weeks", "12", "--out", str(tmp_path / "run")],
        ["sweep", str(spec), "--jobs", "1", "--out", str(tmp_path / "sweep")],
        ["sensitivity", "--samples", "2", "--parameters", "principal_price", "relocation_cost", "--set", "n_workers=60",
         "--weeks", "12", "--jobs", "1", "--out", str(tmp_path / "sensitivity")],
        ["robustness", "--scenarios", "status_quo", "no_network", "--states", "2", "--parameters", "relocation_cost",
         "--set", "n_workers=60", "--weeks", "12", "--jobs", "1", "--out", str(tmp_path / "robustness")],
    ]
    for command in commands:
        assert main([*command, "--quiet"]) == 0, command
    written = [p.resolve() for p in tmp_path.rglob("*") if p.is_file() and p != spec]
    kinds = {p.suffix for p in written}
    assert {".parquet", ".json", ".csv", ".png", ".toml"} <= kinds
    in_place = sorted(str(p.relative_to(tmp_path.resolve())) for p in written if p not in renamed)
    assert not in_place, f"written in place, not through a temporary file: {in_place}"
    _assert_no_partial_files(tmp_path, "atomic writes")
