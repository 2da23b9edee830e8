"""Hidden Markov models: the paper's families, validation, vectorised sampling, exact emission statistics."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Sequence lengths the paper trains each family with (REFERENCE.md section 1).
TRAIN_SEQ_LEN = {("linear", 2): 100, ("linear", 3): 30, ("linear", 4): 30, ("linear", 5): 40,
                 ("fully", 3): 30, ("cyclic", 4): 40}


class HMMSpecError(ValueError):
    """A target HMM that cannot be used; the message names the bad part."""


@dataclass(frozen=True)
class HMM:
    """Transition T [S, S], emission E [S, O], start pi [S]; rows are probability vectors."""

    transition: np.ndarray
    emission: np.ndarray
    start: np.ndarray
    name: str = "custom"

    def __post_init__(self):
        try:
            T, E, p = (np.asarray(a, dtype=float) for a in (self.transition, self.emission, self.start))
        except (TypeError, ValueError) as e:  # ragged rows or non-numbers
            raise HMMSpecError(f"matrices must be rectangular arrays of numbers ({e})") from None
        object.__setattr__(self, "transition", T)
        object.__setattr__(self, "emission", E)
        object.__setattr__(self, "start", p)
        validate(T, E, p)

    @property
    def n_states(self) -> int:
        return self.transition.shape[0]

    @property
    def n_outputs(self) -> int:
        return self.emission.shape[1]

    @property
    def family(self) -> str:
        return self.name.split(":")[0]

    def to_json(self) -> dict:
        return {"name": self.name, "transition": self.transition.tolist(),
                "emission": self.emission.tolist(), "start": self.start.tolist()}

    @classmethod
    def from_json(cls, d: dict) -> "HMM":
        if not isinstance(d, dict):
            raise HMMSpecError(f"an HMM must be a JSON object with transition and emission, got {type(d).__name__}")
        for key in ("transition", "emission"):
            if key not in d:
                raise HMMSpecError(f"missing key {key!r}")
            if not isinstance(d[key], list) or not d[key]:
                raise HMMSpecError(f"{key} must be a non-empty list of rows, got {json.dumps(d[key])[:40]}")
        name = d.get("name", "custom")
        if not isinstance(name, str):
            raise HMMSpecError(f"name must be a string, got {json.dumps(name)[:40]}")
        try:
            return cls(d["transition"], d["emission"], d.get("start") or
                       [1.0 / len(d["transition"])] * len(d["transition"]), name)
        except HMMSpecError:
            raise
        except (TypeError, ValueError) as e:  # entries that are not numbers (found by fuzzing)
            raise HMMSpecError(f"matrices must hold numbers ({e})") from None


def validate(T: np.ndarray, E: np.ndarray, p: np.ndarray, atol: float = 1e-6) -> None:
    """Raise HMMSpecError naming the first bad shape or row."""
    if T.ndim != 2 or T.shape[0] != T.shape[1]:
        raise HMMSpecError(f"transition matrix must be square, got shape {T.shape}")
    S = T.shape[0]
    if E.ndim != 2 or E.shape[0] != S:
        raise HMMSpecError(f"emission matrix must have {S} rows (one per state), got shape {E.shape}")
    if p.shape != (S,):
        raise HMMSpecError(f"start distribution must have {S} entries, got shape {p.shape}")
    for name, M in (("transition", T), ("emission", E), ("start", p[None])):
        for i, row in enumerate(M):
            if not np.all(np.isfinite(row)) or np.any(row < 0):
                raise HMMSpecError(f"{name} row {i} has negative or non-finite entries: {row.tolist()}")
            if abs(row.sum() - 1.0) > atol:
                raise HMMSpecError(f"{name} row {i} sums to {row.sum():.6g}, not 1")


def linear_chain(S: int) -> HMM:
    """Linear chain of S states; neighbour hops with q = 0.05**(1/(S-1)); symbol 1 is a rare 1% symbol."""
    if not 2 <= S <= 5:  # beyond 5 the hop probability q leaves interior states a negative stay probability
        raise HMMSpecError(f"the linear chain is defined for S = 2..5 (its hop probability 0.05**(1/(S-1)) must "
                           f"leave interior states 1 - 2q >= 0), got {S}")
    q = 0.05 ** (1.0 / (S - 1))
    T = np.zeros((S, S))
    for i in range(S):
        nbrs = [j for j in (i - 1, i + 1) if 0 <= j < S]
        for j in nbrs:
            T[i, j] = q
        T[i, i] = 1.0 - q * len(nbrs)
    a = np.arange(S) / (S - 1)
    E = np.stack([0.99 * (1 - a), np.full(S, 0.01), 0.99 * a], axis=1)
    return HMM(T, E, np.full(S, 1.0 / S), f"linear:{S}")


def fully_connected(S: int = 3) -> HMM:
    """S states, 0.95 on the diagonal; emissions 0.98 on the diagonal, 0.01 elsewhere (S = 3)."""
    if S != 3:
        raise HMMSpecError(f"the fully connected family is defined for S = 3 (3 outputs), got {S}")
    T = np.full((3, 3), 0.025) + np.eye(3) * (0.95 - 0.025)
    E = np.full((3, 3), 0.01) + np.eye(3) * (0.98 - 0.01)
    return HMM(T, E, np.full(3, 1 / 3), "fully:3")


def cyclic(S: int = 4) -> HMM:
    """The paper's 4-state cyclic HMM."""
    if S != 4:
        raise HMMSpecError(f"the cyclic family is defined for S = 4, got {S}")
    T = [[.95, .025, 0, .025], [.025, .95, .025, 0], [0, .025, .95, .025], [.025, 0, .025, .95]]
    E = [[.9, .1, 0], [.1, .9, 0], [0, .1, .9], [0, .9, .1]]
    return HMM(T, E, np.full(4, 0.25), "cyclic:4")


FAMILIES = {"linear": linear_chain, "fully": fully_connected, "cyclic": cyclic}


def parse_spec(spec: str) -> HMM:
    """'linear:2', 'fully:3', 'cyclic:4', or a path to a JSON file {transition, emission[, start]}."""
    family, _, size = spec.partition(":")
    if family in FAMILIES:
        try:
            S = int(size) if size else {"linear": 2, "fully": 3, "cyclic": 4}[family]
        except ValueError:
            raise HMMSpecError(f"{spec}: size after ':' must be an integer") from None
        try:
            return FAMILIES[family](S)
        except HMMSpecError as e:
            raise HMMSpecError(f"{spec}: {e}") from None
    path = Path(spec)
    if not path.exists():
        raise HMMSpecError(f"{spec}: not a known family (linear:S, fully:3, cyclic:4) nor an existing JSON file")
    try:
        d = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise HMMSpecError(f"{spec}: cannot read JSON ({e})") from None
    try:
        hmm = HMM.from_json(d)
    except HMMSpecError as e:
        raise HMMSpecError(f"{spec}: {e}") from None
    return hmm if d.get("name") else HMM(hmm.transition, hmm.emission, hmm.start, str(path))


def train_seq_len(hmm: HMM) -> int:
    """The paper's training sequence length for a family (30 for custom HMMs)."""
    fam, _, s = hmm.name.partition(":")
    return TRAIN_SEQ_LEN.get((fam, int(s) if s.isdigit() else -1), 30)


def _categorical(cum: np.ndarray, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw: for each u, the first k with u < cum[rows, k]. cum [R, K], rows and u [...]."""
    out = np.zeros(u.shape, dtype=np.int8)
    for k in range(cum.shape[1] - 1):
        out += u >= cum[rows, k]
    return out


def sample(hmm: HMM, n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Sample n sequences of given length: (states [n, L], outputs [n, L]) int arrays, vectorised over n."""
    rng = np.random.default_rng(seed)
    cum_T, cum_E = np.cumsum(hmm.transition, 1), np.cumsum(hmm.emission, 1)
    if hmm.n_states > 127 or hmm.n_outputs > 127:
        raise HMMSpecError("sampling supports at most 127 states and outputs")
    states = np.empty((length, n), dtype=np.int8)  # time-major: each step writes one contiguous row
    u_state = rng.random((length, n), dtype=np.float32)
    states[0] = _categorical(np.cumsum(hmm.start)[None], np.zeros(n, dtype=np.int8), u_state[0])
    for t in range(1, length):
        states[t] = _categorical(cum_T, states[t - 1], u_state[t])
    outputs = _categorical(cum_E, states, rng.random((length, n), dtype=np.float32))
    return states.T.astype(np.int64), outputs.T.astype(np.int64)


def state_marginals(hmm: HMM, length: int) -> np.ndarray:
    """P(state at t) for t = 0..length-1, starting from the start distribution: [L, S]."""
    out = np.empty((length, hmm.n_states))
    p = hmm.start
    for t in range(length):
        out[t] = p
        p = p @ hmm.transition
    return out


def stationary(hmm: HMM) -> np.ndarray:
    """Stationary state distribution (left eigenvector of T for eigenvalue 1)."""
    w, v = np.linalg.eig(hmm.transition.T)
    k = np.argmin(np.abs(w - 1))
    p = np.real(v[:, k])
    return p / p.sum()


def output_marginal(hmm: HMM, length: int | None = None) -> np.ndarray:
    """Exact output frequencies [O]: averaged over positions of a length-L sequence, or stationary if None."""
    ps = stationary(hmm)[None] if length is None else state_marginals(hmm, length)
    return (ps @ hmm.emission).mean(0)


def output_pair_joint(hmm: HMM, length: int | None = None) -> np.ndarray:
    """Exact P(o_t = a, o_t+1 = b) [O, O], averaged over t = 0..L-2 (or stationary if length is None)."""
    ps = stationary(hmm)[None] if length is None else state_marginals(hmm, length)[:-1]
    E, T = hmm.emission, hmm.transition
    # sum_{i,j} p_t(i) E[i,a] T[i,j] E[j,b]
    return np.einsum("ti,ia,ij,jb->ab", ps, E, T, E) / len(ps)


def output_transition_matrix(hmm: HMM, length: int | None = None) -> np.ndarray:
    """Exact P(o_t+1 = b | o_t = a) [O, O] of successive symbols (rows of unseen symbols are uniform)."""
    J = output_pair_joint(hmm, length)
    rows = J.sum(1, keepdims=True)
    return np.where(rows > 0, J / np.where(rows > 0, rows, 1), 1.0 / J.shape[1])


def expected_volatility(hmm: HMM, length: int | None = None) -> float:
    """Expected fraction of steps whose output differs from the previous one."""
    J = output_pair_joint(hmm, length)
    return float(J.sum() - np.trace(J))
