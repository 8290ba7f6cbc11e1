"""The statistics counters under concurrent transactions: two officers
changing dossiers of the same agency at once must both be counted (the
counts resolve their conflict by adding both sides' changes)."""
import transaction
from ZODB import DB
from ZODB.FileStorage import FileStorage

from httttha.services.statistics import Counts, Store

CELL = ('HTTT01', 'online', 'submitted', False)
OTHER = ('HTTT01', 'online', 'accepted', False)


def test_concurrent_changes_to_one_agency_are_all_counted(tmp_path):
    db = DB(FileStorage(str(tmp_path / 'Data.fs')))
    try:
        tm = transaction.TransactionManager()
        conn = db.open(transaction_manager=tm)
        store = conn.root()['store'] = Store()
        store.move(1, (2026, 7, CELL))
        store.move(2, (2026, 7, CELL))
        tm.commit()
        conn.close()

        # two transactions on separate connections, the first committed
        # while the second is under way: each moves another dossier
        tms = [transaction.TransactionManager() for _i in range(2)]
        conns = [db.open(transaction_manager=t) for t in tms]
        counts = [c.root()['store'].counts[(2026, 7)] for c in conns]
        counts[0].add(CELL, -1)
        counts[0].add(OTHER, 1)
        counts[1].add(CELL, -1)
        counts[1].add(OTHER, 1)
        counts[1].add(('HTTT03', 'counter', 'submitted', False), 1)
        tms[0].commit()
        tms[1].commit()     # would raise ConflictError without resolution
        for c in conns:
            c.close()

        conn = db.open()
        merged = conn.root()['store'].counts[(2026, 7)].counts
        assert merged == {OTHER: 2,
                          ('HTTT03', 'counter', 'submitted', False): 1}
        conn.close()
    finally:
        db.close()


def test_move_counts_a_dossier_once():
    store = Store()
    store.move(5, (2026, 7, CELL))
    store.move(5, (2026, 7, CELL))
    assert store.counts[(2026, 7)].counts == {CELL: 1}
    store.move(5, (2026, 7, OTHER))
    assert store.counts[(2026, 7)].counts == {OTHER: 1}
    store.move(5, None)
    assert store.counts[(2026, 7)].counts == {} and 5 not in store.counted
    assert isinstance(store.counts[(2026, 7)], Counts)
