"""HMM families, validation, spec parsing, sampling, and the exact emission statistics (hmmrnn/hmm.py)."""
from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hmmrnn.hmm import (
    HMM,
    HMMSpecError,
    cyclic,
    expected_volatility,
    fully_connected,
    linear_chain,
    output_marginal,
    output_pair_joint,
    output_transition_matrix,
    parse_spec,
    sample,
    stationary,
    train_seq_len,
)

# ---------------------------------------------------------------- families (REFERENCE.md section 1)


def test_linear_2_numbers():
    h = linear_chain(2)
    np.testing.assert_allclose(h.transition, [[0.95, 0.05], [0.05, 0.95]], atol=1e-12)
    np.testing.assert_allclose(h.emission, [[0.99, 0.01, 0.0], [0.0, 0.01, 0.99]], atol=1e-12)
    np.testing.assert_allclose(h.start, [0.5, 0.5])
    assert h.name == "linear:2" and h.family == "linear"


def test_linear_5_numbers():
    h = linear_chain(5)
    q = 0.05 ** 0.25
    T = h.transition
    assert T[0, 0] == pytest.approx(1 - q) and T[0, 1] == pytest.approx(q)
    assert T[4, 4] == pytest.approx(1 - q) and T[4, 3] == pytest.approx(q)
    for i in (1, 2, 3):
        assert T[i, i] == pytest.approx(0.054, abs=5e-4)  # REFERENCE: "S=5: interior diag 0.054"
        assert T[i, i - 1] == pytest.approx(q) and T[i, i + 1] == pytest.approx(q)
    assert np.count_nonzero(T) == 2 + 2 + 3 * 3  # only neighbour hops
    a = np.arange(5) / 4
    np.testing.assert_allclose(h.emission, np.stack([0.99 * (1 - a), np.full(5, 0.01), 0.99 * a], 1))
    np.testing.assert_allclose(h.start, np.full(5, 0.2))


@pytest.mark.parametrize("S", [2, 3, 4, 5])
def test_linear_rows_and_stationary_output(S):
    h = linear_chain(S)
    np.testing.assert_allclose(h.transition.sum(1), 1, atol=1e-12)
    np.testing.assert_allclose(h.emission[:, 1], 0.01)  # the rare symbol
    np.testing.assert_allclose(output_marginal(h), [0.495, 0.01, 0.495], atol=1e-9)
    np.testing.assert_allclose(stationary(h), np.full(S, 1 / S), atol=1e-9)


def test_fully_connected_numbers():
    h = fully_connected()
    np.testing.assert_allclose(h.transition, [[0.95, 0.025, 0.025], [0.025, 0.95, 0.025], [0.025, 0.025, 0.95]])
    np.testing.assert_allclose(h.emission, [[0.98, 0.01, 0.01], [0.01, 0.98, 0.01], [0.01, 0.01, 0.98]])
    np.testing.assert_allclose(h.start, np.full(3, 1 / 3))


def test_cyclic_numbers():
    h = cyclic()
    np.testing.assert_allclose(h.transition, [[.95, .025, 0, .025], [.025, .95, .025, 0],
                                              [0, .025, .95, .025], [.025, 0, .025, .95]])
    np.testing.assert_allclose(h.emission, [[.9, .1, 0], [.1, .9, 0], [0, .1, .9], [0, .9, .1]])
    np.testing.assert_allclose(h.start, np.full(4, 0.25))


@pytest.mark.parametrize("spec,L", [("linear:2", 100), ("linear:3", 30), ("linear:4", 30), ("linear:5", 40),
                                    ("fully:3", 30), ("cyclic:4", 40)])
def test_train_seq_len(spec, L):
    assert train_seq_len(parse_spec(spec)) == L


# ---------------------------------------------------------------- validation messages

GOOD_T = [[0.9, 0.1], [0.2, 0.8]]
GOOD_E = [[0.5, 0.5], [0.1, 0.9]]


@pytest.mark.parametrize("T,E,start,words", [
    ([[0.5, 0.5]], GOOD_E, [1.0], ["square", "(1, 2)"]),
    ([[[0.5]]], GOOD_E, [1.0], ["square", "(1, 1, 1)"]),
    (GOOD_T, [[0.5, 0.5]], [0.5, 0.5], ["emission", "2 rows", "(1, 2)"]),
    (GOOD_T, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]], [0.5, 0.5], ["emission", "2 rows", "(3, 2)"]),
    (GOOD_T, GOOD_E, [1.0], ["start", "2 entries"]),
    ([[0.9, 0.1], [0.2, 0.7]], GOOD_E, [0.5, 0.5], ["transition row 1", "sums to 0.9"]),
    (GOOD_T, [[0.5, 0.5], [0.1, 0.95]], [0.5, 0.5], ["emission row 1", "sums to 1.05"]),
    (GOOD_T, [[1.5, -0.5], [0.1, 0.9]], [0.5, 0.5], ["emission row 0", "negative"]),
    ([[1.1, -0.1], [0.2, 0.8]], GOOD_E, [0.5, 0.5], ["transition row 0", "negative"]),
    (GOOD_T, GOOD_E, [0.7, 0.7], ["start row 0", "sums to 1.4"]),
    ([[np.nan, 1.0], [0.2, 0.8]], GOOD_E, [0.5, 0.5], ["transition row 0", "non-finite"]),
    ([[1.0], [0.5, 0.5]], GOOD_E, [0.5, 0.5], ["rectangular"]),
])
def test_validation_names_the_problem(T, E, start, words):
    with pytest.raises(HMMSpecError) as ei:
        HMM(T, E, start)
    msg = str(ei.value)
    assert "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)


def test_valid_custom_hmm_accepted():
    h = HMM(GOOD_T, GOOD_E, [0.3, 0.7])
    assert h.n_states == 2 and h.n_outputs == 2
    h2 = HMM.from_json(json.loads(json.dumps(h.to_json())))
    for a, b in ((h2.transition, h.transition), (h2.emission, h.emission), (h2.start, h.start)):
        assert np.array_equal(a, b)


# ---------------------------------------------------------------- parse_spec


@pytest.mark.parametrize("spec,S,name", [("linear:3", 3, "linear:3"), ("linear", 2, "linear:2"),
                                          ("fully:3", 3, "fully:3"), ("cyclic:4", 4, "cyclic:4")])
def test_parse_spec_families(spec, S, name):
    h = parse_spec(spec)
    assert h.n_states == S and h.n_outputs == 3 and h.name == name


def test_parse_spec_json_file(tmp_path):
    p = tmp_path / "mine.json"
    p.write_text(json.dumps({"transition": GOOD_T, "emission": GOOD_E}))
    h = parse_spec(str(p))
    np.testing.assert_allclose(h.transition, GOOD_T)
    np.testing.assert_allclose(h.start, [0.5, 0.5])  # uniform default
    assert h.name == str(p)
    p2 = tmp_path / "named.json"
    p2.write_text(json.dumps({"transition": GOOD_T, "emission": GOOD_E, "start": [0.25, 0.75], "name": "x"}))
    h2 = parse_spec(str(p2))
    assert h2.name == "x"
    np.testing.assert_allclose(h2.start, [0.25, 0.75])


@pytest.mark.parametrize("spec,words", [
    ("bogus", ["bogus", "not a known family"]),
    ("linear:x", ["linear:x", "integer"]),
    ("linear:1", ["S = 2..5", "got 1"]),
    ("linear:7", ["S = 2..5", "got 7"]),
    ("linear:99", ["S = 2..5", "got 99"]),
    ("fully:4", ["S = 3"]),
    ("cyclic:3", ["S = 4"]),
])
def test_parse_spec_bad(spec, words):
    with pytest.raises(HMMSpecError) as ei:
        parse_spec(spec)
    for w in words:
        assert w in str(ei.value)
    assert "\n" not in str(ei.value)


@pytest.mark.parametrize("content,words", [
    ("{not json", ["cannot read JSON"]),
    (json.dumps({"transition": GOOD_T}), ["missing key", "emission"]),
    (json.dumps({"transition": [[0.9, 0.2], [0.2, 0.8]], "emission": GOOD_E}), ["transition row 0", "sums to"]),
    (json.dumps([1, 2]), ["JSON object"]),
    (json.dumps({"transition": [[1.0], [0.5, 0.5]], "emission": GOOD_E}), ["rectangular"]),
    (json.dumps({"transition": "abc", "emission": GOOD_E}), ["transition must be a non-empty list of rows"]),
])
def test_parse_spec_bad_json_file(tmp_path, content, words):
    p = tmp_path / "bad.json"
    p.write_text(content)
    with pytest.raises(HMMSpecError) as ei:
        parse_spec(str(p))
    msg = str(ei.value)
    assert msg.startswith(str(p)) and "\n" not in msg
    for w in words:
        assert w in msg, (w, msg)


# ---------------------------------------------------------------- exact statistics: brute-force oracle


def _brute_force(h: HMM, L: int):
    """Enumerate every state path and output path; return position-averaged marginal and pair joint."""
    S, O = h.n_states, h.n_outputs
    marg = np.zeros(O)
    joint = np.zeros((O, O))
    total = 0.0
    for states in itertools.product(range(S), repeat=L):
        ps = h.start[states[0]] * np.prod([h.transition[states[t - 1], states[t]] for t in range(1, L)])
        for outs in itertools.product(range(O), repeat=L):
            p = ps * np.prod([h.emission[states[t], outs[t]] for t in range(L)])
            total += p
            for t in range(L):
                marg[outs[t]] += p / L
            for t in range(L - 1):
                joint[outs[t], outs[t + 1]] += p / (L - 1)
    assert total == pytest.approx(1.0)
    return marg, joint


@pytest.mark.parametrize("start", [[0.5, 0.5], [0.8, 0.2]])
def test_exact_statistics_match_enumeration(start):
    h = HMM([[0.7, 0.3], [0.4, 0.6]], [[0.9, 0.1], [0.25, 0.75]], start)
    marg, joint = _brute_force(h, 3)
    np.testing.assert_allclose(output_marginal(h, 3), marg, atol=1e-12)
    np.testing.assert_allclose(output_pair_joint(h, 3), joint, atol=1e-12)
    np.testing.assert_allclose(output_transition_matrix(h, 3), joint / joint.sum(1, keepdims=True), atol=1e-12)
    assert expected_volatility(h, 3) == pytest.approx(joint.sum() - np.trace(joint), abs=1e-12)


def test_exact_statistics_3x3_enumeration():
    h = cyclic()
    marg, joint = _brute_force(h, 3)
    np.testing.assert_allclose(output_marginal(h, 3), marg, atol=1e-12)
    np.testing.assert_allclose(output_pair_joint(h, 3), joint, atol=1e-12)


def test_unseen_symbol_row_is_uniform():
    h = HMM([[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [0.5, 0.5])
    M = output_transition_matrix(h, 10)
    np.testing.assert_allclose(M[2], [1 / 3] * 3)
    np.testing.assert_allclose(M.sum(1), 1)


# ---------------------------------------------------------------- sampling


def test_sample_shapes_and_seed():
    h = linear_chain(3)
    s1, o1 = sample(h, 50, 20, seed=7)
    s2, o2 = sample(h, 50, 20, seed=7)
    s3, o3 = sample(h, 50, 20, seed=8)
    assert s1.shape == o1.shape == (50, 20) and s1.dtype == np.int64
    assert np.array_equal(s1, s2) and np.array_equal(o1, o2)
    assert not np.array_equal(o1, o3)
    assert s1.min() >= 0 and s1.max() < 3 and o1.min() >= 0 and o1.max() < 3


def test_sample_respects_zero_probabilities():
    # linear chain: no jumps over a neighbour; state 0 never emits symbol 2, last state never symbol 0
    h = linear_chain(4)
    s, o = sample(h, 2000, 30, seed=1)
    assert np.all(np.abs(np.diff(s, axis=1)) <= 1)
    assert not np.any((s == 0) & (o == 2)) and not np.any((s == 3) & (o == 0))


# Random stochastic matrices: every entry a positive draw, each row normalised.
def _stochastic(draw, rows, cols):
    m = np.array([[draw(st.floats(0.05, 1.0)) for _ in range(cols)] for _ in range(rows)])
    return m / m.sum(1, keepdims=True)


@st.composite
def hmm_cases(draw):
    S, O = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    h = HMM(_stochastic(draw, S, S), _stochastic(draw, S, O), _stochastic(draw, 1, S)[0])
    return h, draw(st.integers(0, 2**31 - 1))


N_SEQ, LENGTH = 20000, 25


def _n_eff(h: HMM) -> float:
    """Effective number of independent symbols among N_SEQ x LENGTH: each sequence's symbols are correlated
    over (1+r)/(1-r) steps, r = 1 - Dobrushin coefficient of T (a bound on the chain's mixing rate)."""
    r = 1.0 - h.transition.min(0).sum()
    return N_SEQ * LENGTH / min((1 + r) / (1 - r), LENGTH)


def _tol(p, n):
    """5 standard errors of a frequency p estimated from n effective draws, plus 1e-3 (geomloss-style)."""
    return 5 * np.sqrt(np.asarray(p) * (1 - np.asarray(p)) / n) + 1e-3


@settings(max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(hmm_cases())
def test_sampled_statistics_converge_to_exact(case):
    h, seed = case
    _, o = sample(h, N_SEQ, LENGTH, seed=seed)
    O, n = h.n_outputs, _n_eff(h)

    p_exact = output_marginal(h, LENGTH)
    p_emp = np.bincount(o.ravel(), minlength=O) / o.size
    assert np.all(np.abs(p_emp - p_exact) <= _tol(p_exact, n)), (p_emp, p_exact)

    pairs = np.bincount((o[:, :-1] * O + o[:, 1:]).ravel(), minlength=O * O).reshape(O, O)
    M_emp = pairs / pairs.sum(1, keepdims=True)
    M_exact = output_transition_matrix(h, LENGTH)
    p_first = output_pair_joint(h, LENGTH).sum(1)  # how often each row's conditioning symbol occurs
    tol = _tol(M_exact, n * p_first[:, None])
    assert np.all(np.abs(M_emp - M_exact) <= tol), (M_emp, M_exact, tol)

    v_exact = expected_volatility(h, LENGTH)
    v_emp = float(np.mean(o[:, 1:] != o[:, :-1]))
    assert abs(v_emp - v_exact) <= _tol(v_exact, n), (v_emp, v_exact)


@pytest.mark.parametrize("spec", ["linear:2", "linear:5", "fully:3", "cyclic:4"])
def test_paper_hmm_sampled_statistics(spec):
    h = parse_spec(spec)
    L = 40
    _, o = sample(h, 3000, L, seed=3)
    # these chains are sticky (about 20 steps); a sequence is about 2 independent draws
    n = 3000 * 2
    p_exact = output_marginal(h, L)
    p_emp = np.bincount(o.ravel(), minlength=3) / o.size
    assert np.all(np.abs(p_emp - p_exact) <= _tol(p_exact, n))
    v_exact = expected_volatility(h, L)
    v_emp = float(np.mean(o[:, 1:] != o[:, :-1]))
    assert abs(v_emp - v_exact) <= _tol(v_exact, 3000 * (L - 1) / 5)  # changes are only weakly correlated


_JSON = st.recursive(st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers(-3, 3) | st.text(max_size=3),
                     lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
                         ["transition", "emission", "start", "name", "x"]), inner, max_size=4), max_leaves=30)


@settings(max_examples=150, deadline=2000, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=_JSON | st.fixed_dictionaries({"transition": _JSON, "emission": _JSON}))
def test_fuzzed_hmm_json_gives_an_hmm_or_a_one_line_error(tmp_path, doc):
    """Random JSON documents as a custom HMM: a valid HMM or HMMSpecError in one line naming the file."""
    path = tmp_path / "hmm.json"
    path.write_text(json.dumps(doc))
    try:
        parse_spec(str(path))
    except HMMSpecError as e:
        assert "\n" not in str(e) and str(path) in str(e)
