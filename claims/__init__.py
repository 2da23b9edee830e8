"""The claims of the paper as pytest modules, one per claim: ``pytest claims`` in a checkout; shipped in the
wheel as this same package, ``pytest --pyargs hmmrnn.claims`` (pyproject maps claims/ to hmmrnn.claims), or
``hmmrnn check``."""
