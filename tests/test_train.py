"""Trainer: outputs, determinism, resume equals uninterrupted, 'best' is a real copy; the train CLI."""
from __future__ import annotations

import json

import pytest
import torch

from hmmrnn import cli
from hmmrnn.checkpoint import load
from hmmrnn.train import TrainConfig, Trainer

torch.set_num_threads(1)


def _cfg(**kw) -> TrainConfig:
    base = dict(hmm="linear:2", hidden=8, inputs=4, seq_len=6, n_sequences=300, batch=64, epochs=3,
                evolution_every=1, device="cpu", seed=0)
    base.update(kw)
    return TrainConfig(**base)


def _fit(out, **kw) -> Trainer:
    t = Trainer(_cfg(**kw), out, log=lambda *a, **k: None)
    t.resume()
    t.fit(progress=False)
    return t


def _weights(path) -> dict:
    return {k: v.clone() for k, v in load(path).model.state_dict().items()}


def _equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.fixture(scope="module")
def run_a(tmp_path_factory):
    """One uninterrupted 3-epoch run, shared by the tests that only read it."""
    out = tmp_path_factory.mktemp("a")
    _fit(out)
    return out


def test_fit_writes_everything(run_a):
    for name in ("final.pt", "final.json", "best.pt", "best.json", "history.json", "state.pt"):
        assert (run_a / name).is_file(), name
    ev = sorted(p.name for p in (run_a / "evolution").iterdir())
    assert ev == [f"epoch_{e:04d}.{x}" for e in range(4) for x in ("json", "pt")]
    hist = json.loads((run_a / "history.json").read_text())
    assert [h["epoch"] for h in hist] == [1, 2, 3]
    assert all(h["train"] > 0 and h["val"] > 0 for h in hist)
    meta = json.loads((run_a / "final.json").read_text())
    assert meta["epoch"] == 3 and meta["kind"] == "final" and meta["hmm"]["name"] == "linear:2"
    assert (meta["hidden"], meta["inputs"], meta["outputs"]) == (8, 4, 3)
    assert meta["training"]["seq_len"] == 6 and meta["training"]["clip"] == 0.9
    best = json.loads((run_a / "best.json").read_text())
    assert best["kind"] == "best-validation"
    assert best["epoch"] == min(hist, key=lambda h: h["val"])["epoch"]
    assert not list(run_a.rglob("*.tmp"))
    # final = the last evolution checkpoint; epoch 0 is the initialisation, which training changed
    assert _equal(_weights(run_a / "final.pt"), _weights(run_a / "evolution" / "epoch_0003.pt"))
    assert not _equal(_weights(run_a / "final.pt"), _weights(run_a / "evolution" / "epoch_0000.pt"))


def test_best_is_the_state_at_its_epoch(run_a):
    e = json.loads((run_a / "best.json").read_text())["epoch"]
    assert _equal(_weights(run_a / "best.pt"), _weights(run_a / "evolution" / f"epoch_{e:04d}.pt"))
    if e != 3:
        assert not _equal(_weights(run_a / "best.pt"), _weights(run_a / "final.pt"))


def test_best_is_a_copy_not_the_final_weights(tmp_path, monkeypatch):
    """Force the best validation loss to epoch 2 of 3: best.pt must hold epoch 2's weights (the authors'
    pipeline saved a reference to the live weights, so its 'best' was the final model)."""
    val = {1: 0.5, 2: 0.1, 3: 0.3}
    monkeypatch.setattr(Trainer, "validate", lambda self, epoch: val[epoch])
    _fit(tmp_path)
    assert json.loads((tmp_path / "best.json").read_text())["epoch"] == 2
    best = _weights(tmp_path / "best.pt")
    assert _equal(best, _weights(tmp_path / "evolution" / "epoch_0002.pt"))
    assert not _equal(best, _weights(tmp_path / "final.pt"))


def test_same_seed_same_weights(run_a, tmp_path):
    _fit(tmp_path)
    assert _equal(_weights(tmp_path / "final.pt"), _weights(run_a / "final.pt"))
    assert json.loads((tmp_path / "history.json").read_text())[-1]["val"] == \
        json.loads((run_a / "history.json").read_text())[-1]["val"]


def test_different_seed_different_weights(run_a, tmp_path):
    _fit(tmp_path, seed=1)
    assert not _equal(_weights(tmp_path / "final.pt"), _weights(run_a / "final.pt"))


def test_resume_equals_uninterrupted(run_a, tmp_path):
    first = _fit(tmp_path, epochs=2)
    assert first.epoch == 2
    t = Trainer(_cfg(epochs=3), tmp_path, log=lambda *a, **k: None)
    assert t.resume() is True and t.epoch == 2 and len(t.history) == 2
    t.fit(progress=False)
    assert _equal(_weights(tmp_path / "final.pt"), _weights(run_a / "final.pt"))
    assert _equal(_weights(tmp_path / "best.pt"), _weights(run_a / "best.pt"))
    assert json.loads((tmp_path / "history.json").read_text())[-1]["val"] == \
        json.loads((run_a / "history.json").read_text())[-1]["val"]


def test_zero_epochs_saves_the_initialisation(tmp_path):
    _fit(tmp_path, epochs=0)
    assert (tmp_path / "final.pt").is_file() and not (tmp_path / "best.pt").exists()
    assert _equal(_weights(tmp_path / "final.pt"), _weights(tmp_path / "evolution" / "epoch_0000.pt"))


def test_resume_without_state_is_false(tmp_path):
    assert Trainer(_cfg(), tmp_path / "fresh").resume() is False


def test_resume_with_different_config_fails(run_a):
    t = Trainer(_cfg(hidden=9), run_a)
    with pytest.raises(SystemExit) as ei:
        t.resume()
    msg = str(ei.value)
    assert "\n" not in msg and "hidden" in msg and "state.pt" in msg
    # epochs and device may change between sessions
    assert Trainer(_cfg(epochs=5), run_a).resume() is True


# ---------------------------------------------------------------- CLI

TINY = ["--hmm", "linear:2", "--hidden", "8", "--input", "4", "--seq-len", "6", "--epochs", "2",
        "--batch", "64", "--evolution-every", "1", "--device", "cpu", "--n-sequences", "300", "--quiet"]


def test_cli_train(tmp_path, capsys):
    out = tmp_path / "cli"
    assert cli.main(["train", *TINY, "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out / "final.pt")
    assert (out / "final.pt").is_file() and (out / "best.pt").is_file()
    assert json.loads((out / "final.json").read_text())["training"]["n_sequences"] == 300
    # running the same command again resumes a finished run: nothing to do, same weights
    before = _weights(out / "final.pt")
    assert cli.main(["train", *TINY, "--out", str(out)]) == 0
    assert "resuming after epoch 2" in capsys.readouterr().err
    assert _equal(_weights(out / "final.pt"), before)


def test_cli_bad_hmm(tmp_path, capsys):
    assert cli.main(["train", *TINY, "--hmm", "bogus", "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "bogus" in err and "not a known family" in err
    assert not (tmp_path / "x").exists()


def test_until_converged_stops_after_k_checks_and_records_the_rule(tmp_path, monkeypatch):
    """The run stops at the K-th consecutive evolution epoch at which the rule holds (here forced to hold from
    the first epoch it can be judged: 90); the rule and its parameters are in the final metadata."""
    from hmmrnn.analysis import convergence as cv
    monkeypatch.setattr(cv, "convergence", lambda model, hmm, history, seed: {"converged": True})
    t = Trainer(_cfg(epochs=200, evolution_every=10, until_converged=2, n_sequences=90, batch=30), tmp_path,
                log=lambda *a, **k: None)
    t.fit(progress=False)
    meta = json.loads((tmp_path / "final.json").read_text())
    assert meta["epoch"] == 100 and meta["convergence_rule"]["converged"] is True
    assert meta["convergence_rule"]["consecutive_checks"] == 2 and meta["convergence_rule"]["descent"] == cv.DESCENT
    monkeypatch.setattr(cv, "convergence", lambda model, hmm, history, seed: {"converged": False})
    t = Trainer(_cfg(epochs=120, evolution_every=10, until_converged=2, n_sequences=90, batch=30), tmp_path / "b",
                log=lambda *a, **k: None)
    t.fit(progress=False)
    meta = json.loads((tmp_path / "b" / "final.json").read_text())
    assert meta["epoch"] == 120 and meta["convergence_rule"]["converged"] is False


def test_continue_from_keeps_epoch_history_and_records_the_source(tmp_path):
    a = _fit(tmp_path / "a", epochs=3)
    t = Trainer(_cfg(epochs=5), tmp_path / "b", log=lambda *a, **k: None)
    t.start_from(tmp_path / "a" / "final.pt")
    t.fit(progress=False)
    meta = json.loads((tmp_path / "b" / "final.json").read_text())
    assert meta["epoch"] == 5 and [h["epoch"] for h in meta["history"]][:3] == [1, 2, 3]
    src = meta["training"]["continue_from"]
    assert src["epoch"] == 3 and src["sha256"] == load(tmp_path / "a" / "final.pt").sha256
    with pytest.raises(SystemExit, match="different configuration"):
        Trainer(_cfg(epochs=5, hidden=9), tmp_path / "c").start_from(tmp_path / "a" / "final.pt")
    assert a.epoch == 3


def test_continue_from_with_a_changed_optimizer_setting_only_where_asked(tmp_path):
    """An intervention on the training (issue 30's tanh restarts): another learning rate or clip is refused unless
    named in ``change``, and then recorded with the checkpoint's value beside this run's."""
    _fit(tmp_path / "a", epochs=3)
    with pytest.raises(SystemExit, match=r"different configuration \(lr\)"):
        Trainer(_cfg(epochs=5, lr=1e-4), tmp_path / "c").start_from(tmp_path / "a" / "final.pt", change=("clip",))
    t = Trainer(_cfg(epochs=4, lr=1e-4), tmp_path / "b", log=lambda *a, **k: None)
    t.start_from(tmp_path / "a" / "final.pt", change=("lr",))
    t.fit(progress=False)
    src = json.loads((tmp_path / "b" / "final.json").read_text())["training"]["continue_from"]
    assert src["changed"] == {"lr": [1e-3, 1e-4]} and src["epoch"] == 3


def test_continue_from_a_checkpoint_whose_history_is_in_history_json(tmp_path):
    """Fixtures keep the loss history in history.json beside final.pt, not in its metadata (hmmrnn thin): a run
    continued from one still starts with the epochs before it (the convergence rule needs them)."""
    from hmmrnn.checkpoint import load, save
    _fit(tmp_path / "a", epochs=3)
    ck = load(tmp_path / "a" / "final.pt")
    meta = {k: v for k, v in ck.meta.items() if k != "history"}
    save(tmp_path / "fx" / "final", ck.model, {**meta, "history_file": "history.json"})
    (tmp_path / "fx" / "history.json").write_text(json.dumps(ck.meta["history"]))
    t = Trainer(_cfg(epochs=5), tmp_path / "b", log=lambda *a, **k: None)
    t.start_from(tmp_path / "fx" / "final.pt")
    assert [h["epoch"] for h in t.history] == [1, 2, 3]


def test_diverged_training_stops_with_one_line(tmp_path, capsys):
    """Weights that make the outputs non-finite end the run with one line naming the epoch, exit 1; the
    state of the last finite epoch is kept for a look (not a traceback from inside the loss)."""
    out = tmp_path / "d"
    assert cli.main(["train", *TINY, "--out", str(out)]) == 0
    state = torch.load(out / "state.pt", weights_only=False)
    state["model"] = {k: torch.full_like(v, float("inf")) for k, v in state["model"].items()}
    torch.save(state, out / "state.pt")
    capsys.readouterr()
    four = [("4" if prev == "--epochs" else x) for prev, x in zip(["", *TINY], TINY)]
    assert cli.main(["train", *four, "--out", str(out)]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith("hmmrnn train: epoch 3: the network's output logits are not finite; training diverged")
    assert "holds epoch 2" in err


@pytest.mark.parametrize("bad, named", [
    (["--hidden", "0"], "--hidden"), (["--batch", "0"], "--batch"), (["--epochs", "-1"], "--epochs"),
    (["--input", "0"], "--input"), (["--device", "gpu"], "--device"), (["--clip", "nan"], "--clip"),
    (["--n-sequences", "2"], "--n-sequences"), (["--hidden", "x"], "--hidden"), (["--evolution-every", "0"], "--evolution-every"),
    (["--seq-len", "0"], "--seq-len")])
def test_cli_bad_train_argument_is_one_line_and_exit_2(tmp_path, capsys, bad, named):
    """A bad value stops before anything is trained or written, with one line naming the argument."""
    with pytest.raises(SystemExit) as exit_:
        cli.main(["train", *TINY, *bad, "--out", str(tmp_path / "x")])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and named in err and not (tmp_path / "x").exists()


@pytest.mark.slow
def test_sigkill_at_random_points_then_resume_gives_the_uninterrupted_weights(tmp_path):
    """`hmmrnn train` killed with SIGKILL three times at random moments (seeded) and run again each time ends
    with bit-identical weights to an uninterrupted run; every file it left between kills loads (no half-written
    checkpoint or sidecar), and no temporary file survives the final run."""
    import random
    import signal
    import subprocess
    import sys
    import time
    epochs = 100
    args = [sys.executable, "-m", "hmmrnn.cli", "train", *[(str(epochs) if p == "--epochs" else x)
            for p, x in zip(["", *TINY], TINY)], "--threads", "1"]
    started = time.monotonic()
    subprocess.run([*args, "--out", str(tmp_path / "whole")], check=True, capture_output=True)
    per_epoch = (time.monotonic() - started) / epochs  # an upper bound (start-up included)
    rng = random.Random(20251025)
    out = tmp_path / "killed"
    killed_at = []

    def trained(default=0):
        try:
            return torch.load(out / "state.pt", weights_only=False)["epoch"]
        except Exception:  # not written yet (never half-written: the rename is atomic)
            return default

    for _ in range(3):
        # the kill moment is drawn in epochs, not seconds, so it interrupts training on a fast machine too:
        # a few epochs after this run's start, then a random fraction of an epoch (mid-epoch, mid-write, between)
        target = trained() + rng.randint(2, 8)
        proc = subprocess.Popen([*args, "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and trained() < target:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, per_epoch))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        killed_at.append(trained(default=-1))
        for f in [*out.glob("*.json"), *out.glob("evolution/*.json")]:
            json.loads(f.read_text())
        for f in [*out.glob("evolution/*.pt"), *out.glob("final.pt"), *out.glob("best.pt")]:
            load(f)
        torch.load(out / "state.pt", weights_only=False)  # the resume state itself loads
    assert all(0 < e < epochs for e in killed_at), killed_at  # every kill interrupted training
    subprocess.run([*args, "--out", str(out)], check=True, capture_output=True)
    assert _equal(_weights(out / "final.pt"), _weights(tmp_path / "whole" / "final.pt"))
    assert not [*out.rglob("*.tmp")]


def test_baseline_loss_is_the_paired_squared_distance_and_is_recorded(tmp_path, capsys):
    """--loss mse (P13's baseline): the i-th RNN and HMM sequences paired, their squared distance averaged; the
    metadata says which loss a run was trained with (the training claims tell the arms apart by it); a state of
    the other loss is not resumed; batched seeds refuse it in one line."""
    from hmmrnn.train import sequence_loss
    y = torch.tensor([[1.0, 0, 0, 1], [0, 1, 1, 0]])
    t = torch.tensor([[1.0, 0, 1, 0], [0, 1, 1, 0]])
    assert sequence_loss("mse", y, t, 0.2).item() == pytest.approx((2 + 0) / 2)
    out = tmp_path / "mse"
    assert cli.main(["train", *TINY, "--loss", "mse", "--out", str(out)]) == 0
    assert load(out / "final.pt").meta["training"]["loss"] == "mse"
    with pytest.raises(SystemExit, match="loss"):
        Trainer(_cfg(loss="sinkhorn", epochs=2, seq_len=6, n_sequences=300), out).resume()
    capsys.readouterr()
    assert cli.main(["train", *TINY, "--loss", "mse", "--seeds", "0-1", "--out-root", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--loss mse" in err
