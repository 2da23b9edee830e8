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
from .registry import CLAIMS, DEFAULT_SEED, all_claims, get
from .rnn import RNN, Intervention, Rollout, draw_noise, rollout

__all__ = ["__version__", "check", "ClaimResult", "load", "Checkpoint", "CheckpointError", "ClaimError",
           "ModelDiverged", "HMM", "HMMSpecError", "parse_spec", "CLAIMS", "DEFAULT_SEED", "all_claims", "get",
           "RNN", "Intervention", "Rollout", "draw_noise", "rollout"]


def __getattr__(name):
    """check and ClaimResult import the analyses (scikit-learn, matplotlib): only when asked for."""
    if name in ("check", "ClaimResult"):
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'hmmrnn' has no attribute {name!r}")
