"""Training sweeps on Ray: one Ray task per (HMM, seed) run, each a resumable ``Trainer`` in OUT/NAME.

Ray does the scheduling (a local instance, or a cluster by address); this module only builds the runs,
reports each as it finishes and writes its manifest entry. A run folder that already holds a finished
run is not trained again, and an unfinished one resumes, so re-running the same sweep is cheap and safe.
On a cluster, OUT must be a path every node sees (a shared file system).
"""
from __future__ import annotations

import os
import re
import time
from pathlib import Path

from . import manifest
from .hmm import parse_spec
from .runs import run_name  # noqa: F401  (re-exported)
from .train import TrainConfig, Trainer


def parse_seeds(text: str) -> list[int]:
    """'0-9', '1,3,5', '2' or mixes ('0-2,7') -> sorted distinct seeds."""
    seeds: set[int] = set()
    for part in filter(None, (p.strip() for p in text.split(","))):
        m = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not m:
            raise ValueError(f"{text!r}: seeds read like 0-9, 1,3,5 or 2")
        lo, hi = int(m[1]), int(m[2] or m[1])
        if hi < lo:
            raise ValueError(f"{part!r}: empty range")
        seeds.update(range(lo, hi + 1))
    if not seeds:
        raise ValueError(f"{text!r}: no seeds")
    return sorted(seeds)


def train_command(cfg: TrainConfig, run_dir: Path) -> str:
    """The ``hmmrnn train`` command that trains (or resumes) the same run: the entry's provenance."""
    cmd = (f"hmmrnn train --hmm {cfg.hmm} --hidden {cfg.hidden} --input {cfg.inputs} --epochs {cfg.epochs} "
           f"--seed {cfg.seed} --batch {cfg.batch} --n-sequences {cfg.n_sequences} "
           f"--evolution-every {cfg.evolution_every}")
    return cmd + (f" --seq-len {cfg.seq_len}" if cfg.seq_len else "") + f" --out {run_dir}"


def train_one(cfg: TrainConfig, out: Path, name: str, threads: int) -> dict:
    """Train (or resume, or just read) one run; the body of the Ray task. Returns its manifest entry
    plus '_task' (wall seconds of this task, epoch it resumed after, whether it trained)."""
    import torch
    t0 = time.perf_counter()
    torch.set_num_threads(max(1, threads))
    run_dir = out / name
    trainer = Trainer(cfg, run_dir, log=lambda *a, **k: None)
    try:
        trainer.resume()
    except SystemExit as e:  # a config mismatch; SystemExit would take the Ray worker down with it
        raise RuntimeError(str(e)) from None
    start = trainer.epoch
    trained = not (start >= trainer.cfg.epochs and (run_dir / "final.pt").exists())
    if trained:
        trainer.fit(progress=False)
    entry = manifest.trained_entry(out, run_dir, name, train_command(cfg, run_dir))
    entry["_task"] = {"seconds": round(time.perf_counter() - t0, 1), "resumed_after": start, "trained": trained}
    return entry


def _one_line(err: BaseException) -> str:
    cause = getattr(err, "cause", None) or err  # RayTaskError wraps the task's own exception
    text = str(cause).strip()
    return f"{type(cause).__name__}: {text.splitlines()[0]}" if text else type(cause).__name__


def _init_ray(ray, ray_address, num_cpus) -> bool:
    """Connect to ray_address, or start a light local instance. True when this call started it."""
    if ray.is_initialized():  # the caller's own instance: use it, leave it running
        return False
    if ray_address:
        ray.init(address=ray_address, log_to_driver=False)
    else:
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False, configure_logging=False)
    return True


def run_sweep(hmm: str, seeds: list[int], out: Path, *, epochs: int, hidden: int, inputs: int,
              n_sequences: int = 30000, batch: int = 4096, evolution_every: int = 10, seq_len: int | None = None,
              ray_address: str | None = None, num_cpus: int | None = None, cpus_per_task: float = 1,
              gpus_per_task: float = 0, fixtures_manifest: Path | None = None, log=print) -> list[dict]:
    """Train one run per seed as Ray tasks; OUT/NAME per run, entries upserted into OUT/manifest.json
    (and fixtures_manifest, path relative to its folder) as each run finishes.

    Returns the manifest entries of the runs that finished, then {'name', 'error'} for each that failed.
    """
    import ray

    out = Path(out).resolve()
    target = parse_spec(hmm)  # a bad spec fails here, once, not in every task
    out.mkdir(parents=True, exist_ok=True)
    fx_manifest = Path(fixtures_manifest).resolve() if fixtures_manifest else None
    configs = {run_name(hmm, s): TrainConfig(hmm=hmm, hidden=hidden, inputs=inputs, epochs=epochs, seed=s,
                                             batch=batch, seq_len=seq_len, n_sequences=n_sequences,
                                             evolution_every=evolution_every, hmm_json=target.to_json())
               for s in seeds}
    owns = _init_ray(ray, ray_address, num_cpus)
    try:
        task = ray.remote(num_cpus=cpus_per_task, num_gpus=gpus_per_task)(train_one)
        threads = max(1, int(cpus_per_task))
        pending = {task.remote(cfg, out, name, threads): name for name, cfg in configs.items()}
        log(f"hmmrnn sweep: {len(pending)} run(s) of {target.name} -> {out} "
            f"(ray: {ray.cluster_resources().get('CPU', 0):g} CPUs)", flush=True)
        entries, failures = [], []
        while pending:
            [ref], _ = ray.wait(list(pending), num_returns=1)
            name = pending.pop(ref)
            try:
                entry = ray.get(ref)
            except Exception as e:  # RayTaskError, a crashed worker: one line, the others go on
                failures.append({"name": name, "error": _one_line(e)})
                log(f"{name}: FAILED {failures[-1]['error']}", flush=True)
                continue
            info = entry.pop("_task")
            manifest.upsert(out / "manifest.json", entry)
            if fx_manifest:
                rel = os.path.relpath(out / entry["path"], fx_manifest.parent)
                manifest.upsert(fx_manifest, dict(entry, path=rel))
            entries.append(entry)
            how = "trained" if info["trained"] and not info["resumed_after"] else \
                f"resumed after epoch {info['resumed_after']}" if info["trained"] else "already finished"
            val = entry["final_val_loss"]
            log(f"{name}: val loss {'n/a' if val is None else f'{val:.5f}'}, {info['seconds']:.1f} s ({how})",
                flush=True)
    finally:
        if owns:
            ray.shutdown()
    return entries + failures
