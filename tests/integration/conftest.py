"""A throwaway PostgreSQL server for the RelStorage tests."""
import pytest

from httttha.bench.postgresql import PostgreSQL, bin_dir


@pytest.fixture(scope='session')
def postgresql():
    """A running PostgreSQL with empty httttha and httttha_audit
    databases, stopped and removed at the end."""
    bindir = bin_dir()
    if bindir is None:
        pytest.fail('PostgreSQL is not installed (no /usr/lib/postgresql/'
                    '*/bin/initdb): run `make test`, which installs it for '
                    'the RelStorage tests.', pytrace=False)
    server = PostgreSQL(bindir)
    try:
        server.start()
        yield server
    finally:
        server.stop()
