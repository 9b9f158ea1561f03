"""A regular expression behind a cheap test: skip the pattern when the text lacks every string that
any match of it must contain.

Python's ``re`` tries a case-insensitive alternation at every position of a sentence ("distinguish|
differentiat|confus|..." costs 20-50 µs a sentence), and the rules run dozens of such patterns over
every sentence of a book, most of which hold none of their words. :func:`prefiltered` reads the
pattern's parse tree once for strings every match contains (one of a set: the literal runs of a
mandatory part, the union over a mandatory alternation) and answers "no match" at once when an ASCII
text contains none of them. Results are exactly the pattern's own: a text that may match (or holds
non-ASCII letters, where case folding has exceptions such as 'ſ' ~ 's') goes to the pattern.

Example:
    >>> CUE = prefiltered(re.compile(r"\\b(?:resembl|mimic)\\w*", re.I))
    >>> CUE.search("It may RESEMBLE psoriasis").group(0)
    'RESEMBLE'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, cast

try:  # Python 3.11+: the parser's modules are private
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as C  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}
MAX_STRINGS = 64  # a larger set costs more to test than the patterns it would spare


def required_strings(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains (lower-cased for a case-insensitive
    pattern), or None when the pattern promises none (e.g. it can match an empty string)."""
    if not isinstance(pattern.pattern, str) or pattern.flags & (re.VERBOSE | re.LOCALE):
        return None
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
    except Exception:  # a construct this reader does not know: no prefilter, never a wrong one
        return None
    found = _required(list(tree), bool(pattern.flags & re.IGNORECASE))
    if found is None or not all(found) or len(found) > MAX_STRINGS:
        return None
    return found


def _better(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    """The more selective of two requirements: longer shortest string, then fewer strings."""
    if a is None or b is None:
        return a if b is None else b
    key = lambda s: (min(map(len, s)), -len(s))  # noqa: E731
    return a if key(a) >= key(b) else b


def _required(items: list[tuple[Any, Any]], icase: bool) -> frozenset[str] | None:
    """What every match of the sequence ``items`` contains: one mandatory item's requirement."""
    best: frozenset[str] | None = None
    run: list[str] = []

    def close() -> None:
        nonlocal best
        if run:
            best = _better(best, frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is C.LITERAL and (char := _char(av, icase)) is not None:
            run.append(char)
            continue
        close()
        if op is C.IN:
            best = _better(best, _one_of(av, icase))
        elif op is C.ASSERT:  # a lookaround's text is in the string too, if not in the match
            best = _better(best, _required(list(av[1]), icase))
        elif op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not (add_flags or del_flags):  # scoped flags change case rules: promise nothing
                best = _better(best, _required(list(sub), icase))
        elif op in _REPEATS:
            low, _high, sub = av
            if low >= 1:
                best = _better(best, _required(list(sub), icase))
        elif op is C.BRANCH:
            options = [_required(list(b), icase) for b in av[1]]
            if options and all(o is not None for o in options):
                best = _better(best, frozenset().union(*cast(list[frozenset[str]], options)))
        elif op is getattr(C, "ATOMIC_GROUP", None):
            best = _better(best, _required(list(av), icase))
        # anything else (ranges, anchors, negative lookarounds, back references) promises nothing
    close()
    return best


def _char(code: int, icase: bool) -> str | None:
    """A literal as the prefilter compares it: ASCII (lower-cased under IGNORECASE), or a non-ASCII
    character without case ('©', '†', '¹'), which no ASCII text holds. None for a non-ASCII letter:
    case folding maps some to ASCII ('ſ' ~ 's', 'K' ~ 'k')."""
    char = chr(code)
    if char.isascii():
        return char.lower() if icase else char
    return None if char.isalpha() or char.lower() != char or char.upper() != char else char


def _one_of(items: list[tuple[Any, Any]], icase: bool) -> frozenset[str] | None:
    """A class of listed characters ('[*†‡]'): one of them; None for ranges, negations, categories."""
    chars = [_char(av, icase) if op is C.LITERAL else None for op, av in items]
    if not chars or len(chars) > 16 or any(c is None for c in chars):
        return None
    return frozenset(cast(list[str], chars))


@lru_cache(maxsize=256)
def _ascii_lower(text: str) -> str | None:
    """``text`` lower-cased when ASCII, else None: each sentence meets ~30 case-blind patterns in a
    row, and lowering it once is cheaper than each time (a str keeps its hash)."""
    return text.lower() if text.isascii() else None


class _Prefiltered:
    """A compiled pattern with the same methods and results, answering at once when a text cannot
    match. Attributes it does not define (``pattern``, ``flags``, ``groupindex`` ...) are the
    pattern's own."""

    __slots__ = ("_pattern", "_strings", "_icase")

    def __init__(self, pattern: re.Pattern[str], strings: frozenset[str]) -> None:
        self._pattern = pattern
        self._strings = tuple(sorted(strings, key=len, reverse=True))
        self._icase = bool(pattern.flags & re.IGNORECASE)

    def cannot_match(self, text: Any) -> bool:
        """True only when no match can exist in ``text`` (an ASCII str lacking every string)."""
        if not isinstance(text, str):
            return False
        if self._icase:
            hay = _ascii_lower(text)
            if hay is None:
                return False
        elif not text.isascii():
            return False
        else:
            hay = text
        for string in self._strings:  # noqa: SIM110  (a loop: a generator costs ~30% more, ~30 calls a sentence)
            if string in hay:
                return False
        return True

    def search(self, string: str, *args: Any) -> re.Match[str] | None:
        return None if self.cannot_match(string) else self._pattern.search(string, *args)

    def match(self, string: str, *args: Any) -> re.Match[str] | None:
        return None if self.cannot_match(string) else self._pattern.match(string, *args)

    def fullmatch(self, string: str, *args: Any) -> re.Match[str] | None:
        return None if self.cannot_match(string) else self._pattern.fullmatch(string, *args)

    def finditer(self, string: str, *args: Any) -> Iterator[re.Match[str]]:
        return iter(()) if self.cannot_match(string) else self._pattern.finditer(string, *args)

    def findall(self, string: str, *args: Any) -> list[Any]:
        return [] if self.cannot_match(string) else self._pattern.findall(string, *args)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return string if self.cannot_match(string) else self._pattern.sub(repl, string, count)

    def subn(
        self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0
    ) -> tuple[str, int]:
        return (string, 0) if self.cannot_match(string) else self._pattern.subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        return [string] if self.cannot_match(string) else self._pattern.split(string, maxsplit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pattern, name)

    def __repr__(self) -> str:
        return f"prefiltered({self._pattern!r})"


@lru_cache(maxsize=8192)  # bounded: names masked in findings are patterns too (one per name)
def prefiltered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` behind a test for the strings all its matches contain (itself when it has none).
    One wrapper per pattern, so identity tests (``pattern is CAUSES``) still hold."""
    strings = required_strings(pattern)
    return pattern if strings is None else cast(re.Pattern[str], _Prefiltered(pattern, strings))
