"""The universality table (issue 30, the paper's open question): do networks of other cells that learn the same HMM
find the same mechanism? Rows: the paper's central claims; columns: the bias-free ReLU (the paper's network: the
linear:2 seeds), the biased ReLU, tanh, GRU and LSTM networks of the campaign (scripts/campaign_cells.sh).

Pure functions of plain data: the late records of each cell's runs (seeds.collect shaped; a run judged on its
final checkpoint only is a record with one checkpoint), the campaign's status per run, and hmmrnn.cells'
applicability. A seed holds a claim when at least seeds.HOLDS of its decided checkpoints pass the claim (every
row of the reading), as for the replication summary, and the cell's seeds are graded against its own controls
(hmmrnn.evidence); only converged runs count as seeds, the others are listed with how far they got.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import evidence, seeds
from .cells import applicability

COLUMNS = ("relu", "relu+bias", "tanh", "gru", "lstm")
READINGS = ("paper", "strict")


def seed_holds_claim(rec: dict) -> bool | None:
    """Whether one seed holds a claim's reading over its checkpoints (verdict pass on at least HOLDS of those
    with a verdict); None when none has one."""
    got = [c["verdict"] for c in rec["checkpoints"] if c.get("verdict") in ("pass", "fail")]
    return seeds.holds(sum(v == "pass" for v in got), len(got))


def per_reading(recs: list[dict], claim, cell: str, controls: list[dict] = ()) -> dict[str, tuple[str, "Judged | None"]]:
    """One cell's seeds on one claim, computed once for the table cell and the sentence: {reading: (kind, Judged)}
    with kind how the reading runs there (hmmrnn.cells.applicability: general, analogue) and the seeds judged
    against the cell's controls (judged()), or (not-applicable | not-yet, None) where it does not run. ``claim``: a
    Claim; ``controls``: the cell's control results (claims rows, role control), of which the class controls
    (untrained, shuffled, pre-bifurcation) are read."""
    out = {}
    for reading in READINGS:
        kind, _ = applicability(claim, cell, reading)
        runs = kind not in ("not-applicable", "not-yet")
        out[reading] = (kind, judged(recs, claim, reading, controls) if runs else None)
    return out


def cell_text(got: dict[str, tuple[str, "Judged | None"]]) -> str:
    """One table cell (got: per_reading()): per reading the seeds holding the claim, graded as the replication
    summary grades a row, and whether the reading runs as written, as a declared analogue ("(analogue)"), or not
    at all there (not-applicable, not-yet)."""
    parts = []
    for reading, (kind, j) in got.items():
        if j is None:
            parts.append(f"{reading}: {kind}")
            continue
        parts.append(f"{reading}: {j.text}" + (" (analogue)" if kind == "analogue" else ""))
    return "; ".join(parts)


CLAIM_ROW = "claim"  # the pseudo inventory row of a claim's own verdict: the table grades claims, not rows


@dataclass(frozen=True)
class Judged:
    """One cell's seeds on one (claim, reading): k of n seeds hold it (n = 0: no seed decides it), the evidence
    class against the cell's controls (hmmrnn.evidence: decided, by construction, indistinguishable) and the
    table cell's words."""

    k: int
    n: int
    evidence: str
    text: str

    @property
    def holds(self) -> bool | None:
        """At least half the seeds hold it (seeds.holds); None without a seed."""
        return seeds.holds(self.k, self.n) if self.n else None


def judged(recs: list[dict], claim, reading: str, controls: list[dict]) -> Judged:
    """The seeds of one cell on one (claim, reading) against the cell's class controls: the evidence class
    (evidence.classify on the claim's own verdict, which passes when every row passes) and where it is decided
    the graded conclusion (seeds.grade; the seeds that miss it separated from each control on every statistic
    whose cut their median misses: seeds.separation), with the controls rejected by a number."""
    mine = [r for r in recs if r["claim"] == claim.id and r["reading"] == reading]
    held = {r["run"]: seed_holds_claim(r) for r in mine}
    held = {run: h for run, h in held.items() if h is not None}
    if not held:
        return Judged(0, 0, "undecided", "no seed")
    ctl = [dict(r, rows={CLAIM_ROW: r.get("verdict")}) for r in controls
           if r["claim"] == claim.id and r.get("reading", "strict") == reading and r.get("role") == "control"
           and r.get("control", "untrained") in evidence.CLASS_CONTROLS]
    outcome = evidence.control_outcome(ctl, CLAIM_ROW)
    counted = set(outcome.rejected) | set(outcome.passed)
    stats = {r["checkpoint"]: r.get("statistics") or {} for r in ctl if r["checkpoint"] in counted}
    ths = [dict(t, rows=[CLAIM_ROW]) for t in claim.reading(reading).thresholds_json()]
    sep = seeds.separation([r for r in mine if held.get(r["run"]) is False], ths, CLAIM_ROW, stats)
    verdicts = evidence.all_control_verdicts(ctl, CLAIM_ROW)
    cls, _ = evidence.classify(reported=False, seed_holds=list(held.values()), controls=outcome,
                               control_verdicts=verdicts, separated=sep["separated"])
    k, n = sum(held.values()), len(held)
    said = _controls(outcome, verdicts, {r["checkpoint"]: r.get("control", "untrained") for r in ctl})
    if cls == "decided":
        return Judged(k, n, cls, f"{graded(k, n, sep)} [{said}]")
    if cls == "by construction":  # which way: every network judged passes it, or every one fails it
        cls_words = f"{cls} (its controls {'pass' if k else 'fail'} it too)"
    else:
        cls_words = cls
    return Judged(k, n, cls, f"{k}/{n} seeds hold; {cls_words} [{said}]")


def _controls(outcome, verdicts: list[str], kind: dict[str, str]) -> str:
    """'controls: 2/3 rejected by a number, 1 by ERROR only, 1 passed' (identical controls counted once, named by
    their kind: kind {checkpoint: control}); where no control must reject it, how many of the cell's controls pass
    it too."""
    if not outcome.required:
        if not verdicts:
            return "no control of this cell judged"
        return f"no control must reject it; {verdicts.count('pass')}/{len(verdicts)} pass it too"
    out = f"controls: {len(outcome.rejected)}/{outcome.required} rejected by a number"
    out += f", {len(outcome.by_error)} by ERROR only" if outcome.by_error else ""
    out += f", {len(outcome.passed)} passed" if outcome.passed else ""
    return out + "".join(f"; {kind[a]} = {kind[b]}" for a, b in outcome.same_as.items())


def graded(n_hold: int, n_seeds: int, sep: dict | None = None) -> str:
    """The replication summary's graded conclusion (seeds.grade) of k of n seeds holding, in a table cell's words:
    "replicates (3/3)", "partly replicates (1/3 seeds hold); the others: effect present, weaker than stated",
    "does not replicate (0/3 seeds hold); ...". sep: the separation of the seeds that do not hold it from the
    cell's controls (seeds.separation); None: no control to compare."""
    if n_hold == n_seeds:
        return f"replicates ({n_hold}/{n_seeds})"
    return seeds.grade(n_hold, n_seeds, sep or {"separated": None, "by": {}})


def table(records: dict[str, list[dict]], central: tuple[tuple[str, object], ...], status: dict[str, list[str]],
          controls: dict[str, list[dict]] | None = None) -> dict:
    """{"head", "body", "sentence", "status"}: central ((name, Claim), ...); records {cell: late records of its
    converged seeds}; status {cell: one line per run of the campaign (converged, unconverged with how far, not
    started)}; controls {cell: its control results} (the bias-free ReLU's: linear2-seed0's; another cell's: its
    runs' own, scripts/campaign_cells.py)."""
    controls = controls or {}
    grid = {cell: {claim.id: per_reading(records.get(cell, []), claim, cell, controls.get(cell, []))
                   for _, claim in central} for cell in COLUMNS}
    body = [[(name, "", claim.id)] + [(cell_text(grid[cell][claim.id]), "", "") for cell in COLUMNS]
            for name, claim in central]
    n_judged = {c: len({r["run"] for r in records.get(c, [])}) for c in COLUMNS}
    others = [c for c in COLUMNS if c != "relu"]
    if not any(n_judged[c] for c in others):
        sentence = ("Not answered yet: no network of another cell has converged under the paper's protocol here, so "
                    "only the bias-free ReLU column holds seeds; " +
                    "; ".join(f"{c}: {', '.join(status.get(c) or ['no run yet'])}" for c in others) + ".")
    else:
        sentence = answer(grid, central, n_judged)
    head = ["central claim"] + [f"{c} ({_seeds(n_judged[c])})" for c in COLUMNS]
    return {"head": head, "body": body, "sentence": sentence, "status": status}


def mechanism() -> tuple[str, ...]:
    """The paper's mechanism, the claims a cell must hold to have found it: a single fixed point, an orbit growing
    with the input, residency zones, kick neurons whose silencing traps."""
    from .claims import fixed_point_single, kick_ablation_traps, orbit_radius_scaling, residency_three_zones
    return tuple(m.CLAIM.id for m in (fixed_point_single, orbit_radius_scaling, residency_three_zones,
                                      kick_ablation_traps))


def cell_state(got: dict[str, tuple[str, "Judged | None"]]) -> str | None:
    """A cell's seeds on a claim (got: per_reading()), over the readings that run there: "holds" (at least half its
    seeds hold it in some reading whose evidence is decided against the cell's controls), "holds, not told from its
    controls" (they hold it only in a reading its controls also hold or cannot be told from), "does not hold", or
    None where no seed decides it."""
    got = [j for _, j in got.values() if j is not None and j.n]
    if any(j.holds and j.evidence == "decided" for j in got):
        return "holds"
    if any(j.holds for j in got):
        return "holds, not told from its controls"
    return "does not hold" if got else None


def answer(grid: dict[str, dict[str, dict]], central, n_judged: dict[str, int]) -> str:
    """The sentence above the table. First the paper's mechanism (mechanism(): a single fixed point, an orbit
    growing with the input, residency zones, kick neurons whose silencing traps): which of its parts the bias-free
    ReLU seeds hold here, and which other cells hold every one of those (held, decided or not; the whole mechanism
    where the ReLU column has no seed) and how many each holds. Then per cell with judged seeds which central claims
    its seeds hold (cell_state). grid: {cell: {claim id: per_reading()}}."""
    names = {claim.id: name for name, claim in central}
    per, held = [], {}
    for cell in COLUMNS:
        if not n_judged[cell]:
            continue
        got = {claim.id: cell_state(grid[cell][claim.id]) for _, claim in central}
        words = []
        for state in ("holds", "holds, not told from its controls", "does not hold"):
            which = [names[c] for c, st in got.items() if st == state]
            if which:
                words.append(f"{state}: {'; '.join(which)}")
        per.append(f"{cell} ({_seeds(n_judged[cell])}) {' | '.join(words)}")
        held[cell] = [c for c in mechanism() if (got.get(c) or "").startswith("holds")]
    parts = ("a single fixed point, an orbit growing with the input, residency zones, kick neurons whose silencing "
             "traps")
    others = [c for c in COLUMNS if c != "relu" and n_judged[c]]
    if "relu" in held:
        bar = held["relu"]
        said = (f"Of the paper's mechanism ({parts}), the bias-free ReLU seeds here hold "
                f"{len(bar)} of {len(mechanism())} ({', '.join(_short_name(names[c]) for c in bar) or 'none'})")
    else:
        bar = list(mechanism())
        said = f"The paper's mechanism ({parts}): no bias-free ReLU seed is judged here"
    same = [c for c in others if set(bar) <= set(held[c])]
    said += ("; " + (f"{', '.join(same)} hold{'s' if len(same) == 1 else ''} these too" if same else
                     "no other cell judged so far holds all of these") +
             " (" + "; ".join(f"{c}: {len(held[c])} of {len(mechanism())}, {_seeds(n_judged[c])}" for c in others)
             + ")")
    return (said + ", as far as these seeds allow (one seed is not a replication). Per cell: " + ". ".join(per) +
            ". Each cell of the table: the seeds holding the claim over their late checkpoints, per reading, graded "
            "against that cell's own controls (untrained, recurrent weights shuffled within gate blocks, "
            "pre-bifurcation) as the replication summary grades a row.")


def _short_name(name: str) -> str:
    """A central claim's name up to its first comma or parenthesis ("a closed orbit under noise")."""
    return name.split(",")[0].split(" (")[0]


def _seeds(n: int) -> str:
    return f"{n} seed" + ("" if n == 1 else "s")
