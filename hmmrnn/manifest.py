"""fixtures/manifest.json: provenance of every trained fixture and how each control was built."""
from __future__ import annotations

import json
from pathlib import Path

from . import controls
from .checkpoint import atomic_write_json, load, save
from .claims import fixed_point_single
from .registry import all_claims
from .runs import evolution_epochs

EXPECT_NOTE = "controls must FAIL the claims whose module lists them (Claim.controls, claims/*.py)"


def read(path: Path) -> dict:
    path = Path(path)
    return json.loads(path.read_text()) if path.exists() else {"note": EXPECT_NOTE, "fixtures": []}


def upsert(path: Path, entry: dict) -> None:
    """Add or replace the entry of that name; atomic write. The investigated failures (expected_fail) of
    an entry for the same checkpoint (same sha256) are kept."""
    m = read(path)
    old = next((e for e in m["fixtures"] if e["name"] == entry["name"]), None)
    if old and old.get("expected_fail") and old.get("sha256") == entry.get("sha256") and "expected_fail" not in entry:
        entry = {**entry, "expected_fail": old["expected_fail"]}
    m["fixtures"] = [e for e in m["fixtures"] if e["name"] != entry["name"]] + [entry]
    atomic_write_json(path, m)


def trained_entry(fixtures_dir: Path, run_dir: Path, name: str, command: str) -> dict:
    """Manifest entry of a trained run's final checkpoint, with its provenance from the metadata."""
    ck = load(Path(run_dir) / "final.pt")
    meta, hist = ck.meta, ck.meta.get("history", [])
    return {"name": name, "path": str((Path(run_dir) / "final.pt").relative_to(fixtures_dir)), "control": None,
            "hmm": meta["hmm"]["name"], "seed": meta.get("seed"), "epochs": meta.get("epoch"),
            "final_train_loss": hist[-1]["train"] if hist else None,
            "final_val_loss": hist[-1]["val"] if hist else None,
            "wall_seconds": meta.get("wall_seconds"), "device": meta.get("device"), "sha256": ck.sha256,
            "command": command, "torch": meta.get("torch"), "evolution_epochs": evolution_epochs(run_dir)}


def build_controls(fixtures_dir: Path, run_dir: Path, base_name: str, wrong_hmm: str | None, seed: int,
                   early_run: Path | None = None) -> list[dict]:
    """Write the controls of a trained run into fixtures/controls/ and return their manifest entries.
    early_run: a shorter run of the same seed that kept the early evolution checkpoints the pre-bifurcation
    control is cut from (a paper-length run continued from it keeps only its late ones); wrong_hmm None: no
    wrong-hmm control."""
    fixtures_dir, run_dir = Path(fixtures_dir), Path(run_dir)
    base = load(run_dir / "final.pt")
    m, meta = base.model, base.meta
    out = fixtures_dir / "controls"
    rebuild = (f"hmmrnn controls --run {run_dir} --name {base_name} --seed {seed}" +
               (f" --wrong-hmm {wrong_hmm}" if wrong_hmm else " --no-wrong-hmm") +
               (f" --early-run {early_run}" if early_run else ""))
    early = Path(early_run) if early_run else run_dir
    evo = sorted(int(p.stem.split("_")[1]) for p in (early / "evolution").glob("epoch_*.pt"))
    pre_epoch = controls.pre_bifurcation_epoch(meta["history"], evo)
    pre = load(early / "evolution" / f"epoch_{pre_epoch:04d}.pt")
    built = {
        "untrained": (controls.untrained(m.hidden, m.inputs, m.outputs, seed, cell=m.cell, bias=m.has_bias),
                      {"init_seed": seed}),
        "pre-bifurcation": (pre.model, {"epoch": pre_epoch, "bifurcation_epoch": controls.bifurcation_epoch(meta["history"]),
                                        "rule": "last evolution checkpoint >= 20 epochs before the steepest drop of the smoothed validation loss"}),
        "shuffled": (controls.shuffled(m, seed), {"seed": seed}),
    }
    if m.cell == "relu":  # a ReLU construction (controls.line_attractor)
        built["line-attractor"] = (controls.line_attractor(m, seed), {"seed": seed})
    entries = []
    for kind, (model, extra) in built.items():
        meta_c = {"name": f"{base_name}-{kind}", "kind": "control", "control": kind, "hmm": meta["hmm"],
                  "built_from": base_name, **extra}
        if kind == "pre-bifurcation":  # a run folder cut before the bifurcation, for the emergence claim too
            target = out / f"{base_name}-{kind}" / "final"
            for e in (e for e in evo if e <= pre_epoch):
                src = load(early / "evolution" / f"epoch_{e:04d}.pt")
                save(target.parent / "evolution" / f"epoch_{e:04d}", src.model, dict(src.meta, kind="evolution"))
            meta_c["history"] = [h for h in meta["history"] if h["epoch"] <= pre_epoch]
        else:
            target = out / f"{base_name}-{kind}"
        ck = save(target, model, meta_c)
        entries.append({"name": f"{base_name}-{kind}", "path": str(Path(ck.path).relative_to(fixtures_dir)),
                        "control": kind, "hmm": meta["hmm"]["name"], "sha256": ck.sha256, "built_by": rebuild,
                        "claims": [fixed_point_single.CLAIM.id] if kind == "untrained" else [], **extra,
                        "must_fail": [c.id for c in all_claims() if kind in c.controls]})
    if not wrong_hmm:
        return entries
    entries.append({"name": f"{base_name}-wrong-hmm", "path": str((run_dir / "final.pt").relative_to(fixtures_dir)),
                    "control": "wrong-hmm", "hmm": wrong_hmm, "sha256": base.sha256, "built_by": rebuild,
                    "claims": [], "must_fail": [c.id for c in all_claims() if "wrong-hmm" in c.controls],
                    "note": f"the trained {base_name} checked against {wrong_hmm} instead of {meta['hmm']['name']}"})
    return entries


def write_seeds(bt, out_root: Path, command: str) -> None:
    """Each finished seed's entry in OUT_ROOT/manifest.json, as ``hmmrnn sweep`` writes them."""
    for k, final in bt.finals.items():
        run = Path(final).parent
        upsert(Path(out_root) / "manifest.json", trained_entry(Path(out_root), run, run.name, command))
