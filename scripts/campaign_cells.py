"""Bookkeeping of the universality campaign (scripts/campaign_cells.sh): which runs are done, and the pack that
carries an unfinished campaign to the next session (fixtures/partial/issue30/NAME/).

  python scripts/campaign_cells.py status RUNS PACK NAME...
  python scripts/campaign_cells.py pack   RUNS PACK NAME...   # state.pt, history.json, late evolution -> PACK
  python scripts/campaign_cells.py unpack RUNS PACK NAME...   # PACK -> RUNS where RUNS has no state yet
  python scripts/campaign_cells.py done   RUNS PACK NAME      # exit 0 when the run needs no more training
  python scripts/campaign_cells.py curves RUNS PACK NAME...   # loss curves and plateau returns -> docs/universality/
  python scripts/campaign_cells.py judge  RUNS PACK NAME...   # claims on converged runs' late checkpoints ->
                                                              # fixtures/campaigns/cells.json (resumable); then
                                                              # each judged run's own controls on the central
                                                              # claims -> fixtures/campaigns/cells-controls.json

The campaign's status (one line per run) goes to fixtures/campaigns/cells.json with every pack and judge; the report's
universality table reads it (hmmrnn.universality).

The pack keeps what resumes a run and what judges it. While a run trains: the resumable state (weights, Adam
moments, history), the history as JSON, the evolution checkpoints of its late window (late_window: what --judge
reads) and every SPARSE epochs over the whole run (the whole-run claims' series, thinned), so a fresh machine
continues without losing more than an epoch. Once it is finished (converged, at the cap, or diverged) it never
resumes: FINISHED (its state without weights and Adam's moments; final.pt and best.pt hold the weights), the
history, the late window judged and the pre-bifurcation checkpoint its controls are built from (fixtures/ has a
150 MB budget for every run of the campaign).
"""
from __future__ import annotations

import filecmp
import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hmmrnn.audits import write_audit  # noqa: E402
from hmmrnn.checkpoint import atomic_write_json  # noqa: E402
from hmmrnn.runs import evolution_epochs, evolution_path  # noqa: E402

CAP = 500           # the paper's length for linear:2: the campaign's --max-epochs
CONSECUTIVE = 3     # --until-converged's default K
LATE, LATE_EVERY = 180, 20
ONE_THREAD = {**os.environ, "OMP_NUM_THREADS": "1"}  # the judging subprocesses: one core, beside the training
SPARSE = 50  # and every 50th epoch over the whole run: what the whole-run claims (emergence, over-training) read


@contextmanager
def campaign_lock():
    """One writer at a time of fixtures/campaigns/*.json: a judge of one run beside another's, and --pack, each read,
    change and write them whole (an exclusive flock on a file in the temp folder; every writer takes it once)."""
    import fcntl
    import tempfile
    with open(Path(tempfile.gettempdir()) / "hmmrnn-campaign-cells.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield


SAME = ".same"  # final.pt.same in a pack: final.pt is the evolution checkpoint it names, kept once
FINISHED = "finished.pt"  # a finished run's state without its weights and optimizer (it never resumes)
HEAVY = ("model", "optimizer", "best_model")  # what FINISHED leaves out: final.pt and best.pt hold the weights


def _state(run: Path) -> dict | None:
    """A run's training state (state.pt), else its finished state (FINISHED: config, epoch, history, best)."""
    for p in (run / "state.pt", run / FINISHED):
        if p.exists():
            return torch.load(p, map_location="cpu", weights_only=False)
    return None


def _state_or_packed(runs: Path, out: Path, name: str) -> dict | None:
    """A run's state: its training folder's, else the one packed in OUT (a fresh machine before unpack)."""
    st = _state(runs / name)
    for packed in (out / name / "state.pt.packed", out / name / FINISHED):
        if st is None and packed.exists():
            st = torch.load(packed, map_location="cpu", weights_only=False)
    return st


def _where(st: dict | None, run: Path) -> str:
    if (run / "DIVERGED").exists():
        return "diverged: " + (run / "DIVERGED").read_text().strip()
    if st is None:
        return "not started"
    h = st["history"]
    last = h[-1] if h else {}
    conv = last.get("convergence_streak", 0) >= CONSECUTIVE
    cap = st["config"].get("epochs", CAP)
    state = "converged" if conv else ("stopped at the cap" if st["epoch"] >= cap else "running/unfinished")
    val = f", val {last['val']:.4g}" if h else ""
    best = f", best {st['best_val']:.4g} at {st['best_epoch']}" if h else ""
    rule = "" if st["config"].get("until_converged") else " (fixed length, no stopping rule)"
    return f"epoch {st['epoch']}/{cap}{val}{best}: {state}{rule}"


def finished(run: Path) -> bool:
    if (run / "DIVERGED").exists():
        return True
    st = _state(run)
    if st is None or not (run / "final.pt").exists():
        return False
    last = st["history"][-1] if st["history"] else {}
    return st["epoch"] >= st["config"].get("epochs", CAP) or last.get("convergence_streak", 0) >= CONSECUTIVE


def _evolution(run: Path) -> dict[int, Path]:
    """{epoch: checkpoint} of a run's evolution checkpoints."""
    return {e: evolution_path(run, e) for e in evolution_epochs(run)}


def _late(run: Path, epoch: int, late: int = LATE, every: int = LATE_EVERY) -> list[Path]:
    """The evolution checkpoints the late audit reads (as hmmrnn audit --late picks them): every ``every``
    epochs back from the last one at or before ``epoch``, over ``late`` epochs (late_window: what --judge reads)."""
    have = _evolution(run)
    last = max((e for e in have if e <= epoch), default=None)
    if last is None:
        return []
    return [have[e] for e in sorted(have) if last - late <= e <= last and (last - e) % every == 0]


def _pre_bifurcation(run: Path, st: dict) -> list[Path]:
    """The evolution checkpoint the run's pre-bifurcation control is built from (hmmrnn controls --run)."""
    from hmmrnn.controls import pre_bifurcation_epoch
    have = _evolution(run)
    try:
        return [have[pre_bifurcation_epoch(st["history"], sorted(have))]]
    except (ValueError, KeyError):
        return []


def pack(runs: Path, out: Path, names: list[str]) -> None:
    for name in names:
        run, dst = runs / name, out / name
        st = _state(run)
        if st is None:
            continue
        tmp = out / f".{name}.packing"
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "evolution").mkdir(parents=True)
        done = finished(run)
        if done:  # it never resumes: its state without the weights (final.pt, best.pt) and Adam's moments
            torch.save({k: v for k, v in st.items() if k not in HEAVY}, tmp / FINISHED)
        else:
            shutil.copy2(run / "state.pt", tmp / "state.pt.packed")  # state.pt itself is ignored by git
        (tmp / "history.json").write_text(json.dumps(st["history"]))
        for f in ("final.json", "best.json", "DIVERGED"):
            if (run / f).exists():
                shutil.copy2(run / f, tmp / f)
        if judge_journal(name).exists():  # a judging interrupted at the session's end goes on from its rows
            shutil.copy2(judge_journal(name), tmp / JUDGE_ROWS)
            if not judge_output(name).exists():  # its whole claims join the table meanwhile
                from hmmrnn.journal import read
                with campaign_lock():
                    kept = merge_judged(name, cell_of_name(name), read(judge_journal(name)), complete_only=True)
                print(f"{name}: judging unfinished; {kept} rows of its wholly judged claims in {CELLS_AUDIT}")
        keep = set(_late(run, st["epoch"], *late_window(run)))
        if done:  # what is judged (the late window) and what its controls are built from (the pre-bifurcation)
            keep |= set(_pre_bifurcation(run, st))
        else:  # and every SPARSE-th epoch for the whole-run claims, while it trains
            keep |= {p for e, p in _evolution(run).items() if e % SPARSE == 0}
        for p in sorted(keep):
            for q in (p, p.with_suffix(".json")):
                if q.exists():
                    shutil.copy2(q, tmp / "evolution" / q.name)
        for f in ("final.pt", "best.pt"):  # the final weights are the last evolution checkpoint's, byte for byte
            if (run / f).exists():
                same = next((p for p in sorted(keep) if filecmp.cmp(p, run / f, shallow=False)), None)
                if same is None:
                    shutil.copy2(run / f, tmp / f)
                else:  # one copy in the pack; unpack writes it back
                    (tmp / (f + SAME)).write_text(f"evolution/{same.name}\n")
        shutil.rmtree(dst, ignore_errors=True)
        tmp.rename(dst)
        print(f"packed {name}: {_where(st, run)}; {_size(dst) / 2**20:.1f} MiB")
    if Path("fixtures").is_dir():  # the campaign's share of the budget, said at every pack
        used = _size(Path("fixtures")) / 1e6
        print(f"fixtures/: {used:.1f} MB of {BUDGET_MB} MB" + ("  ** over the budget **" if used > BUDGET_MB else ""))


BUDGET_MB = 150  # fixtures/ in all (issue 30)


def _size(folder: Path) -> int:
    return sum(f.lstat().st_size for f in folder.rglob("*") if f.is_file())  # a link counts as itself


CELLS_AUDIT = Path("fixtures/campaigns/cells.json")
JUDGE_ROWS = "judge.jsonl"  # a packed run's judging rows so far (the journal's name, *.rows.jsonl, is ignored by git)


def judge_output(name: str) -> Path:
    """Where --judge has hmmrnn audit write one run's rows (then merged into cells.json)."""
    return CELLS_AUDIT.with_name(f".cells-{name}.json")


def judge_journal(name: str) -> Path:
    """The rows journal hmmrnn audit keeps beside judge_output (hmmrnn.journal): what --resume goes on from."""
    out = judge_output(name)
    return out.with_name(f".{out.name}.rows.jsonl")


def cell_of_name(name: str) -> str:
    """linear2-relu-bias-seed0 -> relu+bias; linear2-gru-seed1 -> gru."""
    cell = name.removeprefix("linear2-").rsplit("-seed", 1)[0]
    return "relu+bias" if cell == "relu-bias" else cell


ORDER = ("tanh", "gru", "lstm", "relu-bias")  # campaign_cells.sh's CELLS: seed 0 of each, then seed 1, then seed 2


def training_order(name: str) -> tuple[int, int, str]:
    """Where a run stands in the campaign's order (linear2-gru-seed1 -> (1, 1, ...)); other names last."""
    cell, _, seed = name.removeprefix("linear2-").rpartition("-seed")
    known = cell in ORDER and seed.isdigit()
    return (int(seed), ORDER.index(cell), name) if known else (99, 99, name)


def write_status(runs: Path, out: Path, names: list[str]) -> dict:
    """The campaign's status per run named into fixtures/campaigns/cells.json (its judged rows and the other runs'
    status kept: `judge RUNS PACK NAME` judges one run beside another judging)."""
    with campaign_lock():
        return _write_status(runs, out, names)


def _write_status(runs: Path, out: Path, names: list[str]) -> dict:
    data = json.loads(CELLS_AUDIT.read_text()) if CELLS_AUDIT.exists() else {"claims": []}
    status = {}
    for name in names:
        run = runs / name
        st = _state_or_packed(runs, out, name)
        status[name] = {"cell": cell_of_name(name), "status": _where(st, run),
                        "converged": bool(st and st["history"] and
                                          st["history"][-1].get("convergence_streak", 0) >= CONSECUTIVE)}
    judged = (data.get("campaign") or {}).get("judged", [])  # runs whose judging finished: never judged again
    runs_status = dict((data.get("campaign") or {}).get("runs") or {})  # the others kept
    runs_status.update(status)
    runs_status = dict(sorted(runs_status.items(), key=lambda kv: training_order(kv[0])))  # each in its place
    data["campaign"] = {"command": "bash scripts/campaign_cells.sh", "runs": runs_status, "judged": judged}
    CELLS_AUDIT.parent.mkdir(parents=True, exist_ok=True)
    write_audit(CELLS_AUDIT, data, sort_head=False)  # rows one per line, as the late audits
    return data


MANIFEST = Path("fixtures/manifest.json")


def write_manifest(runs: Path, out: Path, names: list[str]) -> None:
    """Every started campaign run in the manifest's ``runs`` list, with its provenance: the cell, the command, how
    far it got, the loss rule's verdict on its history and where its packed state lies (converged or not, never
    left out)."""
    from hmmrnn.analysis.convergence import loss_verdict
    from hmmrnn.errors import ClaimError
    m = json.loads(MANIFEST.read_text())
    entries = {r["name"]: r for r in m.get("runs", [])}
    for name in names:
        st = _state_or_packed(runs, out, name)
        if st is None:
            continue
        try:
            conv = {k: round(v, 4) if isinstance(v, float) else v for k, v in loss_verdict(st["history"]).items()}
        except ClaimError as e:
            conv = {"why_not": str(e), "converged": False}
        cfg = st["config"]
        entries[name] = {"name": name, "hmm": cfg["hmm"], "cell": cell_of_name(name), "seed": cfg["seed"],
                         "epochs": st["epoch"], "planned_epochs": cfg.get("epochs"),
                         "trained": "universality campaign (issue 30), CPU, one thread",
                         "command": "bash scripts/campaign_cells.sh", "until_converged": cfg.get("until_converged"),
                         "device": cfg.get("device"), "wall_seconds": round(float(st.get("wall", 0.0)), 1),
                         "path": str(out / name), "status": _where(st, runs / name), "in_ci": False,
                         "converged": bool(conv.get("converged")), "convergence": conv,
                         "convergence_rule": "loss (hmmrnn.analysis.convergence: issue 20; plateau on the curve, issue 30)"}
    m["runs"] = list(entries.values())
    atomic_write_json(MANIFEST, m)


def late_window(run: Path) -> tuple[int, int]:
    """(late epochs, every) of a run's late audit. A run at the cap: the replication summary's window (the last
    LATE epochs, every LATE_EVERY). A run the loss rule stopped early: the final plateau the rule itself read (its
    last WINDOW epochs), every evolution checkpoint there (every 10), since the last LATE epochs of a short run
    reach back into the first plateau. Fixed before any campaign run was judged."""
    from hmmrnn.analysis.convergence import WINDOW
    st = _state(run)
    if st is not None and st["epoch"] < st["config"].get("epochs", CAP):
        return WINDOW, st["config"].get("evolution_every", 10)
    return LATE, LATE_EVERY


def merge_judged(name: str, cell: str, rows: list[dict], complete_only: bool) -> int:
    """One run's judged rows into cells.json (replacing that run's), trained checkpoints only. complete_only: an
    unfinished judging's rows, kept only for the (claim, reading) pairs judged on every one of its late checkpoints
    (the audit runs claim by claim, so a claim's rows are whole before the next one starts). Returns rows kept.
    Call it under campaign_lock()."""
    # the run's own late checkpoints only: a cohort claim decided over this one run (its "members" one network
    # of another cell) says nothing of the cohort the claim is about
    rows = [dict(r, cell=cell, run=name) for r in rows if r.get("role") == "trained" and "@" in r.get("checkpoint", "")]
    if complete_only and rows:
        every = {r["checkpoint"] for r in rows}
        by_pair: dict[tuple, set] = {}
        for r in rows:
            by_pair.setdefault((r["claim"], r["reading"]), set()).add(r["checkpoint"])
        rows = [r for r in rows if by_pair[(r["claim"], r["reading"])] == every]
    data = json.loads(CELLS_AUDIT.read_text())
    data["claims"] = [r for r in data.get("claims", []) if r.get("run") != name] + rows
    if not data.get("claims_meta"):  # what a finished audit writes beside its rows: every claim's thresholds
        from hmmrnn import registry, rows as result_rows
        data["claims_meta"] = {c.id: result_rows.claim_meta(c) for c in registry.all_claims()}
    write_audit(CELLS_AUDIT, data, sort_head=False)  # rows one per line, as the late audits
    return len(rows)


def judge(runs: Path, out: Path, names: list[str]) -> int:
    """Every converged run's late checkpoints (every LATE_EVERY epochs over its last LATE) under every claim, both
    readings, into fixtures/campaigns/cells.json (rows journaled by hmmrnn audit: resumable); runs not converged
    are only listed (write_status)."""
    import subprocess
    data = write_status(runs, out, names)
    rc = 0
    for name in names:  # the runs named only: another process may be judging the others
        st = data["campaign"]["runs"][name]
        if not st["converged"] or name in data["campaign"]["judged"]:
            continue
        tmp = judge_output(name)
        late, every = late_window(runs / name)
        cmd = [sys.executable, "-m", "hmmrnn.cli", "audit", str(runs / name), "--late", str(late), "--late-every",
               str(every), "--report-dir", f"runs/audit-reports/{name}", "--", "--claims-json", str(tmp),
               "-p", "no:cacheprovider", "-q", "--resume"]
        print("judge:", " ".join(cmd[2:]), flush=True)
        rc = max(rc, _judged_rc(name, subprocess.call(cmd, env=ONE_THREAD)))
        if tmp.exists():
            got = json.loads(tmp.read_text())
            with campaign_lock():
                merge_judged(name, st["cell"], got.get("claims", []), complete_only=False)
                data = json.loads(CELLS_AUDIT.read_text())
                data["claims_meta"] = got.get("claims_meta", data.get("claims_meta", {}))
                if not judge_journal(name).exists():  # the audit finished: its journal is gone, its rows are all in
                    data["campaign"]["judged"] = sorted(set(data["campaign"].get("judged", [])) | {name})
                    tmp.unlink()
                write_audit(CELLS_AUDIT, data, sort_head=False)  # rows one per line, as the late audits
    for name in json.loads(CELLS_AUDIT.read_text())["campaign"].get("judged", []):
        if name in names:
            rc = max(rc, judge_controls(runs, name, cell_of_name(name)))
    return rc


def _judged_rc(what: str, rc: int) -> int:
    """A judging's exit status: pytest's 1 (some claim failed) is a finding, recorded in the rows, not an error of
    the judging; anything else (interrupted, internal error, no test) is passed on."""
    if rc == 1:
        print(f"judge: {what}: some claims fail (recorded with their statistics)", flush=True)
        return 0
    return rc


CELLS_CONTROLS = Path("fixtures/campaigns/cells-controls.json")


def judge_controls(runs: Path, name: str, cell: str) -> int:
    """A judged run's own controls, judged on the central claims with both readings, into CELLS_CONTROLS (the
    universality table grades each cell against them): the untrained net of its seed, its recurrent weights
    shuffled within gate blocks, and its pre-bifurcation checkpoint (hmmrnn controls --run; no wrong-HMM control,
    no line attractor for another cell). Skipped when the file holds the run's rows already; built in
    runs/cells-controls/NAME."""
    import subprocess
    from hmmrnn.registry import DEFAULT_SEED
    from hmmrnn.replication import central
    data = json.loads(CELLS_CONTROLS.read_text()) if CELLS_CONTROLS.exists() else {"claims": []}
    if any(r.get("run") == name for r in data["claims"]):
        return 0
    fx = runs.parent / "cells-controls" / name
    shutil.rmtree(fx, ignore_errors=True)
    fx.mkdir(parents=True)
    build = controls_command(runs, name, fx)
    print("controls:", " ".join(build[2:]), flush=True)
    if subprocess.call(build, env=ONE_THREAD):
        return 1
    tmp = fx / "controls.json"
    ids = [c.id for _, c in central()]
    cmd = [sys.executable, "-m", "pytest", "claims", "-p", "no:cacheprovider", "-q", "--fixtures-dir", str(fx),
           "--claims-json", str(tmp), "--claims-seed", str(DEFAULT_SEED), "--report-dir", str(fx / "report"),
           "-k", " or ".join(ids)]
    print("controls:", " ".join(cmd[2:]), flush=True)
    rc = _judged_rc(f"{name}'s controls", subprocess.call(cmd, env=ONE_THREAD))
    if not tmp.exists():
        return rc or 1
    rows = [dict(r, cell=cell, run=name) for r in json.loads(tmp.read_text())["claims"] if r.get("role") == "control"]
    rev = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    with campaign_lock():
        _merge_controls(name, rows, rev)
    print(f"controls: {len(rows)} rows of {name}'s controls in {CELLS_CONTROLS}", flush=True)
    return rc


def controls_command(runs: Path, name: str, fx: Path) -> list[str]:
    """hmmrnn controls for one run: the untrained net of the run's own seed (its epoch 0) and its own shuffling
    (--seed from the name: linear2-relu-bias-seed1 -> 1), no wrong-HMM control, built into fx."""
    seed = name.rsplit("-seed", 1)[1]
    return [sys.executable, "-m", "hmmrnn.cli", "controls", "--run", str(runs / name), "--name", name,
            "--seed", seed, "--no-wrong-hmm", "--fixtures", str(fx)]


def _merge_controls(name: str, rows: list[dict], rev: str) -> None:
    """One run's control rows into CELLS_CONTROLS (replacing that run's); under campaign_lock()."""
    from hmmrnn.registry import DEFAULT_SEED
    data = json.loads(CELLS_CONTROLS.read_text()) if CELLS_CONTROLS.exists() else {"claims": []}
    data["claims"] = [r for r in data["claims"] if r.get("run") != name] + rows
    data["code"], data["seed"] = rev, DEFAULT_SEED
    data["note"] = ("each judged campaign run's own controls (issue 30 item 3) on the central claims, both readings: "
                    "built by `hmmrnn controls --run runs/cells/NAME --name NAME --seed SEED --no-wrong-hmm` (the untrained net of "
                    "its seed, its recurrent weights shuffled within gate blocks, its pre-bifurcation checkpoint) and "
                    "judged by `pytest claims --fixtures-dir DIR -k CENTRAL` (scripts/campaign_cells.py "
                    "judge_controls); the universality table grades each cell against them")
    write_audit(CELLS_CONTROLS, data)


def _copy_packed(src: Path, run: Path, overwrite: bool) -> None:
    """A packed run's files (all but its resumable state and judging rows) into its training folder; without
    ``overwrite`` only those the folder lacks. A file packed as a reference (final.pt.same: the evolution checkpoint
    it equals) is written back as that checkpoint's copy."""
    if not src.exists():
        return
    for p in sorted(src.rglob("*"), key=lambda p: p.name.endswith(SAME)):  # references last: their targets first
        if not p.is_file() or p.name in ("state.pt.packed", JUDGE_ROWS):
            continue
        same = p.name.endswith(SAME)
        d = run / p.relative_to(src)
        d = d.with_name(d.name.removesuffix(SAME)) if same else d
        if overwrite or not d.exists():
            d.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(run / p.read_text().strip() if same else p, d)


def unpack(runs: Path, out: Path, names: list[str]) -> None:
    for name in names:
        run, src = runs / name, out / name
        if (src / JUDGE_ROWS).exists() and not judge_journal(name).exists():
            judge_journal(name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src / JUDGE_ROWS, judge_journal(name))
        if (run / "state.pt").exists() or (run / FINISHED).exists():
            # a run folder that has its state (committed by hand, or this machine's) takes only the packed files
            # it lacks: the evolution checkpoints the next pack must keep
            _copy_packed(src, run, overwrite=False)
            continue
        state = src / "state.pt.packed"
        if (src / FINISHED).exists():
            state = None  # a finished run: its folder as packed, FINISHED in place of state.pt
        elif not state.exists():
            continue
        (run / "evolution").mkdir(parents=True, exist_ok=True)
        _copy_packed(src, run, overwrite=True)
        if state is None:
            print(f"unpacked {name} (finished) from {src}")
            continue
        shutil.copy2(state, run / "state.pt")
        print(f"resumed {name} from {state}")


PLATEAU_LEVEL = 25.0  # linear:2's first plateau sits at 31-36 (validation), the converged runs at 9-12


def first_below(val: list[float]) -> int | None:
    """The first epoch (1-based) at or below PLATEAU_LEVEL: where the run leaves its first plateau; None if never."""
    return next((i + 1 for i, x in enumerate(val) if x <= PLATEAU_LEVEL), None)


def plateau_returns(val: list[float], after: int = 100) -> list[tuple[int, int]]:
    """Episodes (first, last epoch) after ``after``, and after the run first left the plateau (a validation loss
    at or below PLATEAU_LEVEL), in which the validation loss is back above PLATEAU_LEVEL: the network has lost the
    second descent's solution and emits like the first plateau again. A run still on its first plateau at ``after``
    has not returned to it (tanh seed 1 first leaves it at epoch 143)."""
    left = first_below(val)
    out, i = [], max(after, len(val) if left is None else left - 1)
    while i < len(val):
        if val[i] > PLATEAU_LEVEL:
            j = i
            while j < len(val) and val[j] > PLATEAU_LEVEL:
                j += 1
            out.append((i + 1, j))
            i = j
        else:
            i += 1
    return out


def curves(runs: Path, out: Path, names: list[str], doc: Path = Path("docs/universality")) -> None:
    """The validation loss of every campaign run beside the ReLU seeds of linear:2 (fixtures/), and per run its
    returns to the first plateau after epoch 100 and after its first descent: docs/universality/loss-curves.png
    and plateau-returns.md."""
    from hmmrnn.analysis.convergence import loss_verdict
    from hmmrnn.errors import ClaimError
    from hmmrnn.plotting import plt, save
    series = {}
    for name in names:
        st = _state_or_packed(runs, out, name)
        if st is not None and st["history"]:
            series[name] = [h["val"] for h in st["history"]]
    relu = {}
    for name in ("linear2-seed0-to500", "linear2-seed1-to500", "linear2-seed2-to500", "linear2-seed3", "linear2-seed4"):
        f = Path("fixtures") / name / "history.json"
        if f.exists():
            relu[name] = [h["val"] for h in json.loads(f.read_text())]
    doc.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(9, 4))
    for name, v in relu.items():
        ax.plot(range(1, len(v) + 1), v, color="0.75", lw=0.8, label="relu (fixtures)" if name == next(iter(relu)) else None)
    for name, v in series.items():
        ax.plot(range(1, len(v) + 1), v, lw=1, label=name)
    ax.axhline(PLATEAU_LEVEL, color="k", ls=":", lw=0.8)
    ax.set(xlabel="epoch", ylabel="validation loss (Sinkhorn)", title="linear:2, H=150, d=100: validation loss per cell")
    ax.legend(fontsize=7)
    save(fig, doc / "loss-curves.png")
    lines = ["| run | epochs | first below 25 | returns to the plateau after epoch 100 and the first descent (val > 25) | "
             "epochs spent there | "
             "convergence rule at the last epoch |", "|---|---|---|---|---|---|"]
    for name, v in {**series, **relu}.items():
        eps = plateau_returns(v)
        try:
            got = loss_verdict([{"epoch": i + 1, "val": x} for i, x in enumerate(v)])
            rule = "converged" if got["converged"] else f"not converged ({got['why_not']})"
            rule += f"; descent {got['descent']:.2f}, late change {got['late_change']:.3f}"
        except ClaimError as e:
            rule = f"not yet judged: {e}"
        left = first_below(v)
        lines.append(f"| {name} | {len(v)} | {left or 'never'} | {len(eps)}: {', '.join(f'{a}-{b}' for a, b in eps) or '-'} | "
                     f"{sum(b - a + 1 for a, b in eps)} | {rule} |")
    (doc / "plateau-returns.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main(argv: list[str]) -> int:
    cmd, runs, out, names = argv[0], Path(argv[1]), Path(argv[2]), argv[3:]
    if cmd == "status":
        for name in names:
            st = _state(runs / name)
            run = runs / name if st is not None else out / name
            st = st or _state_or_packed(runs, out, name)
            print(f"{name:28s} {_where(st, run)}")
        return 0
    if cmd == "pack":
        pack(runs, out, names)
        write_status(runs, out, names)
        write_manifest(runs, out, names)
        return 0
    if cmd == "unpack":
        unpack(runs, out, names)
        return 0
    if cmd == "judge":
        return judge(runs, out, names)
    if cmd == "curves":
        curves(runs, out, names)
        return 0
    if cmd == "done":
        return 0 if finished(runs / names[0]) else 1
    print(f"campaign_cells.py: unknown command {cmd}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `--status | head` ends quietly
    sys.exit(main(sys.argv[1:]))
