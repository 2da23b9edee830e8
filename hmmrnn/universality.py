"""The universality table (issue 30, the paper's open question): do networks of other cells that learn the same HMM
find the same mechanism? Rows: the paper's central claims; columns: the bias-free ReLU (the paper's network: the
linear:2 seeds), the biased ReLU, tanh, GRU and LSTM networks of the campaign (scripts/campaign_cells.sh).

Pure functions of plain data: the late records of each cell's runs (seeds.collect shaped; a run judged on its
final checkpoint only is a record with one checkpoint), the campaign's status per run, and hmmrnn.cells'
applicability. A seed holds a claim when at least seeds.HOLDS of its decided checkpoints pass the claim (every
row of the reading), as for the replication summary; only converged runs count as seeds, the others are listed
with how far they got.
"""
from __future__ import annotations

from . import seeds
from .cells import applicability

COLUMNS = ("relu", "relu+bias", "tanh", "gru", "lstm")
READINGS = ("paper", "strict")


def seed_holds_claim(rec: dict) -> bool | None:
    """Whether one seed holds a claim's reading over its checkpoints (verdict pass on at least HOLDS of those
    with a verdict); None when none has one."""
    got = [c["verdict"] for c in rec["checkpoints"] if c.get("verdict") in ("pass", "fail")]
    return seeds.holds(sum(v == "pass" for v in got), len(got))


def cell_text(recs: list[dict], claim, cell: str) -> str:
    """One table cell: per reading the seeds holding the claim, and whether the reading runs as written, as a
    declared analogue ("(analogue)"), or not at all there (not-applicable, not-yet). ``claim``: a Claim."""
    parts = []
    for reading in READINGS:
        kind, _ = applicability(claim, cell, reading)
        if kind in ("not-applicable", "not-yet"):
            parts.append(f"{reading}: {kind}")
            continue
        mine = [r for r in recs if r["claim"] == claim.id and r["reading"] == reading]
        held = [seed_holds_claim(r) for r in mine]
        held = [h for h in held if h is not None]
        mark = " (analogue)" if kind == "analogue" else ""
        parts.append(f"{reading}: {graded(sum(held), len(held))}{mark}" if held else f"{reading}: no seed{mark}")
    return "; ".join(parts)


def graded(n_hold: int, n_seeds: int) -> str:
    """The replication summary's graded conclusion (seeds.grade) of k of n seeds holding, in a table cell's words:
    "replicates (3/3)", "partly replicates (1/3 seeds hold)", "does not replicate (0/3 seeds hold)". The cells'
    own controls are not built yet, so an absent effect cannot be told from a weak one (said once, above the table)."""
    if n_hold == n_seeds:
        return f"replicates ({n_hold}/{n_seeds})"
    return seeds.grade(n_hold, n_seeds, {"separated": None, "by": {}}).split(";")[0]


def table(records: dict[str, list[dict]], central: tuple[tuple[str, object], ...], status: dict[str, list[str]]) -> dict:
    """{"head", "body", "sentence", "status"}: central ((name, Claim), ...); records {cell: late records of its
    converged seeds};
    status {cell: one line per run of the campaign (converged, unconverged with how far, not started)}."""
    body = []
    for name, claim in central:
        row = [(name, "", claim.id)]
        body.append(row + [(cell_text(records.get(cell, []), claim, cell), "", "") for cell in COLUMNS])
    judged = {c: len({r["run"] for r in records.get(c, [])}) for c in COLUMNS}
    others = [c for c in COLUMNS if c != "relu"]
    if not any(judged[c] for c in others):
        sentence = ("Not answered yet: no network of another cell has converged under the paper's protocol here, so "
                    "only the bias-free ReLU column holds seeds; " +
                    "; ".join(f"{c}: {', '.join(status.get(c) or ['no run yet'])}" for c in others) + ".")
    else:
        sentence = ("As far as the seeds allow: " + "; ".join(f"{c} {_seeds(judged[c])}" for c in COLUMNS) +
                    ". Each cell: the replication summary's graded conclusion of the seeds holding the claim over "
                    "their late checkpoints, per reading; the other cells' own controls (untrained, shuffled within "
                    "gate blocks, pre-bifurcation) are not built yet, so where seeds do not hold it an absent effect "
                    "cannot be told from a weak one.")
    head = ["central claim"] + [f"{c} ({_seeds(judged[c])})" for c in COLUMNS]
    return {"head": head, "body": body, "sentence": sentence, "status": status}


def _seeds(n: int) -> str:
    return f"{n} seed" + ("" if n == 1 else "s")
