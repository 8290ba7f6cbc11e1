"""The statistics counters under concurrent transactions: two officers
changing dossiers of the same agency at once must both be counted (the
counts resolve their conflict by adding both sides' changes)."""
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

import datetime

from httttha.services.statistics import (
    Counts,
    Store,
    month_of,
    unit_sums,
)

DAY = datetime.date(2026, 3, 15)
KEY = (7, month_of(DAY))
DUE = DAY.toordinal() + 7
CELL = (DAY.toordinal(), 'HTTT01', 'online', 'submitted', False, DUE)
OTHER = (DAY.toordinal(), 'HTTT01', 'online', 'accepted', False, DUE)
THIRD = (DAY.toordinal(), 'HTTT03', 'counter', 'submitted', False, DUE)


def entry(*cells):
    return KEY + (cells,)


def test_concurrent_changes_to_one_agency_are_all_counted(tmp_path):
    db = DB(FileStorage(str(tmp_path / 'Data.fs')))
    try:
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        store = conn.root()['store'] = Store()
        store.move(1, entry(CELL))
        store.move(2, entry(CELL))
        tm.commit()
        conn.close()

        # two transactions on separate connections, the first committed
        # while the second is under way: each moves another dossier
        tms = [transaction.TransactionManager() for _i in range(2)]
        conns = [db.open(transaction_manager=t) for t in tms]
        counts = [c.root()['store'].counts[KEY] for c in conns]
        counts[0].add(CELL, -1)
        counts[0].add(OTHER, 1)
        counts[1].add(CELL, -1)
        counts[1].add(OTHER, 1)
        counts[1].add(THIRD, 1)
        tms[0].commit()
        tms[1].commit()     # would raise ConflictError without resolution
        for c in conns:
            c.close()

        conn = db.open()
        merged = conn.root()['store'].counts[KEY].counts
        assert merged == {OTHER: 2, THIRD: 1}
        conn.close()
    finally:
        db.close()


def test_move_counts_a_dossier_once():
    store = Store()
    store.move(5, entry(CELL))
    store.move(5, entry(CELL))
    assert store.counts[KEY].counts == {CELL: 1}
    store.move(5, entry(OTHER))
    assert store.counts[KEY].counts == {OTHER: 1}
    store.move(5, None)
    assert store.counts[KEY].counts == {} and 5 not in store.counted
    assert isinstance(store.counts[KEY], Counts)


def test_sums_cut_the_first_and_last_months_at_the_day():
    store = Store()
    days = [datetime.date(2026, 1, 31), datetime.date(2026, 2, 1),
            datetime.date(2026, 2, 28), datetime.date(2026, 3, 1)]
    for oid, day in enumerate(days):
        store.move(oid, (7, month_of(day), (
            (day.toordinal(), 'HTTT01', 'online', 'submitted', False,
             None),)))
    cell = ('HTTT01', 'online', 'submitted', False, False)
    months = {}
    assert store.sums(7, days[1], days[2], months=months) == {cell: 2}
    assert months == {month_of(days[1]): 2}
    assert store.sums(7, days[0], days[3]) == {cell: 4}
    assert store.sums(7, days[0], days[0]) == {cell: 1}
    assert store.sums(8, days[0], days[3]) == {}
    assert store.first_month == month_of(days[0])


def test_open_dossiers_are_overdue_from_the_day_after_their_deadline():
    store = Store()
    store.move(1, entry(CELL))
    store.move(2, entry(CELL[:4] + (True, None)))    # closed late
    first = last = DAY
    due = datetime.date.fromordinal(DUE)
    on_due_day = store.sums(7, first, last, today=due)
    assert on_due_day == {CELL[1:5] + (False,): 1,
                          ('HTTT01', 'online', 'submitted', True, False): 1}
    day_after = store.sums(7, first, last,
                           today=due + datetime.timedelta(days=1))
    assert day_after[CELL[1:5] + (True,)] == 1


def test_unit_sums_are_computed_again_only_when_a_counter_changed(
        tmp_path):
    db = DB(FileStorage(str(tmp_path / 'Data.fs')))
    try:
        conn = db.open()
        store = conn.root()['store'] = Store()
        store.move(1, entry(CELL))
        store.move(2, (8, KEY[1], (THIRD,)))
        transaction.commit()
        calls = []
        real = Store.sums

        def counted(self, *args, **kw):
            calls.append(args[0])
            return real(self, *args, **kw)
        Store.sums = counted
        try:
            first = DAY.replace(day=1)
            sums, months = unit_sums(store, [7, 8], first, DAY, DAY)
            assert sums == {CELL[1:5] + (False,): 1,
                            THIRD[1:5] + (False,): 1}
            assert months == {KEY[1]: 2} and calls == [7, 8]
            assert unit_sums(store, [7, 8], first, DAY, DAY)[0] == sums
            assert calls == [7, 8]          # read from the kept sums
            store.move(3, entry(OTHER))
            # a change not yet committed is never kept
            assert len(unit_sums(store, [7, 8], first, DAY, DAY)[0]) == 3
            transaction.commit()
            again = unit_sums(store, [7, 8], first, DAY, DAY)[0]
            assert again[OTHER[1:5] + (False,)] == 1
            assert calls == [7, 8] * 3
            unit_sums(store, [7, 8], first, DAY, DAY)
            assert calls == [7, 8] * 3
        finally:
            Store.sums = real
        conn.close()
    finally:
        db.close()
