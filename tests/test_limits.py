"""Size limits: a rollout, a training configuration or a network too large for the memory budget (or for
the claims) is refused with one line, before anything is allocated."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from hmmrnn.limits import (GIB, RolloutTooLarge, budget_bytes, check_rollout, claims_refusal, rollout_bytes,
                           training_bytes)
from hmmrnn.rnn import RNN, draw_noise, rollout


def test_budget_is_8_gib_unless_the_environment_says(monkeypatch):
    monkeypatch.delenv("HMMRNN_MEMORY_GIB", raising=False)
    assert budget_bytes() == 8 * GIB
    monkeypatch.setenv("HMMRNN_MEMORY_GIB", "0.5")
    assert budget_bytes() == GIB // 2
    for bad in ("x", "-1", "0"):
        monkeypatch.setenv("HMMRNN_MEMORY_GIB", bad)
        assert budget_bytes() == 8 * GIB  # a bad value does not disable the guard


def test_rollout_bytes_counts_what_is_recorded():
    B, T, H, O = 10, 20, 30, 3
    assert rollout_bytes(B, T, H, O, "logits") == 4 * B * (T * H + T * O)
    assert rollout_bytes(B, T, H, O, "all") == 4 * B * (T * H + 2 * T * H + T * O)
    assert rollout_bytes(B, T, H, O, "last", driven=False) == 4 * B * (2 * H + T * O)


def test_a_rollout_over_the_budget_is_one_line_before_allocating(monkeypatch):
    monkeypatch.setenv("HMMRNN_MEMORY_GIB", "0.001")  # 1 MiB
    m = RNN(64, 4, 3, generator=torch.Generator().manual_seed(0))
    noise = draw_noise(100, 100, 4, seed=0)  # 100 x 100 x 64 x 4 B = 2.4 MiB of drive alone
    with pytest.raises(RolloutTooLarge) as e:
        rollout(m, noise)
    assert "\n" not in str(e.value) and "HMMRNN_MEMORY_GIB" in str(e.value)
    rollout(m, noise[:10, :10])  # a small one still runs
    with pytest.raises(RolloutTooLarge):
        rollout(m, h0=torch.zeros(1000, 64), steps=100, record="all")
    check_rollout(1000, 10, 64, 3, "last", driven=False)  # input-free, last step only: 0.6 MiB


def test_claims_refuse_networks_far_beyond_the_paper():
    assert claims_refusal(150, 100) == "" and claims_refusal(1024, 1024) == ""
    why = claims_refusal(2000, 100)
    assert why.startswith("2000 hidden units") and "at most 1024" in why and "\n" not in why
    assert claims_refusal(150, 5000).startswith("5000 input dimensions")


def test_training_estimate_bounds_the_measured_peak(tmp_path):
    """One epoch of a mid-sized configuration in a fresh process: the estimate is at least the measured
    growth of its peak resident memory and at most 3x it (so the refusal is neither blind nor overcautious).
    The peak is the process's VmHWM (reset by exec, unlike ru_maxrss, which keeps the forking parent's)."""
    if not Path("/proc/self/status").exists():
        pytest.skip("needs /proc (Linux) to read the peak resident memory")
    cfg = dict(n_sequences=3000, seq_len=400, batch=1000, hidden=150, inputs=100, outputs=2)
    code = ("import re, sys; from hmmrnn import cli; import torch\n"
            "hwm = lambda: int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1)) * 1024\n"
            "base = hwm()\n"
            f"rc = cli.main(['train', '--hmm', 'linear:2', '--epochs', '1', '--n-sequences', '{cfg['n_sequences']}', "
            f"'--seq-len', '{cfg['seq_len']}', '--batch', '{cfg['batch']}', '--device', 'cpu', '--threads', '1', "
            f"'--quiet', '--evolution-every', '1', '--out', sys.argv[1]])\n"
            "print(hwm() - base)\n"
            "sys.exit(rc)\n")
    env = {k: v for k, v in os.environ.items() if k != "HMMRNN_MEMORY_GIB"}
    got = subprocess.run([sys.executable, "-c", code, str(tmp_path / "run")], capture_output=True, text=True, env=env)
    assert got.returncode == 0, got.stderr
    grew = int(got.stdout.split()[-1])
    est = training_bytes(**cfg)
    assert grew <= est <= 3 * grew, (grew, est)


def test_train_refuses_a_configuration_over_the_budget(tmp_path, capsys):
    from hmmrnn import cli
    rc = cli.main(["train", "--hmm", "linear:2", "--seq-len", "100000000", "--n-sequences", "300",
                   "--device", "cpu", "--quiet", "--out", str(tmp_path / "x")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and "\n" not in err and "over the memory budget" in err and "--seq-len" in err
    assert not (tmp_path / "x").exists()
