"""A claim of another package (examples/claim-package) registers through the entry-point group hmmrnn.claims and
runs in `pytest claims` like ours; the registry refuses a duplicate id and leaves out a broken entry point."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from hmmrnn import registry
from hmmrnn.claim import Claim, Threshold

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "claim-package"


def _module(name: str, claim: Claim) -> types.ModuleType:
    m = types.ModuleType(name)
    m.CLAIM = claim
    return m


def test_the_registry_is_built_from_modules_in_order_and_refuses_a_duplicate_id():
    c = Claim(id="x.one", title="t", section="s", statistic="s", thresholds=(Threshold("v", "<", 1.0),),
              recipe=lambda s, reading: {"v": 0.0})
    built = registry.build([_module("a", c)])
    assert list(built) == ["x.one"]
    with pytest.raises(ValueError, match="x.one defined twice: in a and b"):
        registry.build([_module("a", c), _module("b", c)])
    with pytest.raises(ValueError, match="not a claim module"):
        registry.build([types.ModuleType("empty")])
    ours = [c.id for c in registry.all_claims()]
    assert len(ours) == len(set(ours)) >= 30 and ours[0] == "fixed-point.single"


def test_a_broken_entry_point_is_one_warning_and_left_out(monkeypatch):
    class EP:
        name, value = "broken", "no_such_package.claim"

        def load(self):
            raise ImportError("No module named 'no_such_package'")
    import importlib.metadata
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [EP()])
    with pytest.warns(UserWarning, match="broken .*left out: ImportError"):
        assert registry.installed() == []


@pytest.mark.slow
def test_the_example_package_claim_runs_in_pytest_claims(tmp_path):
    """Installed (pip, no network), its claim passes on the tuning fixture and fails on the untrained control."""
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(EXAMPLE)], check=True, cwd=tmp_path)
    env = dict(os.environ, PYTHONPATH=str(site), OMP_NUM_THREADS="1")
    report = tmp_path / "report"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "claims", "-q", "-p", "no:cacheprovider", "-k", "outputs-persist",
         "--hmm", "linear:2", "--report-dir", str(report),
         "--checkpoint", str(ROOT / "fixtures/linear2-seed0/final.pt"),
         "--checkpoint", str(ROOT / "fixtures/controls/linear2-seed0-untrained.pt")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert (report / "results.json").exists(), run.stdout[-3000:] + run.stderr[-3000:]
    rows = {(r["checkpoint"], r["reading"]): r for r in json.loads((report / "results.json").read_text())["claims"]}
    assert {r["claim"] for r in rows.values()} == {"example.outputs-persist"}
    trained = [r for (ck, _), r in rows.items() if "untrained" not in ck]
    untrained = [r for (ck, _), r in rows.items() if "untrained" in ck]
    assert len(trained) == len(untrained) == 2
    assert all(r["verdict"] == "pass" and r["statistics"]["switch_rate"] < 0.1 for r in trained)
    assert all(r["verdict"] == "fail" and r["statistics"]["switch_rate"] > 0.3 for r in untrained)
    assert run.returncode == 1  # the untrained network fails the claim: the job fails, as a CI user needs
