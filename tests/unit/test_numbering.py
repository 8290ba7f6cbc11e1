"""Dossier codes: random, readable, with a check symbol."""
import random

from BTrees.OOBTree import OOTreeSet

from httttha.services.intake.numbering import (
    ALPHABET,
    is_valid,
    issue_code,
    normalize,
    random_code,
)


def codes(n, seed=1):
    rng = random.Random(seed)
    return [random_code(rng.randrange) for _i in range(n)]


def test_shape():
    for code in codes(200):
        assert len(code) == 11 and code[3] == code[7] == '-'
        assert all(c in ALPHABET for c in code.replace('-', ''))
        assert is_valid(code)


def test_every_single_mistyped_symbol_is_caught():
    for code in codes(50):
        symbols = code.replace('-', '')
        for i in range(len(symbols)):
            for wrong in ALPHABET:
                if wrong == symbols[i]:
                    continue
                typo = symbols[:i] + wrong + symbols[i + 1:]
                assert not is_valid(typo), (code, typo)


def test_most_swaps_of_neighbours_are_caught():
    caught = total = 0
    for code in codes(300):
        symbols = code.replace('-', '')
        for i in range(len(symbols) - 1):
            if symbols[i] == symbols[i + 1]:
                continue
            swapped = (symbols[:i] + symbols[i + 1] + symbols[i] +
                       symbols[i + 2:])
            total += 1
            caught += not is_valid(swapped)
    assert caught / total > 0.9


def test_what_people_type_is_understood():
    code = codes(1)[0]
    assert normalize(code.lower().replace('-', ' ')) == code
    assert normalize(code.replace('-', '')) == code
    # O typed for 0, I or L for 1
    zero = next(c for c in codes(500) if '0' in c[:-1])
    assert normalize(zero.replace('0', 'O')) == zero
    for junk in ('', 'ABC', None, 'K7Q-4M2-XD9-1', 'ÀBC-DEF-GHJ', 42):
        assert normalize(junk) is None


def test_codes_are_not_a_sequence():
    a, b = codes(2)
    assert a != b
    # nothing of one code says anything of the next
    assert sum(x == y for x, y in zip(a, b)) < 5


class FakeRoot(object):
    pass


def test_issue_code_never_repeats():
    root = FakeRoot()
    first = issue_code(root, random.Random(7).randrange)
    # the same random stream again must give a different code
    second = issue_code(root, random.Random(7).randrange)
    assert first != second
    assert isinstance(root.__httttha_codes__, OOTreeSet)
    assert set(root.__httttha_codes__) == {first, second}
