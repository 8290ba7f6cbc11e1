"""Console scripts."""
import contextlib

import transaction
from pyramid.paster import bootstrap, setup_logging


@contextlib.contextmanager
def opened(config_uri):
    """The application's root and registry for a script, committed at the
    end unless the script fails."""
    setup_logging(config_uri)
    env = bootstrap(config_uri)
    try:
        with transaction.manager:
            yield env['root'], env['registry'], env['request']
    finally:
        close(env)


def close(env):
    """End a bootstrapped script: its request's finished callbacks (the
    ZODB connection: Pyramid 1.9's closer leaves them to us), the
    environment and the databases, so FileStorage writes its index and
    unlocks."""
    env['request']._process_finished_callbacks()
    env['closer']()
    for db in getattr(env['registry'], '_zodb_databases', {}).values():
        db.close()
