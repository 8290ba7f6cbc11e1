"""Short-lived state: expiring keys, sweeping, throttling counters, the
settings that guard the CAPTCHA."""
import logging

from BTrees.OOBTree import OOBTree

from httttha.services.intake.scratch import expired, expiring_key, hit, sweep
from httttha.services.settings import prepare_settings


def test_abandoned_entries_expire_and_are_swept():
    store = OOBTree()
    old = expiring_key(3600, now=1_000_000)
    young = expiring_key(3600, now=1_003_000)
    store[old] = store[young] = 'draft'
    assert not expired(old, now=1_003_599)
    assert expired(old, now=1_003_600)
    assert sweep(store, now=1_003_600) == 1
    assert list(store) == [young]
    assert expired('garbage')


def test_sweep_is_bounded():
    store = OOBTree()
    for i in range(10):
        store[expiring_key(1, now=i)] = i
    assert sweep(store, now=100, limit=4) == 4
    assert len(store) == 6


def test_keys_are_unguessable():
    assert expiring_key(60, now=0) != expiring_key(60, now=0)
    assert len(expiring_key(60).split('-', 1)[1]) >= 24


def test_throttle_counts_per_client_and_window():
    counters = OOBTree()
    for _i in range(3):
        assert hit(counters, 'submit', '10.0.0.1', 3, 3600, now=7200)
    assert not hit(counters, 'submit', '10.0.0.1', 3, 3600, now=7300)
    # a check without counting, another client, the next window
    assert hit(counters, 'submit', '10.0.0.2', 3, 3600, now=7300,
               count=False)
    assert hit(counters, 'submit', '10.0.0.1', 3, 3600, now=10800)
    # one counter per client and window
    assert [c() for c in counters.values()] == [3, 1]


def test_concurrent_attempts_of_one_client_do_not_conflict(tmp_path):
    """Two attempts from one address in two transactions at once (one
    NAT, a double click) are both counted, without a ConflictError."""
    import transaction
    import ZODB
    from ZODB.FileStorage import FileStorage
    db = ZODB.DB(FileStorage(str(tmp_path / 'Data.fs')))
    try:
        first, second = transaction.TransactionManager(), \
            transaction.TransactionManager()
        one, two = db.open(first), db.open(second)
        one.root()['counters'] = OOBTree()
        assert hit(one.root()['counters'], 'submit', 'nat', 5, 3600, now=0)
        first.commit()
        two.sync()
        assert hit(one.root()['counters'], 'submit', 'nat', 5, 3600, now=1)
        assert hit(two.root()['counters'], 'submit', 'nat', 5, 3600, now=1)
        first.commit()
        second.commit()
        first.begin()
        counters = one.root()['counters']
        assert [c() for c in counters.values()] == [3]
        assert not hit(counters, 'submit', 'nat', 3, 3600, now=2)
    finally:
        db.close()


def test_attempts_stored_one_by_one_still_count():
    """Attempts stored before the counters (an entry each) count until
    their window ends."""
    counters = OOBTree()
    prefix = '%010x-submit-10.0.0.1-' % 3600
    counters[prefix + 'aa'] = counters[prefix + 'bb'] = 1
    assert hit(counters, 'submit', '10.0.0.1', 3, 3600, now=1)
    assert not hit(counters, 'submit', '10.0.0.1', 3, 3600, now=2)


def test_captcha_off_is_never_silent(caplog):
    with caplog.at_level(logging.WARNING):
        settings = prepare_settings({'httttha.captcha': 'false'})
    assert settings['httttha.captcha'] is False
    assert 'CAPTCHA tắt' in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert prepare_settings({})['httttha.captcha'] is True
    assert 'CAPTCHA' not in caplog.text
