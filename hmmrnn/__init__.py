"""hmmrnn: executable, falsifiable checks of the claims of 'Mechanistic Interpretability of RNNs
emulating Hidden Markov Models' (arXiv 2510.25674) against trained checkpoints.

    import hmmrnn
    r = hmmrnn.check("orbit.radius-scaling", "fixtures/linear2-seed3/final.pt", reading="paper")
    r.verdict, r.statistics["r_squared"], r.rows; r.figure()
"""
__version__ = "0.1.0"

from .checkpoint import Checkpoint, CheckpointError, load
from .errors import ClaimError, ModelDiverged
from .hmm import HMM, HMMSpecError, parse_spec
from .registry import DEFAULT_SEED, all_claims, get
from .device import on_device, set_compute_device
from .rnn import RNN, Intervention, Rollout, draw_noise, rollout

from .runs import Evolution, load_evolution

# imported on first use: they pull in the analyses (scikit-learn, matplotlib)
_LAZY = {"check": "api", "ClaimResult": "api", "Subject": "subject", "CLAIMS": "registry",
         # the typed intermediate results, computed once per (checkpoint, claims seed) and shared by claims
         "ZoneMap": "analysis.residency", "KickGroups": "analysis.kick", "KickGroup": "analysis.kick",
         "MuSweep": "analysis.mu_sweep", "MuCurve": "analysis.mu_sweep"}

__all__ = ["__version__", "load", "Checkpoint", "CheckpointError", "ClaimError", "ModelDiverged", "HMM",
           "HMMSpecError", "parse_spec", "CLAIMS", "DEFAULT_SEED", "all_claims", "get", "RNN", "Intervention",
           "Rollout", "draw_noise", "rollout", "on_device", "set_compute_device", "Evolution", "load_evolution", *_LAZY]


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'hmmrnn' has no attribute {name!r}")
