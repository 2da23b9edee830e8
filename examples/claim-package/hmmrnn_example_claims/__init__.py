"""A lab's own claims for hmmrnn: each module is a claim module (a ``CLAIM`` with its recipe), registered in
pyproject.toml under the entry-point group ``hmmrnn.claims``."""
