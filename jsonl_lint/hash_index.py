"""A map from 64-bit hashes to the line where each was first seen, in 16 to 32 bytes an entry.

A dict costs about 140 bytes an entry (two int objects and a slot), which for a file of a few
million records is most of the checker's memory. This is an open-addressing table with linear
probing over two ``array('q')``: keys and lines (and, for :class:`HashPairIndex`, a third: a
value kept with each key). It doubles when half full, so growing never holds more than the old
and the new arrays. Slot key 0 means empty; the key 0 itself is kept aside. Keys are ``hash()``
values, whose low bits are already well mixed.

The probe loop is written out in each method (not a shared helper): each is called once or
twice per record, and a Python call costs as much as the probe itself.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import compress


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

    def get(self, key: int) -> int | None:
        if key == 0:
            return self._zero
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return self._lines[slot]
            if found == 0:
                return None
            slot = (slot + 1) & mask

    def setdefault(self, key: int, line: int) -> int:
        """The line ``key`` was first seen on; ``line`` if it is new (and then it is kept)."""
        if key == 0:
            if self._zero is None:
                self._zero = line
            return self._zero
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return self._lines[slot]
            if found == 0:
                break
            slot = (slot + 1) & mask
        keys[slot] = key
        self._lines[slot] = line
        self._size += 1
        if 2 * self._size > mask:
            self._grow()
        return line

    def items(self) -> Iterator[tuple[int, int]]:
        if self._zero is not None:
            yield 0, self._zero
        for key, line in zip(self._keys, self._lines):
            if key:
                yield key, line

    def _grow(self) -> None:
        self._keys, self._lines = _doubled(self._keys, self._lines)
        self._mask = 2 * self._mask + 1


class HashPairIndex:
    """A map from 64-bit hashes to the line where each was first seen and a 64-bit value given
    there (24 to 48 bytes an entry): one lookup where two :class:`HashIndex` take two."""

    def __init__(self, capacity: int = 1 << 16) -> None:
        assert capacity & (capacity - 1) == 0, "capacity is a power of two"
        self._keys = array("q", bytes(8 * capacity))
        self._lines = array("q", bytes(8 * capacity))
        self._values = array("q", bytes(8 * capacity))
        self._mask = capacity - 1
        self._size = 0
        self._zero: tuple[int, int] | None = None  # the line and value of key 0, which cannot live in a slot

    def __len__(self) -> int:
        return self._size + (self._zero is not None)

    def value(self, key: int) -> int | None:
        """The value kept with ``key``, None if it was never seen."""
        if key == 0:
            return None if self._zero is None else self._zero[1]
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return self._values[slot]
            if found == 0:
                return None
            slot = (slot + 1) & mask

    def setdefault(self, key: int, line: int, value: int) -> int:
        """The line ``key`` was first seen on; ``line`` if it is new (and then it is kept, with ``value``)."""
        if key == 0:
            if self._zero is None:
                self._zero = (line, value)
            return self._zero[0]
        keys, mask = self._keys, self._mask
        slot = key & mask
        while True:
            found = keys[slot]
            if found == key:
                return self._lines[slot]
            if found == 0:
                break
            slot = (slot + 1) & mask
        keys[slot] = key
        self._lines[slot] = line
        self._values[slot] = value
        self._size += 1
        if 2 * self._size > mask:
            self._grow()
        return line

    def items(self) -> Iterator[tuple[int, int, int]]:
        if self._zero is not None:
            yield 0, *self._zero
        for key, line, value in zip(self._keys, self._lines, self._values):
            if key:
                yield key, line, value

    def _grow(self) -> None:
        self._keys, self._lines, self._values = _doubled(self._keys, self._lines, self._values)
        self._mask = 2 * self._mask + 1


def _doubled(keys: array[int], *columns: array[int]) -> tuple[array[int], ...]:
    """The table of ``keys`` and the ``columns`` kept with them, rehashed into twice the slots."""
    capacity = 2 * len(keys)
    mask = capacity - 1
    new_keys = array("q", bytes(8 * capacity))
    new_columns = [array("q", bytes(8 * capacity)) for _ in columns]
    moves = list(zip(columns, new_columns, strict=True))
    for slot_then in compress(range(len(keys)), keys):  # the filled slots, found in C: half the loop
        key = keys[slot_then]
        slot = key & mask
        while new_keys[slot]:
            slot = (slot + 1) & mask
        new_keys[slot] = key
        for old, new in moves:
            new[slot] = old[slot_then]
    return (new_keys, *new_columns)
