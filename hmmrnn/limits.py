"""Size limits: what hmmrnn refuses, with one line, before it could exhaust the machine's memory.

Memory is budgeted per process: HMMRNN_MEMORY_GIB (default 8 GiB, so that two pytest workers and a
training run fit in 24 GiB). Three guards use it:
- every rollout (the one engine all analyses and training use) refuses a batch whose recorded tensors
  would not fit (``RolloutTooLarge``);
- ``hmmrnn train`` estimates a configuration's peak memory at start-up and refuses one that does not fit;
- the claims refuse networks far beyond the paper's sizes (H <= 200, d <= 200): the analyses' time grows
  as H^2 (about 100 s per checkpoint at H=150 on one core), so H=2000 would take hours per checkpoint.
"""
from __future__ import annotations

import os

GIB = 2**30
DEFAULT_MEMORY_GIB = 8.0
MAX_CLAIMS_HIDDEN = 1024  # about (1024/150)^2 = 47 x the paper's H=150 time: over an hour per checkpoint
MAX_CLAIMS_INPUTS = 1024
F32 = 4


class RolloutTooLarge(MemoryError):
    """A rollout or training configuration that would need more memory than the budget (one line)."""


def budget_bytes() -> int:
    """The per-process memory budget: HMMRNN_MEMORY_GIB (a positive number), default 8 GiB."""
    text = os.environ.get("HMMRNN_MEMORY_GIB", "")
    try:
        gib = float(text) if text else DEFAULT_MEMORY_GIB
    except ValueError:
        gib = DEFAULT_MEMORY_GIB
    return int((gib if gib > 0 else DEFAULT_MEMORY_GIB) * GIB)


def gib(n: float) -> str:
    return f"{n / GIB:.1f} GiB"


def rollout_bytes(batch: int, steps: int, hidden: int, outputs: int, record: str, driven: bool = True) -> int:
    """What a rollout holds at its peak: the input drive [T, B, H] (driven), the recorded states and
    pre-activations [B, T, H] each (record="all"; the last step only for "last"), the logits [B, T, O]."""
    kept = {"all": 2 * steps, "last": 2, "logits": 0}[record]
    return F32 * batch * (driven * steps * hidden + kept * hidden + steps * outputs)


def check_rollout(batch: int, steps: int, hidden: int, outputs: int, record: str, driven: bool = True) -> None:
    need, budget = rollout_bytes(batch, steps, hidden, outputs, record, driven), budget_bytes()
    if need > budget:
        raise RolloutTooLarge(f"a rollout of {batch} x {steps} steps x {hidden} units would need {gib(need)}, "
                              f"over the memory budget of {gib(budget)} (HMMRNN_MEMORY_GIB)")


def training_bytes(n_sequences: int, seq_len: int, batch: int, hidden: int, inputs: int, outputs: int) -> int:
    """Peak memory of one training step, estimated: the sampled data set (int8 states and float32 draws,
    int64 symbols, float32 one-hot train and validation thirds), then per batch the noise, the input drive,
    the three [B, L, H] tensors autograd keeps per step and their gradients, and the Sinkhorn loss's dense
    [B, B] matrices."""
    n, L, B = n_sequences, seq_len, min(batch, max(n_sequences // 3, 1))
    data = n * L * (1 + 2 * F32 + 2 * 8) + (2 * n // 3) * L * outputs * F32
    step = F32 * B * L * (inputs + 2 * 4 * hidden + 4 * outputs) + 6 * F32 * B * B
    return data + step


def check_training(n_sequences: int, seq_len: int, batch: int, hidden: int, inputs: int, outputs: int) -> None:
    need, budget = training_bytes(n_sequences, seq_len, batch, hidden, inputs, outputs), budget_bytes()
    if need > budget:
        raise RolloutTooLarge(f"this configuration would need about {gib(need)}, over the memory budget of "
                              f"{gib(budget)} (HMMRNN_MEMORY_GIB): lower --batch, --seq-len, "
                              f"--n-sequences or --hidden")


def claims_refusal(hidden: int, inputs: int) -> str:
    """Why the claims refuse a network of this size ('' when they take it)."""
    if hidden > MAX_CLAIMS_HIDDEN:
        hours = 100 * (hidden / 150) ** 2 / 3600
        return (f"{hidden} hidden units: the claims handle at most {MAX_CLAIMS_HIDDEN} (the paper's networks have "
                f"at most 200); at this size their analyses would take about {hours:.0f} h on one core")
    if inputs > MAX_CLAIMS_INPUTS:
        return f"{inputs} input dimensions: the claims handle at most {MAX_CLAIMS_INPUTS} (the paper's largest is 200)"
    return ""


def refuse_for_claims(path, model) -> None:
    """ClaimError (one line naming path) for a network the claims do not take (claims_refusal)."""
    why = claims_refusal(model.hidden, model.inputs)
    if why:
        from .errors import ClaimError
        raise ClaimError(f"{path}: {why}")
