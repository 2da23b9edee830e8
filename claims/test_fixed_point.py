"""Paper 4.1, Fig 3B: "without input, activity converges to a single fixed point"."""
from hmmrnn.analysis import fixed_point
from hmmrnn.registry import get

CLAIM = get("fixed-point.single")


def test_strict(case, checkpoint, shared, record):
    stats = shared(fixed_point.collapse, checkpoint.model, n_starts=512, steps=500)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)


def test_paper(case, checkpoint, shared, record):
    stats = shared(fixed_point.paper_collapse, checkpoint.model, n_starts=100, steps=500)
    failed = record(CLAIM, stats)
    assert not failed, "; ".join(failed)
