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
Each claim module declares its entries (``cells=`` of its Claim, built with the functions below), for every
reading and every other cell, or narrowed to one reading (":paper"), one cell ("@tanh") or both (":paper@lstm");
the most specific entry wins. The notes several claims share are the constants here.
Claims decided across checkpoints or over training runs are not gated here; a cohort takes its members of one cell
(one_cell: a GRU is never pooled with the ReLU nets of its family).
"""
from __future__ import annotations

from .errors import ClaimError
from .rnn import unit_weights  # noqa: F401  (re-exported: the weights the population claims read)

FULL_STATE = "the state is the cell's full state (h; cat(h, c) for the LSTM), the readout reads h"
JACOBIAN = "Jacobian eigenvalues of the cell's own step (closed form for tanh, autograd for the GRU and LSTM)"
KICK_ANALOGUE = ("kick neurons discovered from the declared pre-activation analogue (tanh: its argument; GRU: the "
                 "candidate's pre-tanh; LSTM: the cell input g's pre-tanh) rising before switches; silencing sets a "
                 "unit's output h to 0")
UNIT_WEIGHTS = ("the unit-to-unit weights are W_hh (tanh), the candidate's recurrent block for a gated cell (GRU "
                "W_hn, LSTM W_hg)")
THRESHOLD = ("the sentence is about the ReLU's threshold (a unit silent below it, at it in kick zones); a {cell} "
             "unit has no threshold where its output vanishes")
RECURSION = ("the paper reading is the authors' perturbative recursion, written for the ReLU: the first order through "
             "its 0/1 gating (D = pre-activation > 0), the second order 0.5 W_hh (d1^2 * (h > 0)); a {cell} step's own "
             "expansion (its nonlinearity's second derivative) is another statistic, not the authors', so it does not "
             "apply there; the strict reading (the displacement of the cell's own step) decides the sentence on any cell")


def cell_of(model) -> str:
    """The cell as the tables read it: "relu", "relu+bias" (a ReLU with a recurrent bias), "tanh", "gru", "lstm"."""
    cell = getattr(model, "cell", "relu")
    return "relu+bias" if cell == "relu" and getattr(model, "bias_h", None) is not None else cell


def one_cell(members: list[tuple], decided: str = "") -> tuple[str, list[tuple], list[tuple]]:
    """A cohort takes its members by cell (a claim over every family or chain is about one kind of network):
    (cell, its members, the others) of [(name, HMM, model)]: the bias-free ReLU's members (the paper's network)
    when there are any, else those of the first member's cell. ``decided``: the cohort's name; the members left
    out are then named in a warning."""
    if not members:
        return "relu", [], []
    cells = [cell_of(m[2]) for m in members]
    cell = "relu" if "relu" in cells else cells[0]
    apart = [(m, c) for m, c in zip(members, cells) if c != cell]
    if decided and apart:
        import warnings
        warnings.warn(f"{decided} is decided over the {cell} checkpoints; left out, of another cell: "
                      f"{', '.join(f'{m[0]} ({c})' for m, c in apart)}")
    return cell, [m for m, c in zip(members, cells) if c == cell], [m for m, _ in apart]


KINDS = ("general", "analogue", "not-applicable", "not-yet")


def general(note: str, on: str = "") -> tuple[str, str, str]:
    """A claim's statistic is defined for any recurrent map; ``note`` says what it reads there. ``on`` narrows
    the entry to one reading and/or cell: "" (every reading, every other cell), ":paper", "@tanh", ":paper@lstm"."""
    return (on, "general", note)


def analogue(note: str, on: str = "") -> tuple[str, str, str]:
    """The sentence names something only a ReLU has; the claim runs with this declared stand-in."""
    return (on, "analogue", note)


def not_applicable(note: str, on: str = "") -> tuple[str, str, str]:
    """The sentence is about the ReLU's threshold itself: an ERROR with this reason (``{cell}`` is filled in)."""
    return (on, "not-applicable", note)


def not_yet(note: str, on: str = "") -> tuple[str, str, str]:
    """It could be generalised but is not yet: an ERROR saying so (work left, not a finding)."""
    return (on, "not-yet", note)


def applicability(claim, cell: str, reading: str = "strict") -> tuple[str, str]:
    """(kind, note) of a reading of a claim on a cell (as cell_of names it): kind is "general", "analogue",
    "not-applicable", "not-yet" or "ungated" (the claim declares nothing for that cell)."""
    if cell in ("relu", "relu+bias"):
        return "general", ""
    declared = {on: (kind, note) for on, kind, note in claim.cells}
    for key in (f":{reading}@{cell}", f"@{cell}", f":{reading}", ""):
        if key in declared:
            kind, note = declared[key]
            return kind, note.format(cell=cell)
    return "ungated", ""


def require(claim, model, reading: str = "strict") -> dict:
    """Before a claim runs on a network: a ClaimError (one line) where it does not apply to the network's cell;
    else the statistics it adds there ({} on a ReLU net: its results are unchanged)."""
    cell = cell_of(model)
    kind, note = applicability(claim, cell, reading)
    if kind == "not-applicable":
        raise ClaimError(f"{claim.id} does not apply to a {cell} network: {note}")
    if kind == "not-yet":
        raise ClaimError(f"{claim.id} on a {cell} network: {note}")
    if cell in ("relu", "relu+bias"):
        return {}  # a ReLU network's results as they always were
    return {"cell": cell, **({"cell_analogue": note} if kind == "analogue" else {})}
