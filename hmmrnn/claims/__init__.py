"""The claims of the paper as pytest modules, one per claim, shipped with the package:
``pytest --pyargs hmmrnn.claims`` (or ``pytest hmmrnn/claims`` in a checkout, or ``hmmrnn check``)."""
