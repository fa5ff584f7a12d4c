"""KTAB's own pseudo-random generator, to reproduce KTAB's stochastic SMP runs.

KTAB (``KBase::PRNG`` in ``kutils/libsrc/prng.cpp``, KAPSARC, MIT licence) draws from
the 64-bit Mersenne Twister ``std::mt19937_64`` (Matsumoto & Nishimura 1998; the 64-bit
parameters of Nishimura 2000, "Tables of 64-bit Mersenne Twisters", ACM TOMACS 10(4)),
seeded with the run's 64-bit ``prngSeed`` by the standard's seeding recurrence. Each
raw output ``n`` is passed through KTAB's one-to-one quadratic scramble

    q(n) = (n + a) (2 n + 3)  mod 2^64,   a = 0xE08C1D668B756F83,

and a uniform number is ``double(q) / double(2^64 - 1)`` (the divisor rounds to 2^64).
``PRNG::probSel`` picks option ``i`` from probabilities ``p``: the first ``i`` whose
running sum ``p_0 + ... + p_i`` is at least the uniform number (the last one if
rounding leaves none).

This module implements that algorithm (not KTAB's code); detente uses it only when a
run asks to reproduce KTAB (``smp`` option ``rng: ktab``); every other draw in detente
comes from a ``numpy.random.Generator``. Checked in ``tests/unit/test_smp_ktab_random.py``
against the C++ standard's known answer for ``mt19937_64`` and against the 70 draws of
KTAB's reference log ``20170530_ref-smpExample.txt``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DEFAULT_SEED", "KTABRandom"]

#: KTAB's default seed (``KBase::dSeed``), used when a scenario gives none.
DEFAULT_SEED = 0xD67CC16FE69C185C

_N, _M = 312, 156  # mt19937_64: state words, middle offset
_MATRIX_A = np.uint64(0xB5026F5AA96619E9)
_UPPER = np.uint64(0xFFFFFFFF80000000)  # the top 33 bits (w - r, r = 31)
_LOWER = np.uint64(0x7FFFFFFF)
_INIT_MULT = 6364136223846793005
_SCRAMBLE_A = np.uint64(0xE08C1D668B756F83)  # KTAB's qTrans constant
_MASK64 = (1 << 64) - 1
_TWO64 = 18446744073709551616.0  # double(0xFFFFFFFFFFFFFFFF) rounds to 2^64


def _shift(x: np.ndarray, k: int) -> np.ndarray:
    return np.asarray(np.right_shift(x, np.uint64(k)))


def _lshift(x: np.ndarray, k: int) -> np.ndarray:
    return np.asarray(np.left_shift(x, np.uint64(k)))


class KTABRandom:
    """KTAB's generator: ``mt19937_64`` seeded with ``seed``, scrambled by ``qTrans``.

    Parameters
    ----------
    seed : int
        KTAB's ``prngSeed``, 1 .. 2^64 - 1 (KTAB replaces 0 by a seed from the system's
        random device, which cannot be reproduced, so 0 is refused).

    Raises
    ------
    ValueError
        A seed outside 1 .. 2^64 - 1.
    """

    def __init__(self, seed: int = DEFAULT_SEED) -> None:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 < seed <= _MASK64:
            raise ValueError(f"a KTAB seed must be an integer in 1 .. 2^64 - 1, got {seed!r}")
        self.seed = seed
        state = [seed]
        for i in range(1, _N):  # the standard's seeding recurrence, one word after another
            prev = state[-1]
            state.append((_INIT_MULT * (prev ^ (prev >> 62)) + i) & _MASK64)
        self._state = np.array(state, dtype=np.uint64)
        self._raw = np.empty(0, dtype=np.uint64)
        self._block = np.empty(0)
        self._next = 0

    def _twist(self) -> None:
        """Refill the state (the Mersenne Twister's recurrence, in three array slices)."""
        mt = self._state

        def mixed(upper: np.ndarray, lower: np.ndarray, far: np.ndarray) -> np.ndarray:
            y = (upper & _UPPER) | (lower & _LOWER)
            odd = (y & np.uint64(1)).astype(bool)
            return np.asarray(far ^ _shift(y, 1) ^ np.where(odd, _MATRIX_A, np.uint64(0)))

        # words 0..155 read old words i + 1 and i + 156; 156..310 read the new i - 156
        mt[: _N - _M] = mixed(mt[: _N - _M], mt[1 : _N - _M + 1], mt[_M:])
        mt[_N - _M : _N - 1] = mixed(mt[_N - _M : _N - 1], mt[_N - _M + 1 :], mt[: _M - 1])
        mt[_N - 1 :] = mixed(mt[_N - 1 :], mt[:1], mt[_M - 1 : _M])
        y = mt.copy()  # tempering
        y ^= _shift(y, 29) & np.uint64(0x5555555555555555)
        y ^= _lshift(y, 17) & np.uint64(0x71D67FFFEDA60000)
        y ^= _lshift(y, 37) & np.uint64(0xFFF7EEE000000000)
        y ^= _shift(y, 43)
        self._raw = y
        # KTAB's qTrans on the whole block (uint64 arithmetic wraps modulo 2^64)
        scrambled = (y + _SCRAMBLE_A) * (y * np.uint64(2) + np.uint64(3))
        self._block = scrambled.astype(np.float64) / _TWO64
        self._next = 0

    def _take(self) -> int:
        """The index of the next output in the current block (refilled when used up)."""
        if self._next >= len(self._block):
            self._twist()
        self._next += 1
        return self._next - 1

    def raw(self) -> int:
        """The next untransformed ``mt19937_64`` output (advances the generator)."""
        index = self._take()  # may refill the block first
        return int(self._raw[index])

    def uniform(self) -> float:
        """KTAB's ``PRNG::uniform(0, 1)``: the next scrambled output over 2^64."""
        index = self._take()
        return float(self._block[index])

    def choose(self, probabilities: np.ndarray) -> int:
        """KTAB's ``PRNG::probSel``: index of the option drawn from ``probabilities`` (m,)."""
        cumulative = np.cumsum(np.asarray(probabilities, dtype=float))
        u = self.uniform()
        hits = np.flatnonzero(u <= cumulative)
        return int(hits[0]) if hits.size else len(cumulative) - 1
