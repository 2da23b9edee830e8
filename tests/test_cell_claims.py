"""The claims on other cells than the ReLU (hmmrnn/cells.py): every per-checkpoint claim declares what it does
there; the general ones run on tanh, GRU and LSTM networks (full state, the cell's own Jacobian) and say which cell
they ran on; the ReLU-only ones are an ERROR with the reason; a ReLU network's results are untouched."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest
import torch

import hmmrnn
from hmmrnn import cells
from hmmrnn.analysis.jacobian import active_eigvals, recurrent_active, state_eigvals
from hmmrnn.checkpoint import save
from hmmrnn.hmm import linear_chain
from hmmrnn.rnn import RNN

torch.set_num_threads(1)
OTHER = ("tanh", "gru", "lstm")
PER_CHECKPOINT = [c for c in hmmrnn.all_claims() if not c.across]


def _net(cell: str, seed: int = 0, bias: bool = False) -> RNN:
    return RNN(10, 4, 3, bias=bias, cell=cell, generator=torch.Generator().manual_seed(seed)).requires_grad_(False)


def test_every_per_checkpoint_claim_declares_what_it_does_on_other_cells():
    """Each reading of each claim: exactly one kind (a reading's own entry, else the claim's), from entries its
    module declares once each, for readings and cells that exist."""
    for claim in PER_CHECKPOINT:
        keys = [on for on, _, _ in claim.cells]
        assert len(keys) == len(set(keys)), claim.id
        for on, kind, _ in claim.cells:
            reading, _, cell = on.partition("@")
            assert reading in ("", ":paper", ":strict") and cell in ("", "tanh", "gru", "lstm"), (claim.id, on)
            assert kind in cells.KINDS, (claim.id, kind)
        for reading in ("paper", "strict"):
            for cell in ("tanh", "gru", "lstm"):
                assert cells.applicability(claim, cell, reading)[0] != "ungated", (claim.id, reading, cell)


def test_a_relu_network_runs_every_claim_unchanged():
    """With or without biases, every claim (the biased net's recurrent bias taken wherever a pre-activation is
    formed), its statistics as they always were."""
    for m in (_net("relu"), _net("relu", bias=True)):
        assert all(cells.require(c, m, r) == {} for c in PER_CHECKPOINT for r in ("paper", "strict"))


@pytest.mark.parametrize("cell", OTHER)
def test_relu_only_claims_are_an_error_naming_the_cell_and_the_reason(cell):
    m = _net(cell)
    refused = [(c, r) for c in PER_CHECKPOINT for r in ("paper", "strict")
               if cells.applicability(c, cell, r)[0] in ("not-applicable", "not-yet")]
    assert len(refused) >= 4
    for claim, reading in refused:
        with pytest.raises(hmmrnn.ClaimError, match=f"a {cell} network: ") as e:
            cells.require(claim, m, reading)
        assert "\n" not in str(e.value)
    assert cells.require(hmmrnn.get("kick.ablation-traps"), m)["cell_analogue"].startswith("kick neurons discovered from")


@pytest.mark.parametrize("cell", OTHER)
def test_unstable_directions_come_from_the_cells_own_jacobian(cell):
    """state_eigvals on another cell: the eigenvalues of its step's Jacobian (autograd), per state."""
    m, s = _net(cell), torch.rand(5, 20 if cell == "lstm" else 10, generator=torch.Generator().manual_seed(1))
    for x, lam in zip(s, state_eigvals(m, s)):
        J = torch.autograd.functional.jacobian(lambda v: m.step(v[None])[0][0], x).double()
        assert torch.allclose(torch.sort(lam.abs()).values, torch.sort(torch.linalg.eigvals(J).abs()).values,
                              atol=1e-5)


def test_unstable_directions_of_a_relu_net_are_the_gated_jacobians():
    m, s = _net("relu"), torch.rand(5, 10, generator=torch.Generator().manual_seed(1))
    for a, b in zip(state_eigvals(m, s), active_eigvals(m.weight_hh.double(), recurrent_active(m, s))):
        assert (a is None and b is None) or torch.equal(a, b)


@pytest.mark.parametrize("cell", OTHER)
def test_the_general_claims_run_on_every_cell(tmp_path, cell):
    """Each general claim gives a verdict (or its own one-line ERROR) on a small net of the cell, never a crash,
    and its statistics name the cell."""
    path = tmp_path / f"{cell}.pt"
    save(path, _net(cell, seed=3), {"hmm": linear_chain(2).to_json(), "cell": cell})
    cache: dict = {}
    ran = 0
    for claim in ("fixed-point.single", "orbit.radius-scaling", "emission.hmm-agreement", "second-order.perturbative"):
        r = hmmrnn.check(claim, path, reading="strict", seed=1, cache=cache)
        assert r.statistics["cell"] == cell and r.verdict in ("pass", "fail")
        ran += 1
    assert ran == 4


def test_an_authors_file_says_which_cell_it_assumed_and_cell_overrides(tmp_path):
    """One `hmmrnn check --cell tanh` run over an authors' file (the cell from --cell) and a file of ours whose
    metadata says tanh; the assumed-relu note of a file without --cell is the loader's (checkpoint tests)."""
    from hmmrnn.checkpoint import load
    m = _net("tanh", seed=2)
    state = {k: w.detach().clone() for k, w in (("rnn.weight_ih_l0", m.weight_ih), ("rnn.weight_hh_l0", m.weight_hh),
                                                  ("fc.weight", m.weight_o))}
    torch.save(state, tmp_path / "theirs.pt")
    assert "cell assumed relu" in load(tmp_path / "theirs.pt").note and load(tmp_path / "theirs.pt", cell="tanh").note == ""
    code = "from hmmrnn.cli import main; raise SystemExit(main())"
    rep = tmp_path / "rep"
    r = subprocess.run([sys.executable, "-c", code, "check", str(tmp_path / "theirs.pt"), "--hmm", "linear:2",
                        "--report-dir", str(rep), "--cell", "tanh", "-k", "fixed-point", "--reading", "strict"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert (rep / "results.json").exists(), r.stdout + r.stderr
    rows = json.loads((rep / "results.json").read_text())["claims"]
    assert [row["statistics"].get("cell") for row in rows] == ["tanh"] and "cell assumed" not in r.stdout


@pytest.mark.parametrize("cell", OTHER)
def test_controls_of_each_cell(cell):
    """Untrained: the cell's own initialisation; shuffled: each gate block's weights permuted within the block;
    the line attractor is a ReLU construction and says so."""
    from hmmrnn import controls
    m = _net(cell, seed=4)
    assert controls.untrained(10, 4, 3, seed=1, cell=cell).cell == cell
    s = controls.shuffled(m, seed=2)
    assert s.cell == cell and not torch.equal(s.weight_hh, m.weight_hh)
    for a, b in zip(s.weight_hh.split(10, 0), m.weight_hh.split(10, 0)):
        assert torch.equal(a.flatten().sort().values, b.flatten().sort().values)
    assert torch.equal(s.weight_ih, m.weight_ih)
    with pytest.raises(ValueError, match=f"not a {cell} one"):
        controls.line_attractor(m, seed=3)


@pytest.mark.parametrize("cell,bias", [("tanh", False), ("relu", True), ("gru", False), ("lstm", False)])
def test_orbit_mechanics_on_every_cell(tmp_path, cell, bias):
    """The flow field takes the tanh or the gated step's own split (declared analogues, named) or the biased net's
    bias; a verdict, no crash."""
    path = tmp_path / "net.pt"
    save(path, _net(cell, seed=5, bias=bias), {"hmm": linear_chain(2).to_json(), "cell": cell})
    r = hmmrnn.check("orbit.mechanics", path, reading="paper", seed=1)
    assert r.verdict in ("pass", "fail")
    assert ("cell_analogue" in r.statistics) == (cell != "relu")


@pytest.mark.parametrize("cell", OTHER)
def test_emergence_statistics_of_a_checkpoint_of_each_cell(cell):
    """Critical pairs and unstable directions from the cell's own Jacobian, input-free and with the input."""
    from hmmrnn.analysis import emergence
    got = emergence.checkpoint_stats(_net(cell, seed=6), linear_chain(2), seed=1)
    for k in ("critical_fraction", "critical_fraction_input", "unstable_fraction"):
        assert 0.0 <= got[k] <= 1.0, (k, got[k])


def test_unit_weights_are_w_hh_or_the_candidates_block():
    for cell, rows in (("relu", slice(0, 10)), ("tanh", slice(0, 10)), ("gru", slice(20, 30)), ("lstm", slice(20, 30))):
        m = _net(cell)
        assert torch.equal(cells.unit_weights(m), m.weight_hh[rows])


@pytest.mark.parametrize("cell", ["relu", "tanh", "gru"])
def test_critical_pairs_of_a_run_from_the_cells_jacobian(cell):
    """mu_sweep.critical_pairs_at: on the ReLU the paper's gated Jacobian (critical_pairs on the pre-activations);
    elsewhere the eigenvalues of the step's own Jacobian with the recurrent multiplier, against autograd."""
    from hmmrnn.analysis.jacobian import critical_count
    from hmmrnn.analysis.mu_sweep import critical_pairs, critical_pairs_at
    from hmmrnn.rnn import Intervention, draw_noise, rollout
    m = _net(cell, seed=7)
    m.weight_hh.mul_(3.0)  # eigenvalues near the unit circle somewhere
    rec = torch.ones(10)
    rec[[1, 4]] = 0.5
    noise = draw_noise(1, 30, 4, seed=8)
    r = rollout(m, noise, intervention=Intervention(recurrent=rec))
    run = (r.states, r.preacts, r.logits)
    got = critical_pairs_at(m, run, noise, rec, warm=5, steps=list(range(20)))
    if cell == "relu":
        assert got.tolist() == critical_pairs(m, r.preacts[0, 5:25], rec).tolist()
        return
    want = []
    for t in range(20):
        prev, x = r.states[0, 4 + t], noise[0, 5 + t]
        J = torch.autograd.functional.jacobian(
            lambda v: m.step(v[None], (x @ m.weight_ih.T)[None], m.per_gate(rec))[0][0], prev)
        want.append(critical_count(torch.linalg.eigvals(J.double())))
    assert got.tolist() == want


def test_a_cohort_takes_its_members_of_one_cell():
    """A claim over every family pools no GRU with the ReLU nets of its family: the bias-free ReLU members where
    there are any (the paper's network), else the first member's cell; the others are returned apart."""
    hmm = linear_chain(2)
    relu, biased, gru, gru2 = _net("relu"), _net("relu", 1, bias=True), _net("gru"), _net("gru", 2)
    cell, kept, apart = cells.one_cell([("g", hmm, gru), ("r", hmm, relu), ("b", hmm, biased)])
    assert (cell, [n for n, _, _ in kept], [n for n, _, _ in apart]) == ("relu", ["r"], ["g", "b"])
    cell, kept, apart = cells.one_cell([("g", hmm, gru), ("b", hmm, biased), ("g2", hmm, gru2)])
    assert (cell, [n for n, _, _ in kept], [n for n, _, _ in apart]) == ("gru", ["g", "g2"], ["b"])
    assert cells.one_cell([]) == ("relu", [], [])


def test_the_mu_sweep_runs_on_an_lstm_and_projects_its_full_state():
    """The LSTM's readout sees h only: the overshoot's projection is taken on the full state cat(h, c), and equals
    the extra readout row's where the readout sees the whole state (a ReLU net)."""
    from hmmrnn.analysis.mu_sweep import _configs_rollout, _probe
    from hmmrnn.rnn import draw_noise
    noise = draw_noise(3, 12, 4, 5)
    for cell in ("relu", "lstm"):
        m = _net(cell)
        u = torch.randn(m.state_size, generator=torch.Generator().manual_seed(1))
        cfgs = [(None, None), (torch.zeros(10), None)]
        got = _configs_rollout(m, cfgs, noise, None, record="logits", project=u)
        full = _configs_rollout(m, cfgs, noise, None, record="all")
        for (_, _, lg), (states, _, logits) in zip(got, full):
            assert torch.allclose(lg[..., :3], logits) and torch.allclose(lg[..., 3], states @ u, atol=1e-6)
        if cell == "relu":
            probed = _configs_rollout(_probe(m, u.numpy()), cfgs, noise, None, record="logits")
            assert all(torch.allclose(a[2], b[2], atol=1e-6) for a, b in zip(got, probed))
