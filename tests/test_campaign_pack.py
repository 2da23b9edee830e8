"""The universality campaign's pack (scripts/campaign_cells.py): a run still training is packed to resume; a
finished one to be judged and controlled, without what only resuming needs (the fixtures' size budget)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def campaign():
    spec = importlib.util.spec_from_file_location("campaign_cells", ROOT / "scripts" / "campaign_cells.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(root: Path, name: str, epoch: int, streak: int) -> Path:
    """A fake run: a first plateau (val 36) to epoch 30, the second descent to 10 by epoch 40, flat after;
    evolution checkpoints every 10 epochs; the state as hmmrnn train writes it."""
    run = root / name
    (run / "evolution").mkdir(parents=True)
    val = [36.0 if e <= 30 else max(10.0, 36.0 - 2.6 * (e - 30)) for e in range(1, epoch + 1)]
    history = [{"epoch": e, "val": v, "train": v, "convergence_streak": 0} for e, v in enumerate(val, 1)]
    history[-1]["convergence_streak"] = streak
    weights = {"w": torch.zeros(50, 50)}
    torch.save({"config": {"epochs": 500, "until_converged": True, "evolution_every": 10}, "model": weights,
                "optimizer": {"state": {0: torch.zeros(50, 50)}}, "best_model": weights, "epoch": epoch,
                "history": history, "wall": 1.0, "best_val": 10.0, "best_epoch": epoch}, run / "state.pt")
    for e in range(0, epoch + 1, 10):
        torch.save({"w": torch.full((50, 50), float(e))}, run / "evolution" / f"epoch_{e:04d}.pt")
    (run / "final.pt").write_bytes((run / "evolution" / f"epoch_{epoch:04d}.pt").read_bytes())  # as train's are
    torch.save({"w": torch.full((50, 50), -1.0)}, run / "best.pt")  # on no evolution epoch
    return run


def test_a_finished_run_is_packed_without_its_resumable_state_and_unpacks_finished(campaign, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no judging journal of the repository's campaign is read
    runs, pack = tmp_path / "runs", tmp_path / "pack"
    pack.mkdir()
    _run(runs, "linear2-gru-seed0", 130, streak=3)
    campaign.pack(runs, pack, ["linear2-gru-seed0"])
    got = pack / "linear2-gru-seed0"
    assert not (got / "state.pt.packed").exists() and (got / campaign.FINISHED).exists()
    kept = sorted(int(p.stem.split("_")[1]) for p in (got / "evolution").glob("*.pt"))
    # the late window judged (the last WINDOW = 50 epochs, every 10) and the pre-bifurcation checkpoint: the last
    # one at least 20 epochs before the second descent (its steepest drop, at epochs 31-40)
    assert kept == [10, 80, 90, 100, 110, 120, 130]
    finished = torch.load(got / campaign.FINISHED, weights_only=False)
    assert set(campaign.HEAVY).isdisjoint(finished) and finished["epoch"] == 130
    fresh = tmp_path / "fresh"
    campaign.unpack(fresh, pack, ["linear2-gru-seed0"])
    assert campaign.finished(fresh / "linear2-gru-seed0") and not (fresh / "linear2-gru-seed0" / "state.pt").exists()
    assert "converged" in campaign._where(campaign._state(fresh / "linear2-gru-seed0"), fresh / "linear2-gru-seed0")
    assert json.loads((got / "history.json").read_text())[-1]["epoch"] == 130
    # final.pt is kept once: packed as a reference to the evolution checkpoint it equals, written back by unpack
    assert not (got / "final.pt").exists() and (got / "final.pt.same").read_text().strip() == "evolution/epoch_0130.pt"
    assert (got / "best.pt").exists() and not (got / "best.pt.same").exists()
    for f in ("final.pt", "best.pt"):
        assert (fresh / "linear2-gru-seed0" / f).read_bytes() == (runs / "linear2-gru-seed0" / f).read_bytes()


def test_a_run_still_training_is_packed_to_resume(campaign, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runs, pack = tmp_path / "runs", tmp_path / "pack"
    pack.mkdir()
    _run(runs, "linear2-lstm-seed0", 120, streak=2)
    campaign.pack(runs, pack, ["linear2-lstm-seed0"])
    got = pack / "linear2-lstm-seed0"
    assert (got / "state.pt.packed").exists() and not (got / campaign.FINISHED).exists()
    kept = sorted(int(p.stem.split("_")[1]) for p in (got / "evolution").glob("*.pt"))
    assert kept == [0, 50, 70, 80, 90, 100, 110, 120]  # every 50th and the late window
    fresh = tmp_path / "fresh"
    campaign.unpack(fresh, pack, ["linear2-lstm-seed0"])
    assert (fresh / "linear2-lstm-seed0" / "state.pt").exists() and not campaign.finished(fresh / "linear2-lstm-seed0")


def test_a_run_folder_with_its_state_takes_the_packed_evolution_it_lacks(campaign, tmp_path, monkeypatch):
    """A training run's state.pt committed by hand (without its evolution folder): unpack keeps that state and adds
    the packed evolution checkpoints, so the next pack does not lose them."""
    monkeypatch.chdir(tmp_path)
    runs, pack = tmp_path / "runs", tmp_path / "pack"
    pack.mkdir()
    _run(runs, "linear2-tanh-seed1", 120, streak=0)
    campaign.pack(runs, pack, ["linear2-tanh-seed1"])
    fresh = tmp_path / "fresh" / "linear2-tanh-seed1"
    fresh.mkdir(parents=True)
    state = runs / "linear2-tanh-seed1" / "state.pt"
    (fresh / "state.pt").write_bytes(state.read_bytes())
    campaign.unpack(fresh.parent, pack, ["linear2-tanh-seed1"])
    assert (fresh / "state.pt").read_bytes() == state.read_bytes()
    assert sorted(int(p.stem.split("_")[1]) for p in (fresh / "evolution").glob("*.pt")) == [0, 50, 70, 80, 90, 100,
                                                                                             110, 120]
    assert (fresh / "final.pt").read_bytes() == (runs / "linear2-tanh-seed1" / "final.pt").read_bytes()


def test_the_status_of_one_run_is_written_in_its_place(campaign, tmp_path, monkeypatch):
    """A judge of one run writes that run's status; the others keep theirs, in the campaign's order."""
    monkeypatch.chdir(tmp_path)
    runs, pack = tmp_path / "runs", tmp_path / "pack"
    pack.mkdir()
    _run(runs, "linear2-gru-seed0", 130, streak=3)
    names = ["linear2-tanh-seed0", "linear2-gru-seed0", "linear2-lstm-seed0"]
    campaign.write_status(runs, pack, names)
    before = json.loads(campaign.CELLS_AUDIT.read_text())["campaign"]["runs"]
    assert list(before) == names and before["linear2-lstm-seed0"]["status"] == "not started"
    got = campaign.write_status(runs, pack, ["linear2-gru-seed0"])["campaign"]["runs"]
    assert list(got) == names and got["linear2-gru-seed0"]["converged"] and got == before


def test_a_failing_claim_is_a_finding_not_an_error_of_the_judging(campaign, capsys):
    assert campaign._judged_rc("linear2-gru-seed0", 1) == 0 and "some claims fail" in capsys.readouterr().out
    assert campaign._judged_rc("linear2-gru-seed0", 0) == 0
    assert campaign._judged_rc("linear2-gru-seed0", 2) == 2  # interrupted: passed on


def test_a_return_to_the_plateau_comes_after_the_first_descent(campaign):
    """A run that leaves its first plateau late (epoch 143, as tanh seed 1) has not returned to it before it left:
    only the later climb back above 25 counts; a run that left early has every climb after epoch 100 counted."""
    late = [32.0] * 142 + [10.0] * 20 + [30.0] * 5 + [10.0] * 10
    assert campaign.plateau_returns(late) == [(163, 167)]
    early = [32.0] * 50 + [10.0] * 60 + [30.0] * 3 + [10.0] * 10
    assert campaign.plateau_returns(early) == [(111, 113)]
    assert campaign.plateau_returns([32.0] * 200) == []  # never left: no return


def test_the_status_keeps_the_campaign_order_whatever_order_it_was_stored_in(campaign, tmp_path, monkeypatch):
    """A cells.json whose runs were stored sorted by name is written back in the order the campaign trains them."""
    monkeypatch.chdir(tmp_path)
    runs, pack = tmp_path / "runs", tmp_path / "pack"
    pack.mkdir()
    names = ["linear2-tanh-seed0", "linear2-gru-seed0", "linear2-relu-bias-seed0", "linear2-tanh-seed1"]
    campaign.write_status(runs, pack, sorted(names))
    got = campaign.write_status(runs, pack, ["linear2-gru-seed0"])["campaign"]["runs"]
    assert list(got) == names


def test_a_runs_controls_are_built_from_its_own_seed(campaign, tmp_path):
    """Seed 1's untrained control is seed 1's initialisation, not seed 0's (they were one network before)."""
    cmd = campaign.controls_command(tmp_path, "linear2-relu-bias-seed1", tmp_path / "fx")
    assert cmd[cmd.index("--seed") + 1] == "1" and cmd[cmd.index("--name") + 1] == "linear2-relu-bias-seed1"
