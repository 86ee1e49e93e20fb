"""Functions with known answers, wired through the sweep machinery (FunctionModel).

Importable by worker processes (a test module's own functions are not, under spawn).
"""

from __future__ import annotations

import math

import numpy as np


def ishigami(values, seed):
    """Ishigami (a = 7, b = 0.1) on [-pi, pi]^3: S1 = 0.3139, 0.4424, 0; ST = 0.5576, 0.4424,
    0.2437 (Ishigami and Homma 1990; Saltelli et al. 2008, p. 179)."""
    x1, x2, x3 = values["x1"], values["x2"], values["x3"]
    return {"y": math.sin(x1) + 7 * math.sin(x2) ** 2 + 0.1 * x3 ** 4 * math.sin(x1)}


def linear(values, seed):
    """y = 3 a - 1 b + 0 c: Morris mu* = |coefficient| x range, sigma = 0."""
    return {"y": 3 * values["a"] - values["b"] + 0 * values["c"]}


def noisy_band(values, seed):
    """Band reached (1) with probability 0.95 where a >= 0.6 and b >= 0.5, else 0.05."""
    inside = values["a"] >= 0.6 and values["b"] >= 0.5
    p = 0.95 if inside else 0.05
    u = np.random.default_rng(seed).random()
    return {"band": float(u < p), "y": values["a"] + values["b"]}


def never(values, seed):
    """The band is never reached."""
    return {"band": 0.0, "y": values["a"]}


def fails_sometimes(values, seed):
    """Raises for a > 0.5: the sweep must record the error and go on."""
    if values["a"] > 0.5:
        raise ValueError(f"a = {values['a']:.3f} is too large for this model")
    return {"y": 2 * values["a"]}
