"""Indexes of near-unique values: a dossier's code, its times of
submission and result, the hash of an ID number, the applicant's phone
and e-mail words.  hypatia keeps a set object for every value, even a
value one document holds: every submission then writes a new set object
per such index and rewrites a bucket of 30 values that each refer to
one.  Here a value held by one document maps to that docid in a BTree of
integers (``_single``, 60 values a bucket, no object per value); only a
value shared by several documents keeps its set in ``_fwd_index``.  A
value is in one map or the other, never both: ``_fwd_index`` alone is
not the index's contents."""
import heapq

from hypatia import RangeValue
from hypatia.exc import Unsortable
from substanced.catalog.factories import IndexFactory
from substanced.catalog.indexes import FieldIndex, KeywordIndex

_marker = object()


class SinglesMixin(object):
    """The two maps and the reads and writes of one value's docids."""

    def reset(self):
        super(SinglesMixin, self).reset()
        self._single = self.family.OI.BTree()

    def _docids(self, value):
        """The docids holding ``value`` (a set; None for none)."""
        docid = self._single.get(value)
        if docid is not None:
            return self.family.IF.Set((docid,))
        return self._fwd_index.get(value)

    def _values(self, *args, **kw):
        """The docids of the values in a range (``BTree.values``'s
        arguments), as integers and sets: what ``multiunion`` unites."""
        return (list(self._single.values(*args, **kw)) +
                list(self._fwd_index.values(*args, **kw)))

    def _add(self, value, docid):
        single = self._single
        first = single.get(value, None)
        if first is None:
            docids = self._fwd_index.get(value)
            if docids is None:
                single[value] = docid
            else:
                docids.insert(docid)
        elif first != docid:
            del single[value]
            self._fwd_index[value] = self.family.IF.TreeSet((first, docid))

    def _remove(self, value, docid):
        single = self._single
        if single.get(value, None) == docid:
            del single[value]
            return
        docids = self._fwd_index.get(value)
        if docids is not None and docid in docids:
            docids.remove(docid)
            if len(docids) == 1:
                single[value] = docids.minKey()
                del self._fwd_index[value]
            elif not docids:
                del self._fwd_index[value]

    def _items(self):
        """(value, docids) in the values' order; docids a set."""
        Set = self.family.IF.Set
        return heapq.merge(
            ((value, Set((docid,))) for value, docid in self._single.items()),
            self._fwd_index.items(), key=lambda item: item[0])

    def _unindexed(self, docid, value):
        """hypatia's handling of a document with no value: True when
        ``value`` is none (the document then counts as not indexed)."""
        if value is not _marker:
            if docid in self._not_indexed:
                self._not_indexed.remove(docid)
            return False
        if docid not in self._not_indexed:
            self.unindex_doc(docid)
            self._not_indexed.add(docid)
        return True

    def unindex_doc(self, docid):
        if docid in self._not_indexed:
            self._not_indexed.remove(docid)
        held = self._rev_index.get(docid, _marker)
        if held is _marker:
            return
        del self._rev_index[docid]
        for value in self._held(held):
            self._remove(value, docid)
        self._num_docs.change(-1)

    def unique_values(self):
        return (value for value, _docids in self._items())

    def word_count(self):
        return len(self._single) + len(self._fwd_index)


class UniqueFieldIndex(SinglesMixin, FieldIndex):
    """A field index for values that are nearly all held by one document."""

    @staticmethod
    def _held(value):
        return (value,)

    def index_doc(self, docid, value):
        value = self.discriminate(value, _marker)
        if self._unindexed(docid, value):
            return None
        old = self._rev_index.get(docid, _marker)
        if old is not _marker:
            if old == value:
                return None
            self.unindex_doc(docid)
        self._add(value, docid)
        self._num_docs.change(1)
        self._rev_index[docid] = value

    def search(self, queries, operator='or'):
        multiunion = self.family.IF.multiunion
        sets = []
        for q in queries:
            q = q.as_tuple() if isinstance(q, RangeValue) else (q, q)
            sets.append(multiunion(self._values(*q)))
        if len(sets) == 1:
            return sets[0]
        if operator == 'and':
            result = None
            for docids in sorted(sets, key=len):
                result = self.family.IF.intersection(docids, result)
            return result
        return multiunion(sets)

    def applyInRange(self, start, end, excludemin=False, excludemax=False):
        return self.family.IF.multiunion(self._values(
            start, end, excludemin=excludemin, excludemax=excludemax))

    def scan_forward(self, docids, limit=None, raise_unsortable=True):
        # hypatia's, over both maps
        wanted = self.family.IF.TreeSet(docids)
        found = 0
        for _value, held in self._items():
            for docid in held:
                if docid in wanted:
                    wanted.remove(docid)
                    yield docid
                    found += 1
                    if limit and found >= limit:
                        return
        if raise_unsortable and wanted:
            raise Unsortable(wanted)


class UniqueKeywordIndex(SinglesMixin, KeywordIndex):
    """A keyword index whose words are mostly one document's (a phone
    number, an e-mail address).  A document's words are kept as a sorted
    tuple, not a set object of their own."""

    _held = staticmethod(tuple)

    def index_doc(self, docid, obj):
        seq = self.discriminate(obj, _marker)
        if self._unindexed(docid, seq):
            return None
        if isinstance(seq, str):
            raise TypeError('seq argument must be a list/tuple of strings')
        old = self._rev_index.get(docid, None)
        if not seq:
            if old:
                self.unindex_doc(docid)
            return None
        new = tuple(sorted(set(self.normalize(seq))))
        if old is None:
            self._num_docs.change(1)
            old = ()
        elif tuple(old) == new:
            return None
        for word in set(old) - set(new):
            self._remove(word, docid)
        for word in set(new) - set(old):
            self._add(word, docid)
        self._rev_index[docid] = new

    def search(self, query, operator='and'):
        if isinstance(query, str):
            query = [query]
        IF = self.family.IF
        sets = [self._docids(word) or IF.Set()
                for word in self.normalize(query)]
        if operator == 'or':
            result = IF.multiunion(sets)
        elif operator == 'and':
            result = None
            for docids in sorted(sets, key=len):
                result = IF.intersection(result, docids)
                if not result:
                    break
        else:
            raise TypeError('Keyword index only supports `and` and `or` '
                            'operators, not `%s`.' % operator)
        return result or IF.Set()

    def optimize(self):
        """Nothing to do: shared words always have a TreeSet."""


class UniqueField(IndexFactory):
    index_type = UniqueFieldIndex


class UniqueKeyword(IndexFactory):
    index_type = UniqueKeywordIndex


def compact(index, new):
    """An index of hypatia's data moved into ``new``, an empty index of
    this module's kind (nothing reindexed): the one-document values to
    ``_single``, a keyword index's word sets to tuples.  A new object,
    not the old one with its class changed: the references to it that
    its catalog stores name its class."""
    family = index.family
    new._single.update([(value, docids.minKey()) for value, docids in
                        index._fwd_index.items() if len(docids) == 1])
    new._fwd_index.update([
        (value, docids if isinstance(docids, family.IF.TreeSet)
         else family.IF.TreeSet(docids))
        for value, docids in index._fwd_index.items() if len(docids) > 1])
    new._rev_index = index._rev_index
    if isinstance(new, KeywordIndex):
        new._rev_index.update([(docid, tuple(sorted(words))) for
                               docid, words in new._rev_index.items()])
    new._num_docs = index._num_docs
    new._not_indexed = index._not_indexed
    return new
