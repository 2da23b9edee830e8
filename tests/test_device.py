"""Claims on a device (hmmrnn/device.py): the rollout engine's device path against the in-place one.

CI has no GPU, so the device path is run with the CPU as its device: the same copy of the network, the same
blocks, the same transfers into full-size CPU results, only the arithmetic is the CPU's; it must give the
in-place results bitwise. What a GPU adds is its float arithmetic, measured on a lent GPU by
scripts/gpu_claims.sh, not here.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
import torch

import hmmrnn
from hmmrnn import device
from hmmrnn.checkpoint import save
from hmmrnn.hmm import linear_chain
from hmmrnn.rnn import RNN, Intervention, draw_noise, rollout

from nets import tiny

torch.set_num_threads(1)
CPU = torch.device("cpu")


def _model(seed=0):
    return RNN(12, 5, 3, generator=torch.Generator().manual_seed(seed)).requires_grad_(False)


@pytest.fixture
def tiny_checkpoint(tmp_path):
    path = tmp_path / "net.pt"
    save(path, tiny(), {"hmm": linear_chain(2).to_json()})
    return path


def _same(a, b):
    for x, y in zip((a.states, a.preacts, a.logits), (b.states, b.preacts, b.logits)):
        assert (x is None) == (y is None)
        if x is not None:
            assert x.device == CPU and torch.equal(x, y)


@pytest.mark.parametrize("record", ["all", "logits", "last"])
def test_device_path_equals_in_place(monkeypatch, record):
    # three blocks (this CPU's matrix products of fewer than 16 rows may sum in another order: one ulp)
    monkeypatch.setattr(device, "BLOCK", 16)
    m, noise = _model(), draw_noise(48, 9, 5, seed=1)
    per_row = Intervention(activity=torch.rand(48, 12, generator=torch.Generator().manual_seed(2)))
    shared = Intervention.on([0, 3], 12, mu=0.2, kind="recurrent")
    for iv in (None, per_row, shared):
        plain = rollout(m, noise, intervention=iv, record=record)
        with device.on_device(CPU):
            moved = rollout(m, noise, intervention=iv, record=record)
        _same(plain, moved)
        assert moved.noise is noise


def test_input_free_rollout_on_device(monkeypatch):
    monkeypatch.setattr(device, "BLOCK", 16)
    m = _model()
    h0 = torch.rand(40, 12, generator=torch.Generator().manual_seed(3))
    plain = rollout(m, h0=h0, steps=15)
    with device.on_device(CPU):
        _same(plain, rollout(m, h0=h0, steps=15))


def test_device_copy_follows_the_weights():
    """An in-place edit of a weight renews the device copy; training (gradients) never takes the device path."""
    m, noise = _model(), draw_noise(4, 6, 5, seed=4)
    with device.on_device(CPU):
        before = rollout(m, noise).logits
        with torch.no_grad():
            m.weight_hh.mul_(0.5)
        after = rollout(m, noise).logits
    assert not torch.equal(before, after)
    assert torch.equal(after, rollout(m, noise).logits)
    m.requires_grad_(True)
    with device.on_device(CPU):
        out = rollout(m, noise, record="logits").logits
    assert out.requires_grad  # the model's own parameters, not the device copy's


def test_on_device_restores_the_setting():
    assert device.compute_device() is None
    with device.on_device(CPU):
        assert device.compute_device() == CPU
    assert device.compute_device() is None


def test_resolve_names_the_problem():
    assert device.resolve("cpu") is None
    with pytest.raises(device.DeviceError, match="use cpu, cuda"):
        device.resolve("gpu")
    if not torch.cuda.is_available():
        with pytest.raises(device.DeviceError, match="no CUDA device"):
            device.resolve("cuda")
        assert device.resolve("auto") is None


def test_a_claim_on_the_device_path_gives_the_cpu_numbers(tiny_checkpoint):
    """The notebook API with the CPU as the device: the same statistics and verdict as in place."""
    plain = hmmrnn.check("orbit.radius-scaling", tiny_checkpoint, reading="strict", hmm="linear:2")
    with device.on_device(CPU):
        moved = hmmrnn.check("orbit.radius-scaling", tiny_checkpoint, reading="strict", hmm="linear:2")
    assert moved.statistics == plain.statistics and moved.verdict == plain.verdict


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_is_one_line(tiny_checkpoint, tmp_path):
    """`hmmrnn check --device cuda` on a machine without one: pytest's usage error, one line, no claim run."""
    code = "from hmmrnn.cli import main; raise SystemExit(main())"
    r = subprocess.run([sys.executable, "-c", code, "check", str(tiny_checkpoint), "--device", "cuda",
                        "--report-dir", str(tmp_path / "rep")], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 4, r.stdout + r.stderr
    assert "no CUDA device on this machine" in r.stderr and "Traceback" not in r.stdout + r.stderr
