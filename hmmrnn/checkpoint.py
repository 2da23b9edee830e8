"""Checkpoint I/O: the project's own format (NAME.pt weights + NAME.json metadata) and the authors' format.

Every failure is a ``CheckpointError`` whose message is one line: the file and the problem.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import torch

from .hmm import HMM, HMMSpecError
from .rnn import RNN

FORMAT = "hmmrnn-checkpoint/1"
OWN_KEYS = {"weight_ih", "weight_hh", "weight_o"}
OPTIONAL_KEYS = {"bias_h", "bias_o"}
AUTHOR_KEYS = {"rnn.weight_ih_l0": "weight_ih", "rnn.weight_hh_l0": "weight_hh", "fc.weight": "weight_o"}


class CheckpointError(Exception):
    """A checkpoint that cannot be used. str() is 'PATH: problem'."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


@dataclass
class Checkpoint:
    model: RNN
    meta: dict = field(default_factory=dict)
    path: str = ""
    sha256: str = ""

    @property
    def name(self) -> str:
        return self.meta.get("name") or Path(self.path).stem

    @property
    def hmm(self) -> HMM | None:
        d = self.meta.get("hmm")
        return HMM.from_json(d) if d else None


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def atomic_write_bytes(path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: a reader never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_torch_save(obj, path) -> None:
    import io
    buf = io.BytesIO()
    torch.save(obj, buf)
    atomic_write_bytes(path, buf.getvalue())


def atomic_write_json(path, obj) -> None:
    atomic_write_bytes(path, (json.dumps(obj, indent=1, sort_keys=False) + "\n").encode())


def save(path, model: RNN, meta: dict) -> Checkpoint:
    """Write NAME.pt (state dict) then NAME.json (metadata incl. sha256 of the .pt)."""
    path = Path(path).with_suffix(".pt")
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    atomic_torch_save(state, path)
    digest = sha256_file(path)
    meta = dict(meta, format=FORMAT, hidden=model.hidden, inputs=model.inputs, outputs=model.outputs,
                bias=model.has_bias, sha256=digest, torch=torch.__version__)
    atomic_write_json(path.with_suffix(".json"), meta)
    return Checkpoint(model, meta, str(path), digest)


def _read_state(path: Path) -> dict:
    if not path.exists():
        raise CheckpointError(path, "no such file")
    if path.is_dir():
        raise CheckpointError(path, "is a folder, not a checkpoint file")
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(b"version https://git-lfs"):
        raise CheckpointError(path, "is a Git LFS pointer, not the weights: run 'git lfs pull' in its repository")
    if not head:
        raise CheckpointError(path, "is empty")
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # torch.load raises many types; the user needs one line, not the type
        raise CheckpointError(path, f"truncated, corrupt or not a torch checkpoint ({_load_reason(e)})") from None
    if isinstance(state, dict) and "state_dict" in state and isinstance(state["state_dict"], dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(path, "does not hold a state dict of tensors")
    return state


def _load_reason(e: Exception) -> str:
    text = str(e)
    if isinstance(e, (EOFError, zipfile.BadZipFile)) or "central directory" in text or "EOF" in text:
        return "file ends early"
    if "Weights only load failed" in text:
        return "it holds Python objects other than tensors, or is not a torch file"
    first = text.strip().splitlines()[0] if text.strip() else type(e).__name__
    return first[:100]


def _to_own_keys(path: Path, state: dict) -> tuple[dict, str]:
    keys = set(state)
    if keys >= OWN_KEYS:
        fmt, st = "hmmrnn", dict(state)
    elif keys >= set(AUTHOR_KEYS):
        fmt, st = "authors", {AUTHOR_KEYS.get(k, k): v for k, v in state.items()}
    else:
        missing = sorted(OWN_KEYS - keys) if keys & OWN_KEYS else sorted(set(AUTHOR_KEYS) - keys)
        raise CheckpointError(path, f"missing weights {missing}; found keys {sorted(keys)[:6]}")
    unknown = set(st) - OWN_KEYS - OPTIONAL_KEYS
    if unknown:
        raise CheckpointError(path, f"unknown keys {sorted(unknown)}")
    return st, fmt


def _check_shapes(path: Path, st: dict) -> tuple[int, int, int]:
    for k, v in st.items():
        if not torch.isfinite(v).all():
            raise CheckpointError(path, f"{k} holds NaN or Inf values")
    ih, hh, o = st["weight_ih"], st["weight_hh"], st["weight_o"]
    if ih.ndim != 2 or hh.ndim != 2 or o.ndim != 2:
        raise CheckpointError(path, "weights must be matrices")
    H, d = ih.shape
    if hh.shape != (H, H):
        raise CheckpointError(path, f"shape mismatch: recurrent weights {tuple(hh.shape)}, input weights {tuple(ih.shape)}")
    if o.shape[1] != H:
        raise CheckpointError(path, f"shape mismatch: readout {tuple(o.shape)} for {H} hidden units")
    for k, n in (("bias_h", H), ("bias_o", o.shape[0])):
        if k in st and st[k].shape != (n,):
            raise CheckpointError(path, f"shape mismatch: {k} {tuple(st[k].shape)}, expected ({n},)")
    return H, d, o.shape[0]


def _read_meta(path: Path, json_path: Path) -> dict:
    if not json_path.exists():
        return {}
    try:
        meta = json.loads(json_path.read_bytes())
    except (OSError, ValueError) as e:  # ValueError: bad JSON and bytes that are not UTF-8 (found by fuzzing)
        raise CheckpointError(json_path, f"metadata is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise CheckpointError(json_path, "metadata must be a JSON object")
    return meta


def load(path) -> Checkpoint:
    """Load a checkpoint of either format; raise CheckpointError with a one-line reason."""
    path = Path(path)
    state = _read_state(path)
    st, fmt = _to_own_keys(path, state)
    H, d, O = _check_shapes(path, st)
    if fmt == "hmmrnn":
        meta = _read_meta(path, path.with_suffix(".json"))
    else:  # the authors' optional config.json beside the weights
        meta = _read_meta(path, path.parent / "config.json")
        meta = {"source_format": "authors", "authors_config": meta} if meta else {"source_format": "authors"}
    digest = sha256_file(path)
    for key, val in (("hidden", H), ("inputs", d), ("outputs", O)):
        if key in meta and meta[key] != val:
            raise CheckpointError(path, f"metadata says {key}={meta[key]} but the weights have {val}")
    if meta.get("sha256") and meta["sha256"] != digest:
        raise CheckpointError(path, "sha256 of the weights differs from the metadata (file changed or mixed up)")
    if meta.get("hmm"):
        try:
            HMM.from_json(meta["hmm"])
        except HMMSpecError as e:
            raise CheckpointError(path, f"metadata HMM is invalid: {e}") from None
    model = RNN(H, d, O, bias="bias_h" in st)
    model.load_state_dict({k: v.float() for k, v in st.items()}, strict=False)
    model.requires_grad_(False)
    return Checkpoint(model, meta, str(path), digest)


def find_checkpoints(path) -> list[Path]:
    """A file is itself; a folder gives its *.pt and *.pth files (not evolution sub-folders), sorted."""
    p = Path(path)
    if p.is_dir():
        return sorted(x for x in p.iterdir() if x.suffix in (".pt", ".pth") and x.is_file())
    return [p]
