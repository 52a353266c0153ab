"""CAMEO 1.1b3 event codes with their Goldstein scores, quad classes and PLOVER types.

The table lives in ``cameo.tsv`` beside this module, one row per code (two-digit
roots, three-digit codes and four-digit sub-codes), with the columns
``code  name  goldstein  plover_type  plover_mode``. It is read once per process.

Sources of the facts it holds:

- Codes and names follow the CAMEO 1.1b3 codebook. Codes are strings with their
  leading zeros (``"0256"``); ``"256"`` is not a code.
- Goldstein scores follow the CAMEO Goldstein scale. A four-digit code with no
  score of its own takes its three-digit parent's (``0256`` takes ``025``'s -0.3),
  and a score stays with its event where older CAMEO versions numbered the event
  differently: ``163`` "Impose embargo, boycott, or sanctions" is -8.0, ``164``
  "Halt negotiations" -6.5, ``166`` "Expel or withdraw" -7.0; ``016`` "Deny
  responsibility" carries 3.4, the value GDELT's published scale gives code 016, so
  exported scores agree with GDELT's. ``018`` "Make empathetic comment" and ``019`` "Express accord"
  are both 3.4.
- PLOVER types follow the root table of ANNOTATION.md §4: ``01`` has none, ``02`` and
  ``10`` are REQUEST, ``08`` splits into CONCEDE (080-083) and RETREAT (084-087), and
  every code takes its root's type otherwise.
- PLOVER modes follow the CAMEO-to-PLOVER mapping (PLOVER draft 0.8), kept only where
  the mapping's type for that code is the type above (or the mode is one that type
  uses elsewhere in the mapping). The mapping's own note retires the mode "ease",
  so ``085`` has none.
- Quad classes follow GDELT: 1 for roots 01-05 (verbal cooperation), 2 for 06-08
  (material cooperation), 3 for 09-13 (verbal conflict), 4 for 14-20 (material
  conflict).

Example:
    >>> from flashpoint import ontology
    >>> ontology.describe("041").plover_type
    'CONSULT'
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "CameoCode",
    "UnknownCameoCode",
    "all_codes",
    "describe",
    "is_code",
    "plover_type",
    "quad_class",
]

_TABLE = "cameo.tsv"
_COLUMNS = ("code", "name", "goldstein", "plover_type", "plover_mode")


class UnknownCameoCode(KeyError):
    """A string that is not a CAMEO 1.1b3 code.

    A ``KeyError`` whose message reads as a sentence (``KeyError`` itself would
    print the message in quotes).
    """

    def __init__(self, code: object, what: str = "CAMEO code") -> None:
        self.code = code
        hint = ""
        if isinstance(code, str) and code.isdigit() and is_code("0" + code):
            hint = f"; codes keep their leading zeros (did you mean {'0' + code!r}?)"
        super().__init__(f"unknown {what} {code!r}: not in the CAMEO 1.1b3 table{hint}")

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class CameoCode:
    """One CAMEO event code and what it implies.

    Attributes:
        code: The code as a string with leading zeros, e.g. ``"0256"``.
        root: Its two-digit root, e.g. ``"02"``.
        name: The event's name, e.g. ``"Appeal for de-escalation of military engagement"``.
        goldstein: Its Goldstein score, from -10 (most conflictual) to 10 (most cooperative).
        quad_class: 1 verbal cooperation, 2 material cooperation, 3 verbal conflict,
            4 material conflict.
        plover_type: The PLOVER event type, or ``None`` for root 01 statements.
        plover_mode: The PLOVER mode where the mapping gives one (``"phone"`` for
            ``041``), else ``None``.
    """

    code: str
    root: str
    name: str
    goldstein: float
    quad_class: int
    plover_type: str | None
    plover_mode: str | None


def _quad_class_of_root(root: str) -> int:
    """Return the quad class of a two-digit root string (``"01"``-``"20"``)."""
    number = int(root)
    if 1 <= number <= 5:
        return 1
    if 6 <= number <= 8:
        return 2
    if 9 <= number <= 13:
        return 3
    if 14 <= number <= 20:
        return 4
    raise ValueError(f"{_TABLE}: {root!r} is not a CAMEO root (01-20)")


@lru_cache(maxsize=1)
def _table() -> dict[str, CameoCode]:
    """Read ``cameo.tsv`` once and return its rows keyed by code, in file order.

    Returns:
        A dict from code string to :class:`CameoCode`.

    Raises:
        ValueError: If the packaged table is malformed (a header, column count,
            duplicate code or score out of range); this means the package is broken.
    """
    text = resources.files(__package__).joinpath(_TABLE).read_text(encoding="utf-8")
    lines = text.splitlines()
    if not lines or tuple(lines[0].split("\t")) != _COLUMNS:
        raise ValueError(f"{_TABLE}: the header must be {'/'.join(_COLUMNS)}")
    codes: dict[str, CameoCode] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(_COLUMNS):
            raise ValueError(f"{_TABLE}, line {number}: expected {len(_COLUMNS)} columns")
        code, name, goldstein, ptype, pmode = cells
        if code in codes:
            raise ValueError(f"{_TABLE}, line {number}: duplicate code {code!r}")
        score = float(goldstein)
        if not -10.0 <= score <= 10.0:
            raise ValueError(f"{_TABLE}, line {number}: Goldstein {score} outside [-10, 10]")
        root = code[:2]
        codes[code] = CameoCode(
            code=code,
            root=root,
            name=name,
            goldstein=score,
            quad_class=_quad_class_of_root(root),
            plover_type=ptype or None,
            plover_mode=pmode or None,
        )
    return codes


def describe(code: str) -> CameoCode:
    """Look up one CAMEO code.

    Args:
        code: A CAMEO code with its leading zeros (``"0256"``, ``"041"``, ``"19"``).

    Returns:
        The code's :class:`CameoCode` record.

    Raises:
        UnknownCameoCode: (a ``KeyError``) if ``code`` is not a CAMEO 1.1b3 code;
            the message names it. ``"256"`` is refused: codes keep their leading zeros.
    """
    try:
        return _table()[code]
    except (KeyError, TypeError):
        raise UnknownCameoCode(code) from None


def is_code(code: str) -> bool:
    """Tell whether ``code`` is a CAMEO 1.1b3 code.

    Args:
        code: The candidate string, with leading zeros.

    Returns:
        ``True`` if the table has it.
    """
    try:
        return code in _table()
    except TypeError:
        return False


def all_codes() -> list[CameoCode]:
    """Return every CAMEO code, in codebook order (each root followed by its codes).

    Returns:
        A new list of :class:`CameoCode` records.
    """
    return list(_table().values())


def quad_class(root: str) -> int:
    """Return the quad class of a CAMEO root.

    Args:
        root: A two-digit root (``"04"``). Any longer code is accepted too and
            classed by its root (``"0256"`` → 1).

    Returns:
        1 for roots 01-05, 2 for 06-08, 3 for 09-13, 4 for 14-20.

    Raises:
        UnknownCameoCode: (a ``KeyError``) if ``root`` is not a CAMEO code.
    """
    return describe(root).quad_class


def plover_type(code: str) -> str | None:
    """Return the PLOVER event type a CAMEO code implies.

    Args:
        code: A CAMEO code with its leading zeros.

    Returns:
        The PLOVER type (``"CONSULT"`` for ``"041"``), or ``None`` for root 01
        statements, which PLOVER does not code.

    Raises:
        UnknownCameoCode: (a ``KeyError``) if ``code`` is not a CAMEO code.
    """
    return describe(code).plover_type
