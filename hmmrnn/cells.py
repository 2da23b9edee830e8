"""Which claims run on which recurrent cell, and what they read there (the paper analyses bias-free ReLU nets only).

On a ReLU network, with or without biases, every claim runs as written (the recurrent bias is added wherever a
pre-activation is formed, the authors' second-order recursion and flow field included). On a tanh, GRU or LSTM
network a claim is one of:
- GENERAL: its statistic is defined for any recurrent map; what it reads there is said (the state is the full
  state, h, or cat(h, c) for the LSTM; Jacobians come from the cell's own step);
- ANALOGUE: the sentence names something only a ReLU has, and the claim runs with a declared stand-in, named in
  its statistics (``cell_analogue``) and so in the report, never silently the same statistic;
- NOT_APPLICABLE: the sentence is about the ReLU's threshold itself; an ERROR with that reason;
- NOT_YET: it could be generalised but is not yet; an ERROR saying so (work left, not a finding).
A key is a claim ("kick.gate") or one reading of it ("second-order.variance:paper"), for every other cell or for
one ("orbit.mechanics@tanh"); the most specific key wins.
Claims decided across checkpoints or over training runs are not gated here (their members are the fixtures').
"""
from __future__ import annotations

import torch

from .errors import ClaimError

FULL_STATE = "the state is the cell's full state (h; cat(h, c) for the LSTM), the readout reads h"
JACOBIAN = "Jacobian eigenvalues of the cell's own step (closed form for tanh, autograd for the GRU and LSTM)"
KICK_ANALOGUE = ("kick neurons discovered from the declared pre-activation analogue (tanh: its argument; GRU: the "
                 "candidate's pre-tanh; LSTM: the cell input g's pre-tanh) rising before switches; silencing sets a "
                 "unit's output h to 0")
UNIT_WEIGHTS = ("the unit-to-unit weights are W_hh (tanh), the candidate's recurrent block for a gated cell (GRU "
                "W_hn, LSTM W_hg)")
THRESHOLD = ("the sentence is about the ReLU's threshold (a unit silent below it, at it in kick zones); a {cell} "
             "unit has no threshold where its output vanishes")
MU_SWEEP = ("the authors' mu sweep projects the state on a cluster-to-cluster direction through an extra readout row, "
            "and an LSTM's readout sees h, not its full state; not generalised to the LSTM yet")

GENERAL = {
    "fixed-point.single": f"input-free runs from many starts; {FULL_STATE}",
    "orbit.radius-scaling": f"the orbit plane is the PCA plane of the noise-driven full states; {FULL_STATE}",
    "residency.three-zones": f"residency from noise-driven rollouts; unstable directions: {JACOBIAN}; {FULL_STATE}",
    "emission.hmm-agreement": "outputs only",
    "noise.cluster-vs-transition": f"rollouts from the zone map's states under resampled noise; {FULL_STATE}",
    "orbit.per-output-pair": f"PCA planes of the full states per output pair; {FULL_STATE}",
    "slow-regions.output-classes": f"the zone map's clusters and their outputs; {FULL_STATE}",
    "training.convergence": "the loss history only",
    "training.emergence": f"critical pairs and unstable directions per evolution checkpoint: {JACOBIAN}, input-free "
                          f"and with the next step's input; {FULL_STATE}",
    "second-order.perturbative:strict": "the radius exponent against the displacement's, both of the cell's own "
                                        f"step; {FULL_STATE}",
    "training.second-order-dominance": f"|E d2| and E|d1| of the cell's own step over training; {FULL_STATE}",
}
RECURSION = ("the authors' perturbative recursion expands the ReLU's gating (D = pre-activation > 0); not "
             "generalised to other cells yet")
ANALOGUE = {
    "kick.ablation-traps": KICK_ANALOGUE,
    "kick.ablation-traps:paper": f"{KICK_ANALOGUE}; the mu sweep's critical pairs from the cell's own Jacobian under "
                                 f"the recurrent multiplier ({JACOBIAN}); integrating populations from {UNIT_WEIGHTS}",
    "connectivity.kick-motif": f"{KICK_ANALOGUE}; {UNIT_WEIGHTS}",
    "time-scales.resonance": f"{KICK_ANALOGUE}; integrating populations from {UNIT_WEIGHTS}; {FULL_STATE}",
    "kick.noise-equivalence": f"{KICK_ANALOGUE}; integrating populations from {UNIT_WEIGHTS}",
    "time-scales.over-training": f"{KICK_ANALOGUE}; integrating populations from {UNIT_WEIGHTS}",
    "orbit.mechanics@tanh": "the authors' flow field with tanh in place of the ReLU (recurrence vector: the input-free "
                            f"step; input vector: E tanh(W_ih x + h) - h); {FULL_STATE}",
    "orbit.mechanics": "the authors' flow field, which splits a one-gate step, as the gated step's own split: the "
                       "recurrence vector its input-free step minus h, the input vector E_x step(h, x) - step(h, 0) "
                       f"(the input's contribution); {FULL_STATE}",
    "second-order.variance:strict": f"the displacement of the cell's own step ({FULL_STATE}); {KICK_ANALOGUE}",
}
NOT_APPLICABLE = {
    "kick.preactivation-profile": THRESHOLD,
    "kick.gate": THRESHOLD,
}
NOT_YET = {
    "kick.ablation-traps:paper@lstm": MU_SWEEP,
    "second-order.variance:paper": RECURSION,
    "second-order.perturbative:paper": RECURSION,
}


def unit_weights(model) -> torch.Tensor:
    """[H, H] the weight from unit j to unit i that the connectivity and population claims read: W_hh for a
    one-gate cell (relu, tanh); the candidate's recurrent block for the GRU (n) and the LSTM (g), their
    declared analogue."""
    W = model.weight_hh.detach()
    return W if model.gates == 1 else W[2 * model.hidden: 3 * model.hidden]


def cell_of(model) -> str:
    """The cell as the tables read it: "relu", "relu+bias" (a ReLU with a recurrent bias), "tanh", "gru", "lstm"."""
    cell = getattr(model, "cell", "relu")
    return "relu+bias" if cell == "relu" and getattr(model, "bias_h", None) is not None else cell


TABLES = (("general", GENERAL), ("analogue", ANALOGUE), ("not-applicable", NOT_APPLICABLE), ("not-yet", NOT_YET))


def applicability(claim_id: str, cell: str, reading: str = "strict") -> tuple[str, str]:
    """(kind, note) of a reading of a claim on a cell (as cell_of names it): kind is "general", "analogue",
    "not-applicable", "not-yet" or "ungated"."""
    if cell in ("relu", "relu+bias"):
        return "general", ""
    for key in (f"{claim_id}:{reading}@{cell}", f"{claim_id}@{cell}", f"{claim_id}:{reading}", claim_id):
        for kind, table in TABLES:
            if key in table:
                return kind, table[key].format(cell=cell)
    return "ungated", ""


def require(claim_id: str, model, reading: str = "strict") -> dict:
    """Before a claim runs on a network: a ClaimError (one line) where it does not apply to the network's cell;
    else the statistics it adds there ({} on a ReLU net: its results are unchanged)."""
    cell = cell_of(model)
    kind, note = applicability(claim_id, cell, reading)
    if kind == "not-applicable":
        raise ClaimError(f"{claim_id} does not apply to a {cell} network: {note}")
    if kind == "not-yet":
        raise ClaimError(f"{claim_id} on a {cell} network: {note}")
    if cell in ("relu", "relu+bias"):
        return {}  # a ReLU network's results as they always were
    return {"cell": cell, **({"cell_analogue": note} if kind == "analogue" else {})}
