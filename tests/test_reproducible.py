"""The same inputs give the same bytes on every processor.

NumPy hands a dense ``a @ b`` to OpenBLAS, whose kernels (chosen per processor) add the products
in different orders: the bundled CVaR came out 37513846.15384612 under the Haswell kernel and
37513846.153846115 under SkylakeX, so the golden files passed on one machine and failed on the
next. Figures are therefore summed with NumPy's own reductions, which add in one order on every
processor. Each command below runs in fresh processes under kernels forced through
``OPENBLAS_CORETYPE`` (and with NumPy's AVX-512 paths switched off) and must print the same bytes.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

KERNELS = [
    {"OPENBLAS_CORETYPE": "Haswell"},
    {"OPENBLAS_CORETYPE": "SkylakeX"},
    {"OPENBLAS_CORETYPE": "Sandybridge", "NPY_DISABLE_CPU_FEATURES": "AVX512F AVX512CD AVX512_SKX"},
]
COMMANDS = {
    "solve": ["solve", "--format", "json"],
    "solve-cvar": ["solve", "--format", "json", "--cvar-weight", "0.3"],
    "plan": ["plan", "--years", "2026:2028", "--format", "json", "--cvar-weight", "0.3"],
}


def run(args: list[str], extra: dict[str, str]) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")}
    env.update(extra)
    done = subprocess.run([sys.executable, "-m", "sourcing.cli", *args], env=env, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_blas_kernel_prints_the_same_bytes(command):
    outputs = [run(COMMANDS[command], kernel) for kernel in KERNELS]
    assert outputs[0] and all(out == outputs[0] for out in outputs[1:])
