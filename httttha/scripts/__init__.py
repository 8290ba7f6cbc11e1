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
        env['closer']()
        # close the databases so FileStorage writes its index
        for db in getattr(env['registry'], '_zodb_databases', {}).values():
            db.close()
