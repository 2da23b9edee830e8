"""Where the claims' rollouts run: the compute device (``--device`` of ``pytest claims``, ``hmmrnn check``/``audit``).

Every claim computes on the CPU as it always has; what a device takes over is the one rollout engine, which is
most of a checkpoint's time (31 of 69 s on linear2-seed0, profiled on this CPU). With a compute device set,
``rnn.rollout`` (without gradients) runs on a copy of the network on that device and returns its results on
the CPU, so every analysis around it is unchanged and reads the same kind of tensors. The noise is still drawn
on the CPU from the claims seed (``rnn.draw_noise``), so a rollout on the device sees exactly the inputs the CPU
run sees: verdicts and statistics differ only by the device's float arithmetic.

Not on the device: the noise draws (the CPU's generator keeps the numbers comparable), the Jacobian eigenvalues
(one small eigen-problem per state of varying size, ``analysis.jacobian.active_eigvals``), and the few direct
matrix products of some analyses (fields on a grid, connectivity).
"""
from __future__ import annotations

import copy
import re
import weakref
from contextlib import contextmanager

import torch

DEVICES = "cpu, cuda, cuda:N or auto"
BLOCK = 16384  # rows per device rollout: bounds device memory; results are copied into one CPU tensor

_current: list[torch.device | None] = [None]
_copies: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


class DeviceError(ValueError):
    """A device that cannot be used; str() is one line."""


def resolve(text: str | None) -> torch.device | None:
    """'cpu' -> None (no copy: today's path); 'cuda', 'cuda:N' -> that device; 'auto' -> CUDA when present.
    A CUDA device on a machine without one is a DeviceError."""
    if text is None or text == "cpu":
        return None
    if text == "auto":
        return torch.device("cuda") if torch.cuda.is_available() else None
    if not re.fullmatch(r"cuda(:\d+)?", text):
        raise DeviceError(f"--device {text!r}: use {DEVICES}")
    if not torch.cuda.is_available():
        raise DeviceError(f"--device {text}: no CUDA device on this machine (use cpu or auto)")
    dev = torch.device(text)
    if dev.index is not None and dev.index >= torch.cuda.device_count():
        raise DeviceError(f"--device {text}: this machine has {torch.cuda.device_count()} CUDA device(s)")
    return dev


def compute_device() -> torch.device | None:
    return _current[0]


def set_compute_device(device: torch.device | str | None) -> None:
    """Run every later gradient-free rollout on ``device`` (None: in place, today's path)."""
    _current[0] = None if device is None else torch.device(device)
    if _current[0] is not None and _current[0].type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False  # float32 products in full precision, as on the CPU


@contextmanager
def on_device(device: torch.device | str | None):
    """``with on_device("cuda"): ...``: rollouts inside run on the device; the previous setting after."""
    before = _current[0]
    set_compute_device(device)
    try:
        yield
    finally:
        _current[0] = before


def name() -> str:
    """The compute device in words, for headers and results."""
    dev = _current[0]
    if dev is None:
        return "cpu"
    if dev.type == "cuda":
        return f"{dev} ({torch.cuda.get_device_name(dev)})"
    return str(dev)


def _fingerprint(model: torch.nn.Module) -> tuple:
    """Changes when a parameter is replaced or edited in place (tensor _version), so a stale copy is never used."""
    return tuple((id(p), p.data_ptr(), p._version) for p in model.parameters())


def model_on(model: torch.nn.Module, device: torch.device) -> torch.nn.Module:
    """The network's copy on ``device``, made once per network and renewed when its weights change."""
    got = _copies.get(model)
    fp = _fingerprint(model)
    if got is None or got[0] != fp or got[1] != device:
        twin = copy.deepcopy(model).to(device)
        twin.requires_grad_(False)
        _copies[model] = got = (fp, device, twin)
    return got[2]
