"""Dossier codes: random, easy to read aloud, with a check character.

A code is eight random symbols and one check symbol from Crockford's
base-32 alphabet (digits and capitals without I, L, O, U, which are
confused with 1, 1, 0 and V), grouped by three: ``K7Q-4M2-XD9``.  Forty
random bits make one code useless for guessing another; the check symbol
is Luhn mod 32, which catches every single mistyped symbol and most
swaps of two neighbours before the database is even asked.
"""
import secrets

from BTrees.OOBTree import OOTreeSet

ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
N = len(ALPHABET)
RANDOM_LENGTH = 8
#: what people type for a symbol that is not in the alphabet
READ_AS = {'I': '1', 'L': '1', 'O': '0', 'U': 'V'}


def _check_symbol(symbols):
    """Luhn mod N over ``symbols`` (without the check symbol)."""
    factor, total = 2, 0
    for char in reversed(symbols):
        addend = factor * ALPHABET.index(char)
        total += addend // N + addend % N
        factor = 1 if factor == 2 else 2
    return ALPHABET[(N - total % N) % N]


def _group(symbols):
    return '-'.join(symbols[i:i + 3] for i in range(0, len(symbols), 3))


def normalize(text):
    """The code as stored (``K7Q-4M2-XD9``) from what someone typed
    (``k7q 4m2 xd9``, ``K7Q4M2XD9``), or None when it is not a valid code
    (wrong length, foreign symbol or failed check symbol)."""
    if not isinstance(text, str):
        return None
    symbols = ''.join(READ_AS.get(c, c) for c in text.upper()
                      if c.isalnum())
    if len(symbols) != RANDOM_LENGTH + 1 or any(
            c not in ALPHABET for c in symbols):
        return None
    if _check_symbol(symbols[:-1]) != symbols[-1]:
        return None
    return _group(symbols)


def is_valid(text):
    """Whether ``text`` is a well-formed code with a correct check symbol."""
    return normalize(text) is not None


def random_code(randbelow=secrets.randbelow):
    """A new random code (not yet checked for uniqueness)."""
    symbols = ''.join(ALPHABET[randbelow(N)] for _i in range(RANDOM_LENGTH))
    return _group(symbols + _check_symbol(symbols))


def _registry(root):
    """Every code ever issued, site-wide.  A set in a BTree: concurrent
    submissions add different keys, which ZODB merges without conflict;
    two transactions that draw the same code conflict and the retry
    draws again."""
    codes = getattr(root, '__httttha_codes__', None)
    if codes is None:
        codes = root.__httttha_codes__ = OOTreeSet()
    return codes


def issue_code(root, randbelow=secrets.randbelow):
    """Draw a code no dossier has had, and reserve it."""
    codes = _registry(root)
    while True:
        code = random_code(randbelow)
        if code not in codes:
            codes.add(code)
            return code
