"""Queued mail and failed commits (``notifications._QueuedMessage``): a
message sent in a transaction whose commit fails (a ZODB ConflictError,
then retried) is dropped from the queue at once, and the failed commit
logs no error for it."""
import logging
import os

import pytest
import transaction
from pyramid_mailer.message import Message

from httttha.services.notifications import Mailer


class _Conflicting(object):
    """A data manager whose commit fails in its first phase, the way a
    database conflict does."""

    def __init__(self, fail_in):
        self.fail_in = fail_in

    def sortKey(self):
        return '~conflicting'    # after the mail's data manager

    def abort(self, txn):
        pass

    def tpc_begin(self, txn):
        pass

    def commit(self, txn):
        if self.fail_in == 'commit':
            raise RuntimeError('conflict')

    def tpc_vote(self, txn):
        if self.fail_in == 'vote':
            raise RuntimeError('conflict')

    def tpc_finish(self, txn):
        pass

    def tpc_abort(self, txn):
        pass


@pytest.fixture
def mailer(tmp_path):
    manager = transaction.TransactionManager()
    mailer = Mailer(queue_path=str(tmp_path / 'mail'),
                    default_sender='hotro@example.invalid',
                    transaction_manager=manager)
    return mailer, manager, str(tmp_path / 'mail')


def _send(mailer):
    mailer.send_to_queue(Message(subject='Hồ sơ', recipients=['a@example.com'],
                                 body='Mã số K7Q-4M2-XD9'))


@pytest.mark.parametrize('fail_in', ['commit', 'vote'])
def test_a_failed_commit_drops_the_message(mailer, fail_in, caplog):
    mailer, manager, queue = mailer
    manager.begin()
    _send(mailer)
    assert len(os.listdir(os.path.join(queue, 'tmp'))) == 1
    manager.get().join(_Conflicting(fail_in))
    with caplog.at_level(logging.ERROR, logger='txn'):
        with pytest.raises(RuntimeError):
            manager.commit()
    manager.abort()
    assert [r.getMessage() for r in caplog.records
            if r.levelno >= logging.ERROR] == []
    assert os.listdir(os.path.join(queue, 'tmp')) == []
    assert os.listdir(os.path.join(queue, 'new')) == []


def test_after_commit_hooks_log_no_error(mailer, caplog):
    """A transaction with after-commit hooks aborts every data manager
    once committed (``clean``): the queued message stays queued."""
    mailer, manager, queue = mailer
    called = []
    manager.begin()
    _send(mailer)
    manager.get().addAfterCommitHook(called.append)
    with caplog.at_level(logging.ERROR, logger='txn'):
        manager.commit()
    assert called == [True]
    assert [r.getMessage() for r in caplog.records
            if r.levelno >= logging.ERROR] == []
    assert len(os.listdir(os.path.join(queue, 'new'))) == 1


def test_a_commit_queues_the_message_and_an_abort_drops_it(mailer):
    mailer, manager, queue = mailer
    manager.begin()
    _send(mailer)
    manager.commit()
    assert len(os.listdir(os.path.join(queue, 'new'))) == 1
    manager.begin()
    _send(mailer)
    manager.abort()
    assert os.listdir(os.path.join(queue, 'tmp')) == []
    assert len(os.listdir(os.path.join(queue, 'new'))) == 1


def test_the_request_mailer_queues_through_it(app_factory):
    app = app_factory()
    from pyramid_mailer import get_mailer
    from pyramid_mailer.interfaces import IMailer
    registry = app.app.registry
    assert isinstance(registry.getUtility(IMailer), Mailer)
    bound = get_mailer(registry).bind(transaction_manager=transaction.manager)
    assert isinstance(bound, Mailer)
