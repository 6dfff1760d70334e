"""A compact set of article ids (``IdSet``), for the per-run state that grows with a run."""


class IdSet:
    """A set of non-negative article ids in a bit array: 125 kB per million ids of range.

    >>> ids = IdSet()
    >>> ids.add(1849596), ids.add(1849596), len(ids), 1849596 in ids, 7 in ids
    (True, False, 1, True, False)

    RT Arabic's ids run to about two million, so a run's sets of ids take a quarter of a megabyte
    each however many articles it meets, where a ``set`` of 50,000 ids takes about 3 MB.
    """

    def __init__(self):
        self.bits = bytearray()
        self.count = 0

    def add(self, number: int) -> bool:
        """Adds ``number``; whether it was new."""
        byte, bit = divmod(number, 8)
        if byte >= len(self.bits):
            self.bits.extend(bytes(byte + 1 - len(self.bits)))
        if self.bits[byte] >> bit & 1:
            return False
        self.bits[byte] |= 1 << bit
        self.count += 1
        return True

    def __contains__(self, number: int) -> bool:
        byte, bit = divmod(number, 8)
        return byte < len(self.bits) and bool(self.bits[byte] >> bit & 1)

    def __len__(self) -> int:
        return self.count
