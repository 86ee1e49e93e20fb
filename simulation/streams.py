"""Random streams with common random numbers (CRN) across scenarios.

A replication has one root :class:`numpy.random.SeedSequence`. Every stage draws from its own
generator, re-derived each month from ``(root, stage, month)``, and draws one number per agent
slot (not one per event). So the draw that decides whether worker ``i`` separates in month ``t``
is the same in every scenario that shares the seed, whatever other stages or policies did before:
scenarios differ only where their rules differ (starsim's CRN does the same with per-agent slots).

Policies get their own stage names, so a policy of size zero consumes no draw from any other
stage and reproduces the run without it exactly.
"""

from __future__ import annotations

import zlib

import numpy as np

from simulation import detmath, kernels

# Fixed stage numbers keep the streams stable when stages are added or reordered.
_STAGE_IDS: dict[str, int] = {}


def stage_id(name: str) -> int:
    """Return a stable integer id for a stage name (CRC32 of the name)."""
    if name not in _STAGE_IDS:
        _STAGE_IDS[name] = zlib.crc32(name.encode()) & 0x7FFFFFFF
    return _STAGE_IDS[name]


# A quantile table turns uniform integers into standard-normal draws by lookup: as fast as a
# uniform draw, exact enough for earnings noise (4096 equiprobable cells, midpoints). The
# quantiles come from detmath, so the table is the same on every CPU.
_NORMAL_TABLE = detmath.ndtri((np.arange(4096, dtype=np.float64) + 0.5) / 4096).astype(
    np.float32)


class Streams:
    """Per-stage, per-month random generators derived from one root seed.

    Args:
        seed: Root seed (an int, or a SeedSequence from ``SeedSequence(seed).spawn``).

    Examples:
        >>> a = Streams(1).generator("separation", 5).random(3)
        >>> b = Streams(1).generator("separation", 5).random(3)
        >>> bool((a == b).all())
        True
    """

    def __init__(self, seed: int | np.random.SeedSequence):
        is_seq = isinstance(seed, np.random.SeedSequence)
        self.root = seed if is_seq else np.random.SeedSequence(seed)

    def __getstate__(self):
        return {"entropy": self.root.entropy, "spawn_key": self.root.spawn_key}

    def __setstate__(self, state):
        self.root = np.random.SeedSequence(state["entropy"], spawn_key=tuple(state["spawn_key"]))

    def _seq(self, stage: str, month: int) -> np.random.SeedSequence:
        """The seed of ``stage`` in step ``month``: a child of the root."""
        return np.random.SeedSequence(
            self.root.entropy, spawn_key=(*self.root.spawn_key, stage_id(stage), int(month))
        )

    def generator(self, stage: str, month: int = 0) -> np.random.Generator:
        """Return a fresh generator for ``stage`` in step ``month``."""
        return np.random.Generator(np.random.PCG64(self._seq(stage, month)))

    def uniform(self, stage: str, month: int, n: int, out: np.ndarray | None = None) -> np.ndarray:
        """Return ``n`` float32 uniforms in [0, 1), one per agent slot."""
        g = self.generator(stage, month)
        if out is None:
            return g.random(n, dtype=np.float32)
        g.random(dtype=np.float32, out=out[:n])
        return out[:n]

    def normal(self, stage: str, month: int, n: int) -> np.ndarray:
        """Return ``n`` float32 standard-normal draws (table lookup), one per agent slot.

        Each 64-bit output of the generator gives four 12-bit cell numbers of the table.
        """
        g = self.generator(stage, month)
        raw = g.bit_generator.random_raw((n + 3) // 4)
        return kernels.normals_from_table(raw, _NORMAL_TABLE, n)  # table[raw16 & 4095]

    def uniform_at(self, stage: str, month: int, slots: np.ndarray) -> np.ndarray:
        """Float32 uniforms in [0, 1) for the given agent slots only (counter-based).

        Slot ``i`` gets the ``i``-th output of a SplitMix64 sequence seeded from
        ``(root, stage, month)``: the same number whatever other slots are asked for, so a stage
        that needs draws for a few slots (the unemployed, job losers) costs in proportion to
        them and keeps common random numbers per slot.
        """
        key = int(self._seq(stage, month).generate_state(1, np.uint64)[0])
        x = np.asarray(slots).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        x += np.uint64(key)
        x ^= x >> np.uint64(30)
        x *= np.uint64(0xBF58476D1CE4E5B9)
        x ^= x >> np.uint64(27)
        x *= np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
        return (x >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-24)



def replication_seeds(seed: int, replications: int) -> list[np.random.SeedSequence]:
    """Return the replication seeds: ``SeedSequence(seed).spawn(replications)``.

    Replication ``r`` gets the same seed in every scenario of a call (common random numbers).
    """
    return np.random.SeedSequence(seed).spawn(replications)
