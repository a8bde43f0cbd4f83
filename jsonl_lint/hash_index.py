"""A map from 64-bit hashes to the line where each was first seen, in 16 to 32 bytes an entry.

A dict costs about 140 bytes an entry (two int objects and a slot), which for a file of a few
million records is most of the checker's memory. This is an open-addressing table with linear
probing over two ``array('q')``: keys and lines. It doubles when half full, so growing never
holds more than the old and the new arrays. Slot key 0 means empty; the key 0 itself is kept
aside. Keys are ``hash()`` values, whose low bits are already well mixed.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator


class HashIndex:
    def __init__(self, capacity: int = 1 << 16) -> None:
        assert capacity & (capacity - 1) == 0, "capacity is a power of two"
        self._keys = array("q", bytes(8 * capacity))
        self._lines = array("q", bytes(8 * capacity))
        self._mask = capacity - 1
        self._size = 0
        self._zero: int | None = None  # the line of key 0, which cannot live in a slot

    def __len__(self) -> int:
        return self._size + (self._zero is not None)

    def _slot(self, key: int) -> int:
        """Where ``key`` is, or the empty slot where it would go (linear probing)."""
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key or found == 0:
                return slot
            slot = (slot + 1) & mask

    def get(self, key: int) -> int | None:
        if key == 0:
            return self._zero
        slot = self._slot(key)
        return self._lines[slot] if self._keys[slot] == key else None

    def setdefault(self, key: int, line: int) -> int:
        """The line ``key`` was first seen on; ``line`` if it is new (and then it is kept)."""
        if key == 0:
            if self._zero is None:
                self._zero = line
            return self._zero
        slot = self._slot(key)
        if self._keys[slot] == key:
            return self._lines[slot]
        self._keys[slot] = key
        self._lines[slot] = line
        self._size += 1
        if 2 * self._size > self._mask:
            self._grow()
        return line

    def items(self) -> Iterator[tuple[int, int]]:
        if self._zero is not None:
            yield 0, self._zero
        for key, line in zip(self._keys, self._lines):
            if key:
                yield key, line

    def _grow(self) -> None:
        old_keys, old_lines = self._keys, self._lines
        capacity = 2 * (self._mask + 1)
        self._keys = keys = array("q", bytes(8 * capacity))
        self._lines = lines = array("q", bytes(8 * capacity))
        self._mask = mask = capacity - 1
        for key, line in zip(old_keys, old_lines):
            if key:
                slot = key & mask
                while keys[slot]:
                    slot = (slot + 1) & mask
                keys[slot] = key
                lines[slot] = line
