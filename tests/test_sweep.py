"""Training sweeps on a local Ray instance: runs and manifest written, seeds differ, a re-run resumes
(nothing retrained, same weights) and a failing run is one line while the others go on. Tiny runs."""
from __future__ import annotations

import json
import shutil
import sys

import pytest
import torch

from hmmrnn import cli
from hmmrnn.checkpoint import load, sha256_file
from hmmrnn.sweep import parse_seeds, run_name

TINY = dict(epochs=2, hidden=8, inputs=4, n_sequences=300, batch=64, evolution_every=1, seq_len=6, num_cpus=1)
NAMES = ["linear2-seed0", "linear2-seed1"]


def _sweep(out, seeds, lines):
    pytest.importorskip("ray", reason="ray is not installed (pip install hmmrnn[sweep])")
    from hmmrnn.sweep import run_sweep
    return run_sweep("linear:2", seeds, out, log=lambda s, **k: lines.append(s), **TINY)


def _weights(path) -> dict:
    return {k: v.clone() for k, v in load(path).model.state_dict().items()}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    out, lines = tmp_path_factory.mktemp("sweep"), []
    return out, _sweep(out, [0, 1], lines), lines


def test_runs_and_manifest_written(first):
    out, got, lines = first
    assert sorted(e["name"] for e in got) == NAMES and not [e for e in got if "error" in e]
    entries = {e["name"]: e for e in json.loads((out / "manifest.json").read_text())["fixtures"]}
    assert sorted(entries) == NAMES
    for name, e in entries.items():
        final = out / name / "final.pt"
        assert final.is_file() and (out / name / "state.pt").is_file()
        assert e["path"] == f"{name}/final.pt" and e["sha256"] == sha256_file(final)
        assert e["epochs"] == 2 and e["hmm"] == "linear:2" and e["final_val_loss"] > 0
        assert f"--out {out / name}" in e["command"]
    done = [l for l in lines if l.startswith("linear2-seed")]  # one line per finished run
    assert len(done) == 2 and all("val loss" in l and "(trained)" in l for l in done), lines


def test_seeds_give_different_weights(first):
    out = first[0]
    a, b = (_weights(out / n / "final.pt") for n in NAMES)
    assert a.keys() == b.keys() and any(not torch.equal(a[k], b[k]) for k in a)


def test_rerun_resumes_and_a_failure_is_one_line(first):
    """The same sweep again plus seed 2, whose folder holds a foreign state.pt (a config mismatch)."""
    out = first[0]
    before = {n: (_weights(out / n / "final.pt"), (out / n / "final.pt").stat().st_mtime_ns,
                  (out / n / "state.pt").stat().st_mtime_ns) for n in NAMES}
    (out / "linear2-seed2").mkdir()
    shutil.copy(out / NAMES[0] / "state.pt", out / "linear2-seed2" / "state.pt")
    lines = []
    got = _sweep(out, [0, 1, 2], lines)
    ok = {e["name"]: e for e in got if "error" not in e}
    failed = [e for e in got if "error" in e]
    assert sorted(ok) == NAMES
    assert len(failed) == 1 and failed[0]["name"] == "linear2-seed2" and "\n" not in failed[0]["error"]
    assert "different configuration" in failed[0]["error"] and "seed" in failed[0]["error"], failed
    assert [l for l in lines if l.startswith("linear2-seed2: FAILED ")], lines
    for n in NAMES:  # nothing retrained: files untouched, same weights, said so
        w, final_mtime, state_mtime = before[n]
        assert (out / n / "final.pt").stat().st_mtime_ns == final_mtime
        assert (out / n / "state.pt").stat().st_mtime_ns == state_mtime
        assert all(torch.equal(w[k], v) for k, v in _weights(out / n / "final.pt").items())
        assert any(l.startswith(f"{n}: ") and "already finished" in l for l in lines), lines
    names = [e["name"] for e in json.loads((out / "manifest.json").read_text())["fixtures"]]
    assert sorted(names) == NAMES  # upserted, not duplicated; the failed run has no entry


def test_parse_seeds_and_names():
    assert parse_seeds("0-9") == list(range(10))
    assert parse_seeds("1,3,5") == [1, 3, 5] and parse_seeds("2") == [2] and parse_seeds("0-1,5,1") == [0, 1, 5]
    for bad in ("", "a", "3-1", "1-"):
        with pytest.raises(ValueError):
            parse_seeds(bad)
    assert run_name("linear:2", 3) == "linear2-seed3"


def test_cli_without_ray_is_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    assert cli.main(["sweep", "--seeds", "0-1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "pip install hmmrnn[sweep]" in err, err
    assert not (tmp_path / "o").exists()
