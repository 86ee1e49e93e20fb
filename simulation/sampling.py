"""Small vectorised sampling helpers shared by the population builder and the labour market.

Every helper gives the same result on every CPU: sorts break ties explicitly, selections cut at
a value (never by ``argpartition``'s tie order) and logarithms come from
:mod:`simulation.detmath`.
"""

from __future__ import annotations

import math

import numpy as np

from simulation import detmath, kernels


def smallest_k(keys: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` smallest ``keys``, in index order, ties at the cut to the lowest index.

    The same on every CPU: the cut is a *value* (``np.partition`` of values is unique whatever
    the algorithm), where ``np.argpartition``'s choice among tied keys and the order of its output
    depend on the SIMD kernel numpy dispatches to.

    Examples:
        >>> import numpy as np
        >>> smallest_k(np.array([3., 1., 2., 1.]), 2).tolist()
        [1, 3]
        >>> smallest_k(np.array([1., 1., 1.]), 2).tolist()
        [0, 1]
    """
    n = len(keys)
    k = int(k)
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k >= n:
        return np.arange(n)
    cut = kth_smallest(keys, k)
    take = keys < cut
    missing = k - int(np.count_nonzero(take))
    if missing:  # ties at the cut: the lowest indices
        take[np.flatnonzero(keys == cut)[:missing]] = True
    return np.flatnonzero(take)


def kth_smallest(keys: np.ndarray, k: int) -> float:
    """The ``k``-th smallest of ``keys`` (``np.partition(keys, k - 1)[k - 1]``), ``1 <= k <= n``.

    A value, so the same whatever the algorithm: when ``k`` is small against ``n``, a
    threshold read from a strided sample keeps a superset of the ``k`` smallest (checked: at
    least ``k`` keys at or below it, so the ``k``-th smallest is among them) and only that
    superset is partitioned; otherwise (or if the sample's threshold keeps too few) the whole.

    Examples:
        >>> import numpy as np
        >>> float(kth_smallest(np.arange(100_000.0)[::-1], 7))
        6.0
    """
    n = len(keys)
    if n > 65_536 and 16 * k < n:
        step = n // 16_384
        sample = keys[::step]
        m = len(sample)
        expected = k * m / n  # the k-th smallest's expected rank in the sample
        q = min(m - 1, int(1.25 * expected + 4.0 * math.sqrt(expected) + 16))
        threshold = np.partition(sample, q)[q]
        superset = keys[keys <= threshold]
        if len(superset) >= k:
            return np.partition(superset, k - 1)[k - 1]
    return np.partition(keys, k - 1)[k - 1]


def top_k_weighted(u: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Pick ``k`` indices without replacement with chances proportional to ``weights``.

    Efraimidis-Spirakis: the ``k`` smallest exponential keys ``-log(u) / w`` (equivalently the
    largest ``u^(1/w)``) are a weighted sample without replacement. ``u`` are uniforms in
    [0, 1), one per candidate (common random numbers: the same candidate keeps its draw across
    scenarios). Zero-weight candidates are never picked. When all positive weights are equal
    the keys are the uniforms themselves (no logarithm needed). The logarithm is
    :func:`simulation.detmath.log` and the selection :func:`smallest_k`, so the sample is the same
    on every CPU.

    Args:
        u: Uniform draws, one per candidate.
        weights: Non-negative weights, one per candidate.
        k: Number to pick (clipped to the number of positive weights).

    Returns:
        Indices into the candidate arrays, in increasing order.

    Examples:
        >>> import numpy as np
        >>> top_k_weighted(np.array([.5, .5, .5]), np.array([0., 1., 2.]), 2).tolist()
        [1, 2]
    """
    if kernels.use_kernels() and len(weights):
        keys, n_positive = kernels.exponential_keys(np.asarray(u), np.asarray(weights))
        k = int(min(k, n_positive))
        if k <= 0:
            return np.empty(0, dtype=np.int64)
        if k == n_positive:
            return np.flatnonzero(np.asarray(weights) > 0)
        return smallest_k(keys, k)
    weights = np.asarray(weights, dtype=np.float64)
    positive = weights > 0
    n_positive = int(np.count_nonzero(positive))
    k = int(min(k, n_positive))
    if k <= 0:
        return np.empty(0, dtype=np.int64)
    if k == n_positive:
        return np.flatnonzero(positive)
    w_pos = weights[positive] if n_positive < len(weights) else weights
    if w_pos.min() == w_pos.max():  # equal chances: the largest uniforms
        keys = -np.asarray(u, dtype=np.float64)
    else:
        with np.errstate(over="ignore"):
            keys = -detmath.log(np.maximum(u, 1e-12)) / np.where(positive, weights, 1.0)
        # A tiny positive weight overflows its key to inf: keep it finite (it then ties with
        # the largest keys) so that it still comes before every zero weight.
        np.minimum(keys, np.finfo(np.float64).max, out=keys)
    if n_positive < len(weights):
        keys[~positive] = np.inf
    return smallest_k(keys, k)


def person_quantile(values: np.ndarray, sizes: np.ndarray, share: float) -> float:
    """The value of the unit holding the person at ``share`` of the population, sorted by value.

    Units (households) have integer ``sizes`` (persons); in the sorted order, the unit whose
    persons include position ``ceil(share x total persons)`` (the first unit whose cumulative
    persons reach ``share x total``): ``np.partition`` of the values repeated by size
    (:func:`simulation.kernels.unit_kth`, a weighted quickselect that skips the repeat). A
    value, so the same on every CPU, in linear time instead of a sort.

    Examples:
        >>> import numpy as np
        >>> float(person_quantile(np.array([3., 1., 2.]), np.array([1, 2, 1]), 0.5))
        1.0
        >>> float(person_quantile(np.array([3., 1., 2.]), np.array([1, 2, 1]), 0.6))
        2.0
    """
    sizes = np.asarray(sizes)
    total = int(np.sum(sizes, dtype=np.int64))
    if total <= 0:
        raise ValueError("person_quantile of an empty population")
    k = min(max(math.ceil(share * float(total)) - 1, 0), total - 1)
    return kernels.unit_kth(np.asarray(values), sizes, k)


def exact_count_flags(u: np.ndarray, weights: np.ndarray, share: float) -> np.ndarray:
    """Return a boolean mask flagging ``round(share * n)`` candidates, chosen by weight."""
    n = len(weights)
    flags = np.zeros(n, dtype=bool)
    flags[top_k_weighted(u, weights, int(round(share * n)))] = True
    return flags


def argsort_ties(x: np.ndarray, *tie_keys: np.ndarray) -> np.ndarray:
    """``np.lexsort((*reversed(tie_keys), x))`` (stable), in about a tenth of the time.

    Sorts by ``x``; equal ``x`` are ordered by the tie keys in turn, then by index (stable). A
    stable sort orders ``x`` first (:func:`simulation.kernels.argsort_stable`, a radix sort with
    numba) and only the runs of equal values (rare for continuous data) are re-sorted, so the
    result equals the full lexicographic sort.

    Examples:
        >>> import numpy as np
        >>> argsort_ties(np.array([2., 1., 2., 1.]), np.array([.5, .9, .1, .9])).tolist()
        [1, 3, 2, 0]
    """
    x = np.asarray(x)
    order = kernels.argsort_stable(x)
    xs = x[order]
    same = xs[1:] == xs[:-1]
    if xs.dtype.kind == "f" and len(xs) and np.isnan(xs[-1]):  # NaNs sort last and tie
        same |= np.isnan(xs[1:]) & np.isnan(xs[:-1])
    if same.any():
        in_run = np.zeros(len(x), dtype=bool)
        in_run[1:] |= same
        in_run[:-1] |= same
        pos = np.flatnonzero(in_run)  # positions of tied values, runs kept contiguous
        idx = order[pos]
        keys = [idx] + [np.asarray(k)[idx] for k in reversed(tie_keys)] + [x[idx]]
        order[pos] = idx[np.lexsort(keys)]
    return order


def normal_scores_of_rank(x: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Return standard-normal scores of the ranks of ``x`` (ties broken by ``u``)."""
    order = argsort_ties(x, u)
    ranks = np.empty(len(x), dtype=np.float64)
    ranks[order] = (np.arange(len(x)) + 0.5) / len(x)
    return detmath.ndtri(ranks)


def split_by_shares(u: np.ndarray, shares) -> np.ndarray:
    """Assign category codes to uniforms ``u`` by cumulative ``shares`` (inverse CDF)."""
    cum = np.cumsum(np.asarray(shares, dtype=np.float64))
    cum = cum / cum[-1]
    return np.minimum(np.searchsorted(cum, u, side="right"), len(cum) - 1).astype(np.int8)
