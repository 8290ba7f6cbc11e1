"""The indexes of near-unique values answer every query as hypatia's own
indexes fed the same documents do, while a value of one document is
kept as its docid (no set object) and a shared value as a set."""
import random

import pytest
from BTrees import family64
from hypatia import RangeValue
from substanced.catalog.indexes import FieldIndex, KeywordIndex

from httttha.catalog.unique import (
    UniqueFieldIndex,
    UniqueKeywordIndex,
    compact,
)


def as_is(value, default):
    return default if value is None else value


def field_pair():
    return (FieldIndex(as_is, family=family64),
            UniqueFieldIndex(as_is, family=family64))


def keyword_pair():
    return (KeywordIndex(as_is, family=family64),
            UniqueKeywordIndex(as_is, family=family64))


def feed(indexes, operations):
    for docid, value in operations:
        for index in indexes:
            if value == 'unindex':
                index.unindex_doc(docid)
            else:
                index.index_doc(docid, value)


def random_operations(rng, value):
    """Indexing, reindexing with another value or none, unindexing."""
    operations = []
    for _step in range(600):
        docid = rng.randrange(1, 120)
        kind = rng.random()
        operations.append((docid, 'unindex' if kind < 0.1 else
                           None if kind < 0.15 else value(rng)))
    return operations


def field_queries(rng):
    for _ in range(40):
        low, high = sorted(rng.randrange(0, 200) for _ in range(2))
        yield 'applyEq', (low,)
        yield 'applyInRange', (low, high)
        yield 'applyEq', (RangeValue(low, high),)
        yield 'applyGe', (high,)
        yield 'applyLt', (low,)
        yield 'applyAny', ([low, high, low + 1],)
        yield 'applyNotEq', (low,)


@pytest.mark.parametrize('seed', range(5))
def test_field_index_answers_as_hypatia(seed):
    rng = random.Random(seed)
    # mostly unique values, some shared (a timestamp twice, an ID number
    # of a citizen who files again)
    theirs, ours = field_pair()
    feed((ours, theirs), random_operations(
        rng, lambda r: r.randrange(0, 200) if r.random() < 0.8
        else r.randrange(0, 10)))
    assert dict(ours._rev_index) == dict(theirs._rev_index)
    assert ours.indexed_count() == theirs.indexed_count()
    assert set(ours.not_indexed()) == set(theirs.not_indexed())
    assert list(ours.unique_values()) == list(theirs.unique_values())
    assert ours.word_count() == theirs.word_count()
    for method, args in field_queries(rng):
        assert list(getattr(ours, method)(*args)) == list(
            getattr(theirs, method)(*args)), (method, args)
    # sorting: the forward scan reads the forward maps, the others the
    # reverse one
    docids = family64.IF.Set(ours._rev_index.keys())
    for sort_type in ('fwscan', 'nbest', 'timsort'):
        key = ours._rev_index.get
        expected = sorted(docids, key=lambda d: (key(d), d))
        found = list(ours.sort(docids, sort_type=sort_type, limit=len(
            docids)))
        assert [key(d) for d in found] == [key(d) for d in expected]
    # the storage: one document's value is its docid, no set
    shared = {value for value in theirs._fwd_index.keys()
              if len(theirs._fwd_index[value]) > 1}
    assert set(ours._fwd_index.keys()) == shared
    assert dict(ours._single) == {
        value: docids.minKey() for value, docids in
        theirs._fwd_index.items() if len(docids) == 1}


@pytest.mark.parametrize('seed', range(5))
def test_keyword_index_answers_as_hypatia(seed):
    rng = random.Random(seed)
    names = ['nguyen', 'tran', 'le', 'thi', 'van']

    def words(r):
        # name words shared by many, a phone and an e-mail of one's own
        return r.sample(names, 2) + ['09%d' % r.randrange(100),
                                     'a%d@x.vn' % r.randrange(100)]
    theirs, ours = keyword_pair()
    feed((ours, theirs), random_operations(rng, words))
    assert {docid: set(words) for docid, words in ours._rev_index.items()} \
        == {docid: set(words) for docid, words in theirs._rev_index.items()}
    assert ours.indexed_count() == theirs.indexed_count()
    assert list(ours.unique_values()) == list(theirs.unique_values())
    for _ in range(60):
        asked = rng.sample(names, 2) + ['09%d' % rng.randrange(100)]
        for method in ('applyAll', 'applyAny'):
            assert list(getattr(ours, method)(asked)) == list(
                getattr(theirs, method)(asked))
        assert list(ours.applyEq(asked[2])) == list(theirs.applyEq(asked[2]))
    assert list(ours.applyEq('absent')) == []
    for name in names:
        assert name not in ours._single
    # a document's words are a tuple, not a set object of their own
    assert all(isinstance(words, tuple) for words in ours._rev_index.values())


@pytest.mark.parametrize('pair, values', [
    (field_pair, lambda r: r.randrange(0, 60)),
    (keyword_pair, lambda r: ['w%d' % r.randrange(80), 'common']),
])
def test_an_index_of_hypatia_made_compact_in_place(pair, values):
    """The evolve step's conversion: same answers, same storage as an
    index fed from the start, and the factory's hash recorded."""
    rng = random.Random(7)
    old, fed = pair()
    operations = random_operations(rng, values)
    feed((old, fed), operations)
    before = {value: list(docids) for value, docids in
              old._fwd_index.items()}
    old = compact(old, type(fed)(as_is, family=family64))
    assert dict(old._single) == dict(fed._single)
    assert {value: list(docids) for value, docids in
            old._fwd_index.items()} == {
        value: list(docids) for value, docids in fed._fwd_index.items()}
    for value, docids in before.items():
        assert list(old.search([value])) == docids
    # and it goes on indexing like the other
    more = random_operations(rng, values)
    feed((old, fed), more)
    assert dict(old._single) == dict(fed._single)
    assert dict(old._rev_index) == dict(fed._rev_index)
