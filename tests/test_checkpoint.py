"""Checkpoint I/O: own format round trip, the authors' format, one-line errors, atomic writes."""
from __future__ import annotations

import json
import os

import numpy as np
import pytest
import torch

from hmmrnn.checkpoint import FORMAT, CheckpointError, find_checkpoints, load, save
from hmmrnn.hmm import linear_chain
from hmmrnn.rnn import RNN

torch.set_num_threads(1)

H, D = 7, 4


def _model(seed=0, bias=False) -> RNN:
    return RNN(H, D, 3, bias=bias, generator=torch.Generator().manual_seed(seed))


def _meta():
    return {"name": "tiny", "epoch": 3, "hmm": linear_chain(2).to_json(), "seed": 0}


def _same_weights(a: RNN, b: RNN) -> bool:
    sa, sb = a.state_dict(), b.state_dict()
    return sa.keys() == sb.keys() and all(torch.equal(sa[k], sb[k]) for k in sa)


# ---------------------------------------------------------------- own format


@pytest.mark.parametrize("bias", [False, True])
def test_round_trip(tmp_path, bias):
    m = _model(bias=bias)
    ck = save(tmp_path / "run" / "final", m, _meta())
    pt, js = tmp_path / "run" / "final.pt", tmp_path / "run" / "final.json"
    assert ck.path == str(pt) and pt.is_file() and js.is_file()
    meta = json.loads(js.read_text())
    for key in ("format", "hidden", "inputs", "outputs", "bias", "sha256", "torch", "hmm", "name", "epoch"):
        assert key in meta, key
    assert meta["format"] == FORMAT and (meta["hidden"], meta["inputs"], meta["outputs"]) == (H, D, 3)
    assert meta["bias"] is bias and len(meta["sha256"]) == 64 and meta["sha256"] == ck.sha256

    back = load(pt)
    assert _same_weights(back.model, m)
    assert back.model.has_bias is bias
    assert back.sha256 == meta["sha256"] and back.name == "tiny"
    assert np.array_equal(back.hmm.transition, linear_chain(2).transition)
    assert not any(p.requires_grad for p in back.model.parameters())


def test_save_adds_suffix_and_load_without_metadata(tmp_path):
    save(tmp_path / "a", _model(), {})
    (tmp_path / "a.json").unlink()
    back = load(tmp_path / "a.pt")
    assert back.meta == {} and back.name == "a" and back.hmm is None


# ---------------------------------------------------------------- the authors' format


def _authors_state(H_=H, d=D, O=3, seed=1):
    g = torch.Generator().manual_seed(seed)
    return {"rnn.weight_ih_l0": torch.randn(H_, d, generator=g), "rnn.weight_hh_l0": torch.randn(H_, H_, generator=g),
            "fc.weight": torch.randn(O, H_, generator=g)}


def test_authors_format_infers_sizes(tmp_path):
    st = _authors_state(H_=11, d=6)
    p = tmp_path / "model.pth"
    torch.save(st, p)
    ck = load(p)
    assert (ck.model.hidden, ck.model.inputs, ck.model.outputs) == (11, 6, 3)
    assert torch.equal(ck.model.weight_ih, st["rnn.weight_ih_l0"])
    assert torch.equal(ck.model.weight_hh, st["rnn.weight_hh_l0"])
    assert torch.equal(ck.model.weight_o, st["fc.weight"])
    assert ck.meta == {"source_format": "authors"} and not ck.model.has_bias


def test_authors_format_with_config_json(tmp_path):
    p = tmp_path / "model.pth"
    torch.save(_authors_state(), p)
    cfg = {"hidden_size": H, "input_size": D, "lr": 0.001}
    (tmp_path / "config.json").write_text(json.dumps(cfg))
    ck = load(p)
    assert ck.meta["source_format"] == "authors" and ck.meta["authors_config"] == cfg
    assert ck.model.hidden == H


def test_authors_format_wrapped_in_state_dict(tmp_path):
    p = tmp_path / "wrapped.pt"
    torch.save({"state_dict": _authors_state(), "epoch": 5}, p)
    assert load(p).model.hidden == H


def test_find_checkpoints(tmp_path):
    save(tmp_path / "b", _model(), {})
    torch.save(_authors_state(), tmp_path / "a.pth")
    (tmp_path / "evolution").mkdir()
    save(tmp_path / "evolution" / "epoch_0000", _model(), {})
    assert [p.name for p in find_checkpoints(tmp_path)] == ["a.pth", "b.pt"]
    assert find_checkpoints(tmp_path / "b.pt") == [tmp_path / "b.pt"]


# ---------------------------------------------------------------- one-line errors


def _error(path) -> str:
    with pytest.raises(CheckpointError) as ei:
        load(path)
    msg = str(ei.value)
    assert "\n" not in msg, msg
    return msg


def _expect(path, *words, at=None):
    msg = _error(path)
    assert msg.startswith(f"{at or path}: "), msg
    for w in words:
        assert w.lower() in msg.lower(), (w, msg)
    return msg


def _own_state(**changes):
    st = {k: v.clone() for k, v in _model().state_dict().items()}
    st.update(changes)
    return {k: v for k, v in st.items() if v is not None}


def test_missing_file(tmp_path):
    _expect(tmp_path / "nope.pt", "no such file")


def test_folder(tmp_path):
    (tmp_path / "dir.pt").mkdir()
    _expect(tmp_path / "dir.pt", "folder")


def test_empty_file(tmp_path):
    p = tmp_path / "empty.pt"
    p.write_bytes(b"")
    _expect(p, "empty")


def test_git_lfs_pointer(tmp_path):
    p = tmp_path / "model.pth"
    p.write_text("version https://git-lfs.github.com/spec/v1\noid sha256:" + "ab" * 32 + "\nsize 123\n")
    _expect(p, "Git LFS pointer", "git lfs pull")


def test_truncated_file(tmp_path):
    good = tmp_path / "good.pt"
    save(good, _model(), {})
    p = tmp_path / "trunc.pt"
    data = good.read_bytes()
    p.write_bytes(data[: len(data) // 2])
    _expect(p, "file ends early")


def test_random_bytes(tmp_path):
    p = tmp_path / "noise.pt"
    p.write_bytes(np.random.default_rng(0).bytes(4096))
    _expect(p, "not a torch file")


def test_not_a_state_dict(tmp_path):
    p = tmp_path / "list.pt"
    torch.save([torch.zeros(2)], p)
    _expect(p, "state dict")


def test_unknown_keys(tmp_path):
    p = tmp_path / "extra.pt"
    torch.save(_own_state(extra=torch.zeros(3)), p)
    _expect(p, "unknown keys", "extra")
    p2 = tmp_path / "extra_authors.pth"
    torch.save(dict(_authors_state(), **{"rnn.bias_ih_l0": torch.zeros(H)}), p2)
    _expect(p2, "unknown keys", "rnn.bias_ih_l0")


def test_missing_keys(tmp_path):
    p = tmp_path / "missing.pt"
    torch.save(_own_state(weight_o=None), p)
    _expect(p, "missing", "weight_o")
    p2 = tmp_path / "missing_authors.pth"
    st = _authors_state()
    del st["fc.weight"]
    torch.save(st, p2)
    _expect(p2, "missing", "fc.weight")
    p3 = tmp_path / "other.pt"
    torch.save({"foo": torch.zeros(1)}, p3)
    _expect(p3, "missing", "foo")


def test_shape_mismatch_recurrent(tmp_path):
    p = tmp_path / "hh.pt"
    torch.save(_own_state(weight_hh=torch.zeros(H, H + 1)), p)
    _expect(p, "shape mismatch", "recurrent", f"({H}, {H + 1})")
    p2 = tmp_path / "hh_authors.pth"
    torch.save(dict(_authors_state(), **{"rnn.weight_hh_l0": torch.zeros(H + 2, H + 2)}), p2)
    _expect(p2, "shape mismatch", "recurrent")


def test_shape_mismatch_readout(tmp_path):
    p = tmp_path / "o.pt"
    torch.save(_own_state(weight_o=torch.zeros(3, H - 1)), p)
    _expect(p, "shape mismatch", "readout", f"(3, {H - 1})", f"{H} hidden")


def test_shape_not_matrix(tmp_path):
    p = tmp_path / "vec.pt"
    torch.save(_own_state(weight_ih=torch.zeros(H)), p)
    _expect(p, "matrices")


def test_shape_mismatch_bias(tmp_path):
    p = tmp_path / "b.pt"
    st = {k: v.clone() for k, v in _model(bias=True).state_dict().items()}
    st["bias_h"] = torch.zeros(H + 1)
    torch.save(st, p)
    _expect(p, "shape mismatch", "bias_h")


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), float("-inf")])
def test_non_finite_weights(tmp_path, bad):
    w = torch.zeros(H, H)
    w[2, 3] = bad
    p = tmp_path / "nonfinite.pt"
    torch.save(_own_state(weight_hh=w), p)
    _expect(p, "weight_hh", "NaN or Inf")


def _saved(tmp_path):
    save(tmp_path / "m", _model(), _meta())
    return tmp_path / "m.pt", tmp_path / "m.json"


def _edit_meta(js, **changes):
    meta = json.loads(js.read_text())
    meta.update(changes)
    js.write_text(json.dumps(meta))


def test_metadata_hidden_disagrees(tmp_path):
    pt, js = _saved(tmp_path)
    _edit_meta(js, hidden=H + 5)
    _expect(pt, f"hidden={H + 5}", f"have {H}")


def test_metadata_inputs_disagree(tmp_path):
    pt, js = _saved(tmp_path)
    _edit_meta(js, inputs=D + 1)
    _expect(pt, f"inputs={D + 1}")


def test_metadata_sha256_disagrees(tmp_path):
    pt, js = _saved(tmp_path)
    _edit_meta(js, sha256="0" * 64)
    _expect(pt, "sha256")


def test_weights_replaced_after_metadata(tmp_path):
    pt, _ = _saved(tmp_path)
    torch.save(_model(seed=9).state_dict(), pt)  # same shapes, different bytes
    _expect(pt, "sha256")


def test_metadata_invalid_json(tmp_path):
    pt, js = _saved(tmp_path)
    js.write_text("{not json")
    _expect(pt, "not valid JSON", at=js)


def test_metadata_not_an_object(tmp_path):
    pt, js = _saved(tmp_path)
    js.write_text("[1, 2]")
    _expect(pt, "JSON object", at=js)


@pytest.mark.parametrize("hmm", [
    {"transition": [[0.9, 0.2], [0.1, 0.9]], "emission": [[1, 0, 0], [0, 0, 1]]},
    {"transition": [[1.0]]},
    "linear:2",
])
def test_metadata_hmm_invalid(tmp_path, hmm):
    pt, js = _saved(tmp_path)
    _edit_meta(js, hmm=hmm)
    _expect(pt, "metadata HMM is invalid")


# ---------------------------------------------------------------- atomic writes


def test_atomic_save_leaves_nothing_on_failure(tmp_path, monkeypatch):
    def boom(src, dst):
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="simulated"):
        save(tmp_path / "ck", _model(), _meta())
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_atomic_save_keeps_old_file_on_failure(tmp_path, monkeypatch):
    pt, js = _saved(tmp_path)
    before = pt.read_bytes(), js.read_bytes()
    calls = []
    real_replace = os.replace

    def second_fails(src, dst):  # the .pt is replaced, writing the .json fails
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", second_fails)
    with pytest.raises(KeyboardInterrupt):
        save(tmp_path / "m", _model(seed=5), _meta())
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json", "m.pt"]  # no temp files
    assert js.read_bytes() == before[1]
    assert pt.read_bytes() != before[0]
    # the new weights and the old metadata disagree: load says so rather than mixing them up
    _expect(pt, "sha256")


# ---------------------------------------------------------------- fuzzing: a one-line error or a correct load
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_FUZZ = settings(max_examples=60, deadline=2000, derandomize=True,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _good(tmp_path) -> tuple[bytes, bytes]:
    path = tmp_path / "good.pt"
    save(path, RNN(6, 3, 3, generator=torch.Generator().manual_seed(0)), {"hmm": linear_chain(2).to_json()})
    return path.read_bytes(), path.with_suffix(".json").read_bytes()


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: float) -> bytes:
    b = bytearray(data[: max(0, int(len(data) * cut))])
    for pos, val in edits:
        if b:
            b[pos % len(b)] = val
    return bytes(b)


def _loads_or_one_line(path) -> None:
    try:
        load(path)
    except CheckpointError as e:
        assert "\n" not in str(e) and (path.name in str(e) or path.with_suffix(".json").name in str(e))


@_FUZZ
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
       cut=st.floats(0.0, 1.0), which=st.sampled_from(["weights", "sidecar", "both"]))
def test_fuzzed_checkpoint_bytes_give_a_load_or_a_one_line_error(tmp_path, edits, cut, which):
    """Random byte edits and truncations of a real checkpoint and of its sidecar JSON: never another exception."""
    pt, side = _good(tmp_path)
    path = tmp_path / "fuzz.pt"
    path.write_bytes(_mutate(pt, edits, cut) if which != "sidecar" else pt)
    path.with_suffix(".json").write_bytes(_mutate(side, edits, cut) if which != "weights" else side)
    _loads_or_one_line(path)


_TENSOR = st.sampled_from([(6, 6), (6, 3), (3, 6), (6,), (3,), (), (6, 6, 1)]).flatmap(
    lambda shape: st.sampled_from([torch.float32, torch.float64, torch.int64, torch.bool]).map(
        lambda dt: torch.ones(shape, dtype=dt)))


@_FUZZ
@given(state=st.dictionaries(st.sampled_from(["weight_hh", "weight_ih", "weight_ho", "bias_hh", "W_hh", "extra",
                                              "rnn.weight_hh_l0", "fc.weight"]), _TENSOR, max_size=5),
       poison=st.sampled_from([None, float("nan"), float("inf")]))
def test_fuzzed_state_dicts_give_a_load_or_a_one_line_error(tmp_path, state, poison):
    """Missing, extra, mis-shaped, wrongly typed and NaN/Inf weights: a correct load or one line."""
    if poison is not None and state:
        k = sorted(state)[0]
        state[k] = state[k].float().fill_(poison)
    path = tmp_path / "state.pt"
    torch.save(state, path)
    _loads_or_one_line(path)
