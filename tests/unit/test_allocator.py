"""The allocator thresholds of Dask workers (simulation.allocator).

Counted in page faults, not seconds: with dask's ``MALLOC_TRIM_THRESHOLD_=65536`` every 1 MB
temporary is a fresh mmap whose 256 pages fault in; after :func:`tune_for_arrays` the heap
reuses it and almost no page faults.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from simulation import allocator

PROBE = r"""
import json, resource
import numpy as np
from simulation import allocator

def faults(n=200):
    a = np.ones(262_144, dtype=np.float32)  # 1 MiB
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(n):
        b = a * np.float32(2.0)  # a 1 MiB temporary, freed at the next iteration
        del b
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / n

untuned = faults()
ok = allocator.tune_for_arrays()
faults()  # the first pass after the change grows the heap once
tuned = faults()
print(json.dumps({"ok": ok, "untuned": untuned, "tuned": tuned,
                  "again": allocator.tune_for_arrays()}))
"""


@pytest.mark.skipif(allocator._libc() is None, reason="no glibc mallopt here")
def test_tuning_stops_the_page_faults_of_the_nannys_trim_setting():
    env = dict(os.environ, MALLOC_TRIM_THRESHOLD_="65536")
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    assert r["ok"] and r["again"]
    assert r["untuned"] > 100, r  # each temporary mapped afresh: 256 pages, or 1 huge page+
    assert r["tuned"] < 5, r  # reused from the heap


def test_on_worker_calls_through_and_sets_the_flag():
    assert allocator.on_worker(lambda a, b=0: a + b, 2, b=3) == 5
    assert allocator.tuned() == (allocator._libc() is not None)
