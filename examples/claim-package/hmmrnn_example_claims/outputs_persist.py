"""A lab's claim: "the emitted output persists: under noise a trained network switches its output on few steps,
as the HMM's hidden state does" (a slow HMM has dwell times of tens of steps; a network that has not learnt it
flickers between outputs).

Statistic: the share of steps on which the argmax output changes, over 32 noise-driven rollouts of 300 steps
after a burn-in of 50. Threshold set once from the project's tuning fixture and its controls (linear2-seed0:
0.027; its untrained, pre-bifurcation and shuffled controls 0.40, 0.39, 0.35).
"""
from __future__ import annotations

from hmmrnn.claim import Claim, Reading, Threshold as T
from hmmrnn.rnn import draw_noise, rollout

WHY = "linear2-seed0 0.027 vs its untrained 0.40, pre-bifurcation 0.39, shuffled 0.35: the cut sits far from both"
CONTROLS = ("untrained", "pre-bifurcation", "shuffled")


def switch_rate(model, seed: int, batch: int = 32, steps: int = 300, burn_in: int = 50) -> dict:
    """Share of steps whose argmax output differs from the step before, and how many outputs were seen."""
    out = rollout(model, draw_noise(batch, steps, model.inputs, seed=seed), record="logits").logits.argmax(-1)
    out = out[:, burn_in:]
    return {"switch_rate": float((out[:, 1:] != out[:, :-1]).float().mean()),
            "outputs_seen": int(out.unique().numel())}


def recipe(s, reading: str) -> dict:
    return s.shared(switch_rate, s.model)  # the same statistic for both readings


CLAIM = Claim(
    id="example.outputs-persist", title="The emitted output persists under noise",
    section="a lab's own claim (not the paper's)",
    statistic="share of steps on which the argmax output changes: 32 rollouts x 300 steps, burn-in 50",
    thresholds=(T("switch_rate", "<=", 0.1, WHY),),
    controls=CONTROLS, key="switch_rate",
    paper=Reading("paper", "the same statistic (the paper gives no number for it)",
                  (T("switch_rate", "<=", 0.1, WHY),), controls=CONTROLS),
    recipe=recipe,
)
