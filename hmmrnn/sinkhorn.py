"""Sinkhorn divergence between two point clouds, as geomloss computes it, faster on the CPU.

The loss of the paper is geomloss ``SamplesLoss("sinkhorn", p=2, blur=0.2)`` (debiased, scaling 0.5).
geomloss's dense backend spends most of its time allocating and streaming N x M temporaries in its
soft-min. Here geomloss still runs the algorithm (its epsilon schedule, Sinkhorn loop and final cost);
on the CPU only the soft-min is replaced by a row-blocked, in-place kernel with an exact hand-written
gradient. On a GPU, where the dense temporaries are cheap and small blocks would mean many tiny kernels,
geomloss's own dense soft-min runs unchanged.
The value equals geomloss's to float32 tolerance (tested in ``tests/test_sinkhorn.py``).
"""
from __future__ import annotations

import torch
from geomloss._legacy.sinkhorn_divergence import (
    log_weights,
    scaling_parameters,
    sinkhorn_cost,
    sinkhorn_loop,
)
from geomloss._legacy.sinkhorn_samples import softmin_tensorized

ROW_BLOCK = 128  # rows per block: a 128 x 4096 float32 block (2 MiB) stays in cache
# exp() of arguments below about -87 (float32 underflow) takes a slow path, ~50x slower here. Terms
# below exp(-80) ~ 1.8e-35 cannot change a sum whose largest term is 1, so they are clamped there.
EXP_FLOOR = -80.0


def _lse_rows(eps: float, C: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """log sum_j exp(h_j - C_ij / eps) for C [N, M], h [M]; returns [N]. No autograd."""
    n = C.shape[0]
    out = torch.empty(n, dtype=C.dtype, device=C.device)
    buf = torch.empty((min(ROW_BLOCK, n), C.shape[1]), dtype=C.dtype, device=C.device)
    for s in range(0, n, ROW_BLOCK):
        blk = C[s : s + ROW_BLOCK]
        b = buf[: blk.shape[0]]
        torch.mul(blk, -1.0 / eps, out=b)
        b.add_(h)
        m = b.amax(dim=1, keepdim=True)
        b.sub_(m).clamp_(min=EXP_FLOOR).exp_()
        out[s : s + blk.shape[0]] = b.sum(dim=1).log_().add_(m.squeeze(1))
    return out


class _SoftMin(torch.autograd.Function):
    """f_i = -eps log sum_j exp(h_j - C_ij/eps); gradients recomputed block by block."""

    @staticmethod
    def forward(ctx, C, h, eps):  # C [N, M], h [M]
        lse = _lse_rows(eps, C, h)
        ctx.save_for_backward(C, h, lse)
        ctx.eps = eps
        return -eps * lse

    @staticmethod
    def backward(ctx, grad_f):  # grad_f [N]
        C, h, lse = ctx.saved_tensors
        eps = ctx.eps
        # P_ij = exp(h_j - C_ij/eps - lse_i); df_i/dC_ij = P_ij, df_i/dh_j = -eps P_ij
        P = torch.mul(C, -1.0 / eps).add_(h).sub_(lse[:, None]).clamp_(min=EXP_FLOOR).exp_()
        # zero the clamped terms: scaled by grad_f they would become denormals, which are slow
        torch.nn.functional.threshold_(P, 1e-30, 0.0)
        grad_h = -eps * (grad_f @ P) if ctx.needs_input_grad[1] else None
        grad_C = P.mul_(grad_f[:, None]) if ctx.needs_input_grad[0] else None
        return grad_C, grad_h, None


def softmin_blocked(eps: float, C_xy: torch.Tensor, h_y: torch.Tensor) -> torch.Tensor:
    """Drop-in for geomloss's ``softmin_tensorized``: C_xy [B, N, M], h_y [B, M] -> [B, N]."""
    return torch.stack([_SoftMin.apply(C_xy[b], h_y[b], float(eps)) for b in range(C_xy.shape[0])])


def half_sq_dist(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """C_ij = |x_i - y_j|^2 / 2 for x [B, N, D], y [B, M, D] (geomloss's p=2 cost)."""
    d_xx = (x * x).sum(-1).unsqueeze(2)
    d_yy = (y * y).sum(-1).unsqueeze(1)
    return (d_xx - 2 * torch.matmul(x, y.transpose(1, 2)) + d_yy) / 2


def sinkhorn_divergence(
    x: torch.Tensor, y: torch.Tensor, blur: float = 0.2, scaling: float = 0.5
) -> torch.Tensor:
    """Debiased Sinkhorn divergence (p=2) between uniform clouds x [N, D] and y [M, D]; a scalar."""
    return sinkhorn_divergences(x.unsqueeze(0), y.unsqueeze(0), blur, scaling)[0]


def sinkhorn_divergences(
    x: torch.Tensor, y: torch.Tensor, blur: float = 0.2, scaling: float = 0.5
) -> torch.Tensor:
    """K debiased Sinkhorn divergences, pair k between x [K, N, D][k] and y [K, M, D][k]; returns [K].

    Pair k's value is ``sinkhorn_divergence(x[k], y[k])``: geomloss fixes the epsilon schedule from the
    clouds' diameter, so pairs are grouped by their own schedule and each group runs as one batched Sinkhorn
    loop (one set of kernels for all its pairs: on a GPU, K separate loops are K times the kernel launches).
    """
    out = [None] * len(x)
    for ks, sched in _by_schedule(x, y, blur, scaling).items():
        idx = torch.tensor(ks, device=x.device)
        for k, v in zip(ks, _sinkhorn_group(x[idx], y[idx], sched)):
            out[k] = v
    return torch.stack(out)


def _by_schedule(x, y, blur, scaling) -> dict[tuple, tuple]:
    """{pair indices: (eps, eps_list, rho)}, pairs with the same schedule together."""
    groups: dict[tuple, list] = {}
    for k in range(len(x)):
        eps, eps_list, rho = scaling_parameters(x[k : k + 1], y[k : k + 1], 2, blur, None, None, scaling)[1:]
        groups.setdefault((eps, tuple(eps_list), rho), []).append(k)
    return {tuple(ks): (eps, list(eps_list), rho) for (eps, eps_list, rho), ks in groups.items()}


def _sinkhorn_group(xb: torch.Tensor, yb: torch.Tensor, sched: tuple) -> torch.Tensor:
    """The divergences [K] of pairs xb [K, N, D], yb [K, M, D] sharing one epsilon schedule."""
    eps, eps_list, rho = sched
    K = xb.shape[0]
    a = torch.full((K, xb.shape[1]), 1.0 / xb.shape[1], dtype=xb.dtype, device=xb.device)
    b = torch.full((K, yb.shape[1]), 1.0 / yb.shape[1], dtype=yb.dtype, device=yb.device)
    C_xy = half_sq_dist(xb, yb.detach())
    C_yx = half_sq_dist(yb, xb.detach())
    C_xx = half_sq_dist(xb, xb.detach())
    C_yy = half_sq_dist(yb, yb.detach())
    softmin = softmin_blocked if xb.device.type == "cpu" else softmin_tensorized
    f_aa, g_bb, g_ab, f_ba = sinkhorn_loop(
        softmin, log_weights(a), log_weights(b), C_xx, C_yy, C_xy, C_yx, eps_list, rho, debias=True
    )
    return sinkhorn_cost(eps, rho, a, b, f_aa, g_bb, g_ab, f_ba, batch=True, debias=True)
