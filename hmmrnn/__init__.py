"""hmmrnn: executable, falsifiable checks of the claims of 'Mechanistic Interpretability of RNNs
emulating Hidden Markov Models' (arXiv 2510.25674) against trained checkpoints."""
__version__ = "0.1.0"
