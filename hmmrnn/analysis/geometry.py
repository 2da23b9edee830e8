"""The plane of an orbit and the rotation in it: one PCA(2) fit and one rotation measure for every analysis
and figure, so that a statistic called rotation_coherence means the same in every claim."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def pca_plane(X: np.ndarray, n: int | None = None, seed: int = 0):
    """sklearn PCA(2) fitted to points X [N, H] (to n of them drawn with ``seed`` when n < N); random_state 0."""
    from sklearn.decomposition import PCA
    if n is not None and n < len(X):
        X = X[np.random.default_rng(seed).permutation(len(X))[:n]]
    return PCA(n_components=2, random_state=0).fit(X)


def angle_steps(points: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Signed angle turned around centre [2] at each step of trajectories points [..., T, 2]: [..., T-1],
    wrapped to (-pi, pi]."""
    ang = np.arctan2(points[..., 1] - centre[1], points[..., 0] - centre[0])
    return np.angle(np.exp(1j * np.diff(ang, axis=-1)))


def rotation(pieces: Sequence[np.ndarray]) -> tuple[float, float]:
    """Coherence and revolutions per 1000 steps of angle steps per trajectory piece (each [T_i]).
    Coherence: |net signed angle| / total absolute angle of each piece, averaged with weights T_i (pieces of
    one length: the plain mean); revolutions: the pieces' summed |net angle| / 2 pi over their summed length."""
    dtype = np.result_type(*pieces)  # kept throughout: the same bits as a plain mean over equal pieces
    net = np.array([abs(d.sum()) for d in pieces], dtype=dtype)
    total = np.array([np.abs(d).sum() for d in pieces], dtype=dtype)
    length = np.array([len(d) for d in pieces], dtype=dtype)
    coherence = float(np.average(net / np.maximum(total, 1e-12), weights=length / length.max()))
    revs = float(np.mean(net) / (2 * np.pi) / np.mean(length) * 1000)
    return coherence, revs
