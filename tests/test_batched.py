"""Batched multi-seed training (hmmrnn/batched.py): seeds trained batched equal the same seeds trained alone by
Trainer; a diverging seed stops while the others go on; resuming (by either trainer) gives the same weights;
clipping uses each seed's own norm; the CLI's --seeds/--out-root. Tiny configurations (H=8, d=4)."""
from __future__ import annotations

import json
import re
import shutil

import pytest
import torch

from hmmrnn import cli
from hmmrnn.batched import BatchedTrainer, check_seeds, clip_per_seed_, sinkhorn_chunk, stacked_logits
from hmmrnn.checkpoint import load
from hmmrnn.limits import RolloutTooLarge
from hmmrnn.rnn import RNN, draw_noise, rollout
from hmmrnn.train import TrainConfig, Trainer

torch.set_num_threads(1)

# Tolerance of batched against alone: absolute, on weights of size ~0.1-1 (and on losses). The batched rollout
# multiplies in torch.bmm, a lone run in torch.mm, and these may sum in different orders: on this CPU (torch 2.13,
# 1 thread) they agree bitwise for batches of 20 and 30 rows but not for the ragged batch of 10 below, where the
# logits differ by 6e-8 and the gradients by 1.2e-7 relative. Measured here: max |difference| 3.0e-8 over every
# weight of every epoch's checkpoint of the 3 seeds (0 for H=150, d=100, batch 100, 3 seeds x 5 epochs). Adam
# divides by sqrt(v), so such 1e-7 relative differences per step can grow over the steps; 1e-6 leaves a margin of
# ~30x over the measured 3e-8 and is still 1000x below one Adam step (lr 1e-3): a seed given another seed's draws,
# gradient or clip factor fails. (A first version took the per-seed clip norm over dim 1, 1 ulp off
# clip_grad_norm_'s norm in ~15% of steps: 1.5e-8 on the weights after 3 epochs at H=150, also within it.)
ATOL = 1e-6
SEEDS = [0, 1, 2]
# 30 training sequences in batches of 20 and 10 (a ragged last batch), the same for validation; clip 0.35 is
# between the seeds' gradient norms (0.3-0.55 here), so some steps are clipped and some not
TINY = dict(hmm="linear:2", hidden=8, inputs=4, seq_len=6, n_sequences=90, batch=20, epochs=3, evolution_every=1,
            device="cpu", clip=0.35)
QUIET = dict(log=lambda *a, **k: None)


def _cfg(seed: int, **kw) -> TrainConfig:
    return TrainConfig(**{**TINY, "seed": seed, **kw})


def _batched(root, seeds=SEEDS, resume=True, **kw) -> BatchedTrainer:
    bt = BatchedTrainer([_cfg(s, **kw) for s in seeds], [root / f"seed{s}" for s in seeds], **QUIET)
    if resume:
        bt.resume()
    return bt


def _weights(path) -> dict:
    return {k: v.clone() for k, v in load(path).model.state_dict().items()}


def _close(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for k in a:
        torch.testing.assert_close(a[k], b[k], rtol=0, atol=ATOL)


def _history(run) -> list[dict]:
    return json.loads((run / "history.json").read_text())


def _same_history(a: list[dict], b: list[dict]) -> None:
    assert [h["epoch"] for h in a] == [h["epoch"] for h in b]
    for x, y in zip(a, b):
        assert abs(x["train"] - y["train"]) <= ATOL and abs(x["val"] - y["val"]) <= ATOL


@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    """Each seed trained by Trainer, 3 epochs: {seed: run folder}."""
    root = tmp_path_factory.mktemp("alone")
    for s in SEEDS:
        Trainer(_cfg(s), root / f"seed{s}", **QUIET).fit(progress=False)
    return {s: root / f"seed{s}" for s in SEEDS}


@pytest.fixture(scope="module")
def together(tmp_path_factory):
    """The same seeds trained batched: {seed: run folder}."""
    root = tmp_path_factory.mktemp("together")
    finals = _batched(root).fit(progress=False)
    assert finals == [root / f"seed{s}" / "final.pt" for s in SEEDS]
    return {s: root / f"seed{s}" for s in SEEDS}


def test_batched_seeds_equal_seeds_trained_alone(alone, together):
    """Every checkpoint (each epoch's, final, best), the loss history and the optimizer state of every seed."""
    for s in SEEDS:
        a, b = alone[s], together[s]
        for e in range(TINY["epochs"] + 1):
            _close(_weights(a / "evolution" / f"epoch_{e:04d}.pt"), _weights(b / "evolution" / f"epoch_{e:04d}.pt"))
        _close(_weights(a / "final.pt"), _weights(b / "final.pt"))
        _close(_weights(a / "best.pt"), _weights(b / "best.pt"))
        _same_history(_history(a), _history(b))
        sa, sb = (torch.load(r / "state.pt", weights_only=False) for r in (a, b))
        assert sa.keys() == sb.keys() and sa["epoch"] == sb["epoch"] == 3 and sa["config"] == sb["config"]
        assert sa["best_epoch"] == sb["best_epoch"] and sa["optimizer"]["param_groups"] == sb["optimizer"]["param_groups"]
        for i, st in sa["optimizer"]["state"].items():
            assert st.keys() == sb["optimizer"]["state"][i].keys()
            for k, v in st.items():
                torch.testing.assert_close(v, sb["optimizer"]["state"][i][k], rtol=0, atol=ATOL)
    # the seeds are not one network trained three times
    assert not torch.equal(_weights(together[0] / "final.pt")["weight_hh"], _weights(together[1] / "final.pt")["weight_hh"])


def test_sinkhorn_losses_in_chunks_give_the_same_seeds(alone, tmp_path):
    """Seeds' Sinkhorn losses batched 2 at a time (a chunk of 2, then 1) train the seeds trained alone; the
    default chunk is as many seeds as the memory budget holds."""
    bt = _batched(tmp_path)
    assert bt.chunk == len(SEEDS)
    bt.chunk = 2
    bt.fit(progress=False)
    for s in SEEDS:
        _close(_weights(alone[s] / "final.pt"), _weights(tmp_path / f"seed{s}" / "final.pt"))
        _same_history(_history(alone[s]), _history(tmp_path / f"seed{s}"))


def test_sinkhorn_chunk_follows_the_memory_budget(monkeypatch):
    cfg = TrainConfig(hmm="linear:2", seed=0, device="cpu").resolved()  # batch 4096: 0.4 GiB of matrices a seed
    monkeypatch.setenv("HMMRNN_MEMORY_GIB", "100")
    assert sinkhorn_chunk(16, cfg) == 16
    monkeypatch.setenv("HMMRNN_MEMORY_GIB", "4")
    assert 1 <= sinkhorn_chunk(4, cfg) < 4
    monkeypatch.setenv("HMMRNN_MEMORY_GIB", "0.01")
    assert sinkhorn_chunk(4, cfg) == 1


def test_batched_folders_look_like_trainers(alone, together):
    """Same files, same metadata keys and values (but the wall time and the file's digest) as a lone run."""
    a, b = alone[0], together[0]
    files = lambda run: sorted(str(p.relative_to(run)) for p in run.rglob("*"))  # noqa: E731
    assert files(a) == files(b)
    for name in ("final.json", "best.json", "evolution/epoch_0002.json"):
        ma, mb = (json.loads((r / name).read_text()) for r in (a, b))
        assert ma.keys() == mb.keys()
        skip = {"wall_seconds", "sha256", "history"}
        assert {k: v for k, v in ma.items() if k not in skip} == {k: v for k, v in mb.items() if k not in skip}


def test_a_diverging_seed_stops_and_the_others_go_on(alone, tmp_path):
    """Seed 1's weights made huge after epoch 1: its outputs overflow in epoch 2; it is dropped with one line,
    its state.pt keeps epoch 1, and seeds 0 and 2 train on to the same weights as alone."""
    _batched(tmp_path, epochs=1).fit(progress=False)
    state_path = tmp_path / "seed1" / "state.pt"
    st = torch.load(state_path, weights_only=False)
    st["model"] = {k: v * 1e30 for k, v in st["model"].items()}  # finite weights, non-finite outputs
    torch.save(st, state_path)
    before = state_path.read_bytes()
    lines = []
    bt = BatchedTrainer([_cfg(s) for s in SEEDS], [tmp_path / f"seed{s}" for s in SEEDS], log=lines.append)
    bt.resume()
    finals = bt.fit(progress=False)
    assert finals[1] is None and finals[0] is not None and finals[2] is not None
    assert len(lines) == 1 and "\n" not in lines[0]
    assert "seed 1: epoch 2" in lines[0] and "not finite" in lines[0] and "holds epoch 1" in lines[0]
    assert list(bt.diverged) == [1]
    assert state_path.read_bytes() == before  # final.pt is still the 1-epoch run's
    assert load(tmp_path / "seed1" / "final.pt").meta["epoch"] == 1
    assert [h["epoch"] for h in _history(tmp_path / "seed1")] == [1]
    for s in (0, 2):
        _close(_weights(tmp_path / f"seed{s}" / "final.pt"), _weights(alone[s] / "final.pt"))
        _same_history(_history(tmp_path / f"seed{s}"), _history(alone[s]))


def test_a_seed_diverging_from_the_start_is_dropped(alone, tmp_path):
    """Huge weights before the first epoch: no state.pt for that seed, the others as alone."""
    bt = _batched(tmp_path)
    with torch.no_grad():
        bt.trainers[2].model.weight_hh.mul_(1e30)
    finals = bt.fit(progress=False)
    assert finals[2] is None and not (tmp_path / "seed2" / "state.pt").exists()
    assert _history(tmp_path / "seed2") == []
    for s in (0, 1):
        _close(_weights(tmp_path / f"seed{s}" / "final.pt"), _weights(alone[s] / "final.pt"))


def test_resume_after_interruption_gives_the_same_weights(together, tmp_path):
    """Stopped after epoch 1, resumed to 3: the uninterrupted batched weights, bitwise (same operations)."""
    _batched(tmp_path, epochs=1).fit(progress=False)
    bt = _batched(tmp_path)
    assert [t.epoch for t in bt.trainers] == [1, 1, 1]
    bt.fit(progress=False)
    for s in SEEDS:
        assert all(torch.equal(x, y) for x, y in zip(_weights(tmp_path / f"seed{s}" / "final.pt").values(),
                                                      _weights(together[s] / "final.pt").values()))
        assert _history(tmp_path / f"seed{s}")[-1]["val"] == _history(together[s])[-1]["val"]


def test_seeds_interrupted_at_different_epochs_catch_up(alone, tmp_path):
    """A kill between two seeds' state writes leaves them an epoch apart: the late one trains alone until it
    catches up, then they go on together; every seed ends as alone."""
    _batched(tmp_path, epochs=1).fit(progress=False)
    shutil.copy(tmp_path / "seed1" / "state.pt", tmp_path / "seed1-epoch1.pt")
    _batched(tmp_path, epochs=2).fit(progress=False)
    shutil.copy(tmp_path / "seed1-epoch1.pt", tmp_path / "seed1" / "state.pt")
    bt = _batched(tmp_path)
    assert [t.epoch for t in bt.trainers] == [2, 1, 2]
    bt.fit(progress=False)
    for s in SEEDS:
        _close(_weights(tmp_path / f"seed{s}" / "final.pt"), _weights(alone[s] / "final.pt"))
        _same_history(_history(tmp_path / f"seed{s}"), _history(alone[s]))


def test_trainer_resumes_a_batched_folder(alone, tmp_path):
    """A seed's folder written by the batched trainer is an ordinary run: Trainer resumes it."""
    _batched(tmp_path, epochs=2).fit(progress=False)
    t = Trainer(_cfg(1), tmp_path / "seed1", **QUIET)
    assert t.resume() is True and t.epoch == 2
    t.fit(progress=False)
    _close(_weights(tmp_path / "seed1" / "final.pt"), _weights(alone[1] / "final.pt"))


def test_clipping_uses_each_seeds_own_norm():
    """Seed 0's gradient 100x seed 1's: seed 0 is clipped to norm 0.9, seed 1 (below 0.9) is left as it is;
    each equals clip_grad_norm_ on that seed alone."""
    g = torch.Generator().manual_seed(0)
    shapes = [(8, 4), (8, 8), (3, 8)]
    grads = [torch.randn((2, *s), generator=g) * 0.05 for s in shapes]
    for x in grads:
        x[0] *= 100
    params = [torch.zeros_like(x).requires_grad_(True) for x in grads]
    for p, x in zip(params, grads):
        p.grad = x.clone()
    norms = clip_per_seed_(params, 0.9)
    for k in range(2):
        alone = [torch.zeros_like(x[k]).requires_grad_(True) for x in grads]
        for p, x in zip(alone, grads):
            p.grad = x[k].clone()
        norm = torch.nn.utils.clip_grad_norm_(alone, 0.9)
        assert norms[k] == norm
        for p, q in zip(params, alone):
            assert torch.equal(p.grad[k], q.grad)
    assert norms[0] > 0.9 > norms[1]
    assert all(torch.equal(p.grad[1], x[1]) for p, x in zip(params, grads))
    total0 = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(p.grad[0]) for p in params]))
    assert abs(total0.item() - 0.9) < 1e-5


def test_stacked_logits_equal_each_networks_rollout():
    nets = [RNN(8, 4, 3, generator=torch.Generator().manual_seed(s)) for s in range(3)]
    noise = [draw_noise(5, 7, 4, 10 + s) for s in range(3)]
    w = [torch.stack([getattr(m, n).detach() for m in nets]) for n in ("weight_ih", "weight_hh", "weight_o")]
    got = stacked_logits(*w, noise)
    assert got.shape == (3, 5, 7, 3)
    for k, m in enumerate(nets):
        torch.testing.assert_close(got[k], rollout(m, noise[k], record="logits").logits, rtol=0, atol=ATOL)
    with pytest.raises(ValueError, match="2 noise tensors for 3 networks"):
        stacked_logits(*w, noise[:2])


def test_bad_batches_are_one_line(tmp_path):
    outs = [tmp_path / "a", tmp_path / "b"]
    for cfgs, outs_, what in (([_cfg(1), _cfg(1)], outs, "seed(s) 1 given twice"),
                              ([_cfg(0), _cfg(1, hidden=9)], outs, "differs from seed 0 in hidden"),
                              ([_cfg(0), _cfg(1)], [tmp_path / "a", tmp_path / "a"], "share an output folder"),
                              ([_cfg(0)], outs, "1 configurations but 2 output folders"),
                              ([], [], "no seeds")):
        with pytest.raises(ValueError, match=re.escape(what)) as ei:
            check_seeds(cfgs, outs_)
        assert "\n" not in str(ei.value)


def test_memory_budget_counts_every_seed(tmp_path, monkeypatch):
    monkeypatch.setenv("HMMRNN_MEMORY_GIB", "0.001")
    with pytest.raises(RolloutTooLarge, match="3 seeds of this configuration") as ei:
        _batched(tmp_path, resume=False, n_sequences=3000, batch=1000)
    assert "\n" not in str(ei.value) and not list(tmp_path.iterdir())


# ---------------------------------------------------------------- CLI

ARGS = ["train", "--hmm", "linear:2", "--hidden", "8", "--input", "4", "--seq-len", "6", "--epochs", "2",
        "--batch", "20", "--n-sequences", "60", "--evolution-every", "1", "--device", "cpu", "--quiet"]


def test_cli_trains_seeds_batched_into_out_root(tmp_path, capsys):
    root = tmp_path / "root"
    assert cli.main([*ARGS, "--seeds", "3,5", "--out-root", str(root)]) == 0
    out = capsys.readouterr()
    assert out.out.split() == [str(root / "linear2-seed3" / "final.pt"), str(root / "linear2-seed5" / "final.pt")]
    assert "2 seeds batched" in out.err
    entries = {e["name"]: e for e in json.loads((root / "manifest.json").read_text())["fixtures"]}
    assert sorted(entries) == ["linear2-seed3", "linear2-seed5"]
    assert entries["linear2-seed5"]["seed"] == 5 and "--seeds 3,5" in entries["linear2-seed5"]["command"]
    assert load(root / "linear2-seed5" / "final.pt").meta["seed"] == 5
    # the same command again resumes: nothing to train, same weights
    before = _weights(root / "linear2-seed3" / "final.pt")
    assert cli.main([*ARGS, "--seeds", "3,5", "--out-root", str(root)]) == 0
    assert "resuming 2 seeds after epoch 2" in capsys.readouterr().err
    assert all(torch.equal(x, y) for x, y in zip(before.values(), _weights(root / "linear2-seed3" / "final.pt").values()))
    # a seed trained batched equals the same seed trained with --seed/--out
    assert cli.main([*ARGS, "--seed", "3", "--out", str(tmp_path / "one")]) == 0
    _close(_weights(tmp_path / "one" / "final.pt"), before)


def test_cli_refuses_with_one_line(tmp_path, capsys):
    root = tmp_path / "root"
    assert cli.main([*ARGS, "--seeds", "0-1", "--out-root", str(root)]) == 0
    capsys.readouterr()
    cases = [([*ARGS, "--hidden", "9", "--seeds", "0-1", "--out-root", str(root)], "different configuration (hidden)"),
             ([*ARGS, "--seeds", "0-1", "--out", str(tmp_path / "x")], "--seeds and --out-root go together"),
             ([*ARGS, "--seed", "0", "--out-root", str(tmp_path / "x")], "--seeds and --out-root go together"),
             ([*ARGS, "--seeds", "2-1", "--out-root", str(tmp_path / "x")], "empty range"),
             ([*ARGS, "--seeds", "0-1", "--continue-from", "x.pt", "--out-root", str(tmp_path / "x")], "one run")]
    for argv, what in cases:
        assert cli.main(argv) == 2, argv
        err = capsys.readouterr().err.strip()
        assert "\n" not in err and what in err, err
    assert not (tmp_path / "x").exists()


def test_cli_exit_1_when_a_seed_diverged(tmp_path, capsys):
    root = tmp_path / "root"
    assert cli.main([*ARGS, "--seeds", "0-1", "--out-root", str(root)]) == 0
    state = torch.load(root / "linear2-seed0" / "state.pt", weights_only=False)
    state["model"] = {k: v * 1e30 for k, v in state["model"].items()}
    torch.save(state, root / "linear2-seed0" / "state.pt")
    capsys.readouterr()
    three = [("3" if prev == "--epochs" else x) for prev, x in zip(["", *ARGS], ARGS)]
    assert cli.main([*three, "--seeds", "0-1", "--out-root", str(root)]) == 1
    out = capsys.readouterr()
    assert out.out.split() == [str(root / "linear2-seed1" / "final.pt")]
    assert "seed 0: epoch 3" in out.err and "the other seeds go on" in out.err
    assert load(root / "linear2-seed1" / "final.pt").meta["epoch"] == 3
