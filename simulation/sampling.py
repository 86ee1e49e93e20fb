"""Small vectorised sampling helpers shared by the population builder and the labour market."""

from __future__ import annotations

import numpy as np


def top_k_weighted(u: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Pick ``k`` indices without replacement with chances proportional to ``weights``.

    Efraimidis-Spirakis keys ``log(u) / w``: the ``k`` largest keys are a weighted sample without
    replacement. ``u`` are uniforms in [0, 1), one per candidate (common random numbers: the same
    candidate keeps its draw across scenarios). Zero-weight candidates are never picked.

    Args:
        u: Uniform draws, one per candidate.
        weights: Non-negative weights, one per candidate.
        k: Number to pick (clipped to the number of positive weights).

    Returns:
        Indices into the candidate arrays (unordered).

    Examples:
        >>> import numpy as np
        >>> sorted(top_k_weighted(np.array([.5, .5, .5]), np.array([0., 1., 2.]), 2).tolist())
        [1, 2]
    """
    weights = np.asarray(weights, dtype=np.float64)
    positive = weights > 0
    k = int(min(k, int(positive.sum())))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    with np.errstate(divide="ignore"):
        keys = np.where(positive, np.log(np.maximum(u, 1e-12)) / np.where(positive, weights, 1.0),
                        -np.inf)
    if k == len(keys):
        return np.arange(len(keys))
    return np.argpartition(keys, len(keys) - k)[len(keys) - k:]


def exact_count_flags(u: np.ndarray, weights: np.ndarray, share: float) -> np.ndarray:
    """Return a boolean mask flagging ``round(share * n)`` candidates, chosen by weight."""
    n = len(weights)
    flags = np.zeros(n, dtype=bool)
    flags[top_k_weighted(u, weights, int(round(share * n)))] = True
    return flags


def normal_scores_of_rank(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Return standard-normal scores of the ranks of ``x`` (ties broken by ``u``)."""
    from scipy.special import ndtri

    order = np.lexsort((u, x))
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = (np.arange(len(x)) + 0.5) / len(x)
    return ndtri(ranks)


def split_by_shares(u: np.ndarray, shares) -> np.ndarray:
    """Assign category codes to uniforms ``u`` by cumulative ``shares`` (inverse CDF)."""
    cum = np.cumsum(np.asarray(shares, dtype=np.float64))
    cum = cum / cum[-1]
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1).astype(np.int8)
