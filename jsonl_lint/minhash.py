"""Near-duplicate search: MinHash signatures of word shingles, and an LSH index over them.

A signature is 64 minimum hash values (one-permutation hashing: each shingle's hash goes to one
of 64 bins, and a bin keeps its smallest value; empty bins borrow from the next full one), so a
record costs one hash per shingle, not 64. Two signatures agree in a bin with a probability
near the Jaccard similarity of the shingle sets. The index cuts a signature into bands; records
that share a whole band are candidates, and the share of equal bins estimates their similarity.

Memory is bounded per record: 256 bytes of signature and one index entry per band; the text is
never kept. Signatures do not depend on the process (no salted hashes): the same data gives the
same report every run.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Iterator
from itertools import repeat
from typing import Any

from jsonl_lint.hash_index import HashIndex

BINS = 64
SHINGLE = 3  # words per shingle
_EMPTY = 0xFFFFFFFF
_MASK64 = (1 << 64) - 1


def words_of(value: Any) -> list[str]:
    """The words of every string of a record, in order (roles included: "user", "assistant"),
    lower-cased."""
    parts: list[str] = []
    stack = [value]
    while stack:  # depth-first, in document order, without recursion (records can nest deeply)
        node = stack.pop()
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return " ".join(parts).lower().split()


def python_signature(words: list[str]) -> bytes:
    """The 64-bin one-permutation MinHash signature of the record's word shingles, as 256
    bytes, without dependencies."""
    # Words as CRC-32s (str hashes are salted per process: the same data must give the same
    # report every run), shingles as tuples of them (whose hash is not salted); all in C.
    ids = list(map(zlib.crc32, map(str.encode, words, repeat("utf-8"), repeat("surrogatepass"))))
    if len(ids) >= SHINGLE:
        hashes = set(map(hash, zip(ids, ids[1:], ids[2:])))
    else:
        hashes = {hash(tuple(ids))}
    bins = [_EMPTY] * BINS
    for value in hashes:
        value &= _MASK64
        slot = value & (BINS - 1)
        value = (value >> 6) & 0xFFFFFFFE  # the lowest bit marks borrowed values (below)
        if value < bins[slot]:
            bins[slot] = value
    if _EMPTY in bins:
        _densify(bins)
    return array("I", bins).tobytes()


def rensa_signature(words: list[str]) -> bytes:
    """The 64-permutation MinHash signature of the record's word shingles, as 256 bytes, by
    rensa (Rust): about three times faster than :func:`python_signature` on the benchmark
    data. Its values differ from those (another hash): both estimate the same similarity."""
    shingles = list(map(" ".join, zip(words, words[1:], words[2:]))) if len(words) >= SHINGLE else [" ".join(words)]
    try:
        try:
            return _rensa_digest(shingles)
        except UnicodeEncodeError:  # a lone surrogate (JSON allows "\udc80"): hash its bytes as they are
            return _rensa_digest([shingle.encode("utf-8", "surrogatepass") for shingle in shingles])
    except BaseException as error:  # a panic in native code must not end the check
        if isinstance(error, (KeyboardInterrupt, SystemExit)):
            raise
        return python_signature(words)  # this one record may then miss its near-duplicates


def _rensa_digest(shingles: list[str] | list[bytes]) -> bytes:
    sketch = _rensa.RMinHash(BINS, 0)  # seed 0: the same data gives the same report every run
    sketch.update(shingles)
    return array("I", sketch.digest()).tobytes()


# The optional extra ``jsonl-lint[dedup]`` brings rensa; every process of a run takes the same.
try:
    import rensa as _rensa  # type: ignore[import-untyped]
except ImportError:  # pragma: no cover - the tests have it; python_signature is tested directly
    _rensa = None
ENGINE = "python" if _rensa is None else "rensa"
signature = python_signature if _rensa is None else rensa_signature


def _densify(bins: list[int]) -> None:
    """An empty bin takes the value of the next full bin to the right (circularly), marked as
    borrowed and moved by its distance, so that sparse signatures still band together fairly."""
    full = [value != _EMPTY for value in bins]
    if not any(full):
        return
    source = list(bins)
    following: int | None = None
    for position in range(2 * BINS - 1, -1, -1):  # twice round, right to left: one pass
        index = position % BINS
        if full[index]:
            following = position
        elif position < BINS and following is not None:
            step = following - position
            bins[index] = ((source[following % BINS] + step * 0x9E3779B1) & 0xFFFFFFFE) | 1


def similarity(first: bytes, second: bytes) -> float:
    """The estimated Jaccard similarity of two signatures: the share of equal bins."""
    a, b = array("I", first), array("I", second)
    return sum(x == y for x, y in zip(a, b)) / BINS


def bands_for(threshold: float) -> int:
    """How many bands to cut a signature into so that pairs from about ``threshold`` down to
    0.1 below it become candidates: 16 bands of 4 bins below 0.85, 8 of 8 from there."""
    return 16 if threshold < 0.85 else 8


class LshIndex:
    """Signatures by record number, and each band's first record; memory per record: the
    signature and one 16-byte index entry per band (at half load)."""

    def __init__(self, bands: int) -> None:
        self.bands = bands
        self.rows = BINS // bands
        self._band_index = HashIndex()
        self._signatures = array("I")
        self.lines = array("q")  # record number -> its line
        self.keys = array("q")  # record number -> its exact key (0: none), to leave exact repeats to JL703

    def __len__(self) -> int:
        return len(self.lines)

    def _bands(self, sig: bytes) -> Iterator[int]:
        width = self.rows * 4
        for band in range(self.bands):
            yield hash((band, sig[band * width : (band + 1) * width]))

    def signature_of(self, number: int) -> bytes:
        return self._signatures[number * BINS : (number + 1) * BINS].tobytes()

    def candidates(self, sig: bytes) -> list[int]:
        """Earlier records that share a band with ``sig``, first seen first."""
        found: list[int] = []
        for key in self._bands(sig):
            number = self._band_index.get(key)
            if number is not None and number not in found:
                found.append(number)
        return found

    def best_match(self, sig: bytes, threshold: float, key: int | None = None) -> tuple[int, float] | None:
        """The earliest candidate at least ``threshold`` similar, and its similarity; None when
        there is none or when the earliest is an exact repeat (the same ``key``)."""
        for number in sorted(self.candidates(sig)):
            estimate = similarity(sig, self.signature_of(number))
            if estimate >= threshold:
                return None if key is not None and self.keys[number] == key else (number, estimate)
        return None

    def add(self, sig: bytes, line: int, key: int | None = None) -> None:
        number = len(self.lines)
        self._signatures.frombytes(sig)
        self.lines.append(line)
        self.keys.append(key or 0)
        for key in self._bands(sig):
            self._band_index.setdefault(key, number)
