"""Duplicate articles: exact copies by content hash, near copies by MinHash LSH.

An exact copy has the same normalised text, hence the same ``article_id``
(:func:`flashpoint.model.article_id_for`). A near copy (a wire story republished
with a new headline, a byline or a trimmed last paragraph) is found with MinHash
signatures over word 3-grams of the body (Broder 1997, via ``datasketch``) and
locality-sensitive hashing: the signature is cut into ``b`` bands of ``r`` values
and each band becomes one 63-bit *band key*. Two articles are candidates when they
share a band key; a candidate is a near copy when the estimated Jaccard similarity
of the two signatures reaches the threshold. Looking up band keys is a point
lookup per key, so finding copies never compares every pair of articles.

Example:
    >>> sig = signature("India and Pakistan agreed on Thursday to resume talks ...")
    >>> keys = band_keys(sig)
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

__all__ = ["NUM_PERM", "THRESHOLD", "band_keys", "jaccard", "lsh_params", "signature",
           "signature_from_bytes"]

NUM_PERM = 128
THRESHOLD = 0.8
SHINGLE = 3
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=8)
def lsh_params(threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """Return ``(bands, rows)`` that ``datasketch`` picks for a Jaccard threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _shingles(text: str) -> list[bytes]:
    words = _WORD.findall(text.lower())
    if len(words) <= SHINGLE:
        return [" ".join(words).encode("utf-8")]
    return [" ".join(words[i:i + SHINGLE]).encode("utf-8")
            for i in range(len(words) - SHINGLE + 1)]


def signature(text: str, *, num_perm: int = NUM_PERM) -> np.ndarray:
    """MinHash signature of a text's word 3-grams (``uint32``, ``num_perm`` values)."""
    minhash = MinHash(num_perm=num_perm)
    minhash.update_batch(_shingles(text))
    return minhash.hashvalues.astype(np.uint32)


def signature_from_bytes(data: bytes) -> np.ndarray:
    """A signature stored with ``sig.tobytes()``."""
    return np.frombuffer(data, dtype=np.uint32)


def band_keys(sig: np.ndarray, *, threshold: float = THRESHOLD) -> list[int]:
    """The LSH band keys of a signature: one signed 63-bit integer per band."""
    bands, rows = lsh_params(threshold, len(sig))
    keys = []
    for band in range(bands):
        chunk = sig[band * rows:(band + 1) * rows].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "big") >> 1)
    return keys


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures: the share of equal values."""
    if len(a) != len(b) or len(a) == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)
