"""Checkpoint I/O: the project's own format (NAME.pt weights + NAME.json metadata), the authors' format
(``rnn.*_l0`` + ``fc.*``) and bare torch state dicts (nn.RNN / nn.GRU / nn.LSTM keys ``*_l0`` + a Linear's).

Every failure is a ``CheckpointError`` whose message is one line: the file and the problem.
The cell: GRU and LSTM are told by the shapes (weight_hh rows 3H / 4H); relu and tanh have the same keys and
shapes, so a one-gate network's cell comes from the metadata's ``cell``, else ``load(cell=...)``, else relu
(assumed: ``Checkpoint.cell_assumed`` and ``Checkpoint.note`` say so).
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
from .rnn import CELLS, GATES, RNN

FORMAT = "hmmrnn-checkpoint/1"
OWN_KEYS = {"weight_ih", "weight_hh", "weight_o"}
OPTIONAL_KEYS = {"bias_h", "bias_o", "bias_ih", "bias_hh"}
AUTHOR_KEYS = {"rnn.weight_ih_l0": "weight_ih", "rnn.weight_hh_l0": "weight_hh", "fc.weight": "weight_o"}
TORCH_NAMES = {"weight_ih_l0": "weight_ih", "weight_hh_l0": "weight_hh", "bias_ih_l0": "bias_ih",
               "bias_hh_l0": "bias_hh"}  # one layer of nn.RNN / nn.GRU / nn.LSTM
READOUT_NAMES = {"weight": "weight_o", "bias": "bias_o"}  # nn.Linear


class CheckpointError(Exception):
    """A checkpoint that cannot be used. str() is 'PATH: problem'."""

    def __init__(self, path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = str(path), problem


@dataclass
class Checkpoint:
    """A loaded network with its metadata. cell_assumed: the cell taken for want of any word on it (relu), else
    None; note: one line saying so and how to override, else ''."""

    model: RNN
    meta: dict = field(default_factory=dict)
    path: str = ""
    sha256: str = ""
    cell_assumed: str | None = None
    note: str = ""

    @property
    def cell(self) -> str:
        return self.model.cell

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
    meta = dict(meta, format=FORMAT, cell=model.cell, hidden=model.hidden, inputs=model.inputs,
                outputs=model.outputs, bias=model.has_bias, sha256=digest, torch=torch.__version__)
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
    if not isinstance(state, dict) or not all(isinstance(k, str) and isinstance(v, torch.Tensor)
                                              for k, v in state.items()):
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


def _refuse_layers(path: Path, keys) -> None:
    """One line for torch state dicts of networks this project does not run: several layers, two directions,
    LSTM projections."""
    for k in sorted(keys):
        if k.endswith("_reverse"):
            raise CheckpointError(path, f"a bidirectional network ({k}): only one direction is supported")
    for k in sorted(keys):
        tail = k.rsplit("_l", 1)[-1] if "_l" in k else ""
        if tail.isdigit() and tail != "0":
            raise CheckpointError(path, f"a network of several layers ({k}): only one layer is supported")
        if k.rsplit(".", 1)[-1].startswith("weight_hr_l"):
            raise CheckpointError(path, f"an LSTM with projections ({k}): not supported")


def _layout(keys: set) -> tuple[str, dict]:
    """(format, {file key: own name}) of a state dict's keys: ours, the authors' or a bare torch module's."""
    if keys >= OWN_KEYS:
        return "hmmrnn", {k: k for k in OWN_KEYS | OPTIONAL_KEYS}
    if keys & {"rnn.weight_ih_l0", "rnn.weight_hh_l0"} or not keys & set(TORCH_NAMES):
        return "authors", {**{f"rnn.{k}": v for k, v in TORCH_NAMES.items()},
                           **{f"fc.{k}": v for k, v in READOUT_NAMES.items()}}
    fc = "fc." if "fc.weight" in keys else ""  # the readout as an nn.Linear named fc, or its keys bare
    return "torch", {**TORCH_NAMES, **{f"{fc}{k}": v for k, v in READOUT_NAMES.items()}}


def _to_own_keys(path: Path, state: dict) -> tuple[dict, str]:
    """The state dict under the RNN's own parameter names, and its format (hmmrnn, authors or torch)."""
    keys = set(state)
    _refuse_layers(path, keys)
    fmt, names = _layout(keys)
    needed = {k for k, v in names.items() if v in OWN_KEYS}
    if not keys >= needed:
        missing = sorted(OWN_KEYS - keys) if keys & OWN_KEYS else sorted(needed - keys)
        raise CheckpointError(path, f"missing weights {missing}; found keys {sorted(keys)[:6]}")
    unknown = keys - set(names)
    if unknown:
        raise CheckpointError(path, f"unknown keys {sorted(unknown)}")
    back = {v: k for k, v in names.items()}
    for one, other in (("bias_ih", "bias_hh"), ("bias_hh", "bias_ih")):
        if back[one] in keys and back[other] not in keys:
            raise CheckpointError(path, f"unknown keys {[back[one]]} without {back[other]} "
                                        "(torch's recurrent biases come as a pair)")
    if "bias_h" in keys and "bias_ih" in keys:
        raise CheckpointError(path, "both bias_h and bias_ih/bias_hh: one recurrent bias layout at a time")
    return {names[k]: v for k, v in state.items()}, fmt


def _check_shapes(path: Path, st: dict) -> tuple[int, int, int, int]:
    """(H, d, O, G) of the weights [G*H, d], [G*H, H], [O, H] and their biases; one line when they match no cell."""
    for k, v in st.items():
        if not torch.isfinite(v).all():
            raise CheckpointError(path, f"{k} holds NaN or Inf values")
    ih, hh, o = st["weight_ih"], st["weight_hh"], st["weight_o"]
    if ih.ndim != 2 or hh.ndim != 2 or o.ndim != 2:
        raise CheckpointError(path, "weights must be matrices")
    H = hh.shape[1]
    G = hh.shape[0] // H if H and hh.shape[0] % H == 0 else 0
    if G not in (1, 3, 4) or ih.shape[0] != hh.shape[0]:
        raise CheckpointError(path, f"shape mismatch: recurrent weights {tuple(hh.shape)}, input weights "
                                    f"{tuple(ih.shape)} (rows H, 3H or 4H for H columns: relu/tanh, gru, lstm)")
    if o.shape[1] != H:
        raise CheckpointError(path, f"shape mismatch: readout {tuple(o.shape)} for {H} hidden units")
    if G > 1 and "bias_h" in st:
        raise CheckpointError(path, f"bias_h belongs to a relu/tanh network, but the weights are a "
                                    f"{_SHAPE_CELL[G]}'s (bias_ih and bias_hh expected)")
    for k, n in (("bias_h", H), ("bias_o", o.shape[0]), ("bias_ih", G * H), ("bias_hh", G * H)):
        if k in st and st[k].shape != (n,):
            raise CheckpointError(path, f"shape mismatch: {k} {tuple(st[k].shape)}, expected ({n},)")
    return H, ih.shape[1], o.shape[0], G


_SHAPE_CELL = {3: "gru", 4: "lstm"}


def _cell(path: Path, G: int, meta: dict, asked: str | None) -> tuple[str, bool]:
    """(cell, assumed) from the shapes (G), the metadata's cell, the caller's cell: one line when they disagree."""
    said = meta.get("cell")
    for where, name in (("metadata cell", said), ("cell", asked)):
        if name is not None and name not in CELLS:
            raise CheckpointError(path, f"{where} {name!r} is unknown: one of {', '.join(CELLS)}")
    if said is not None and asked is not None and said != asked:
        raise CheckpointError(path, f"metadata says cell={said} but cell={asked} was asked for")
    name = said if said is not None else asked
    if name is not None and GATES[name] != G:
        shapes = _SHAPE_CELL.get(G, "relu or tanh")
        raise CheckpointError(path, f"{'metadata says' if said is not None else 'asked for'} cell={name} but the "
                                    f"weights are a {shapes} network's (weight_hh has {G}H rows)")
    if name is not None:
        return name, False
    if G > 1:
        return _SHAPE_CELL[G], False
    if meta.get("format") == FORMAT:  # written by hmmrnn before cells existed: relu was the only one
        return "relu", False
    return "relu", True


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


def load(path, cell: str | None = None) -> Checkpoint:
    """Load a checkpoint of any supported layout; raise CheckpointError with a one-line reason.

    cell: the cell of a relu/tanh network whose metadata does not say (the shapes cannot tell them apart);
    relu, assumed, when neither does. A relu/tanh net in torch's biased layout gets bias_h = bias_ih + bias_hh
    (the same function); a missing readout or recurrent bias beside a present one is zero."""
    path = Path(path)
    state = _read_state(path)
    st, fmt = _to_own_keys(path, state)
    H, d, O, G = _check_shapes(path, st)
    if fmt == "hmmrnn":
        meta = _read_meta(path, path.with_suffix(".json"))
    else:  # the authors' optional config.json beside the weights
        meta = _read_meta(path, path.parent / "config.json")
        meta = {"source_format": fmt, "authors_config": meta} if meta else {"source_format": fmt}
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
    name, assumed = _cell(path, G, meta if fmt == "hmmrnn" else {}, cell)
    model = RNN(H, d, O, bias=bool(set(st) & OPTIONAL_KEYS), cell=name)
    model.load_state_dict(_own_biases(model, {k: v.float() for k, v in st.items()}))
    model.requires_grad_(False)
    note = (f"{path}: cell assumed relu (relu and tanh have the same weights); if it is a tanh network, "
            f"say so (--cell tanh; from Python load(path, cell='tanh'))") if assumed else ""
    return Checkpoint(model, meta, str(path), digest, "relu" if assumed else None, note)


def _own_biases(model: RNN, st: dict) -> dict:
    """st completed to model's state dict: torch's pair summed into bias_h for relu/tanh, absent biases zero."""
    st = dict(st)
    if model.bias_h is not None and "bias_ih" in st:
        st["bias_h"] = st.pop("bias_ih") + st.pop("bias_hh")
    for k, v in model.state_dict().items():
        st.setdefault(k, torch.zeros_like(v))
    return st


def find_checkpoints(path) -> list[Path]:
    """A file is itself; a folder gives its *.pt and *.pth files (not evolution sub-folders), sorted."""
    p = Path(path)
    if p.is_dir():
        return sorted(x for x in p.iterdir() if x.suffix in (".pt", ".pth") and x.is_file())
    return [p]
