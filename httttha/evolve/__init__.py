"""Evolve steps, one function per change to stored data.  New sites get
everything from the root-added subscribers and are marked evolved."""
from ..services.scratch import ensure_scratch
from ..services.submission import ensure_salt


def add_submission_storage(root, registry):
    """Issue 3: wizard drafts, CAPTCHA challenges, counters, the ID salt."""
    ensure_scratch(root)
    ensure_salt(root)
    # new indexes (code, procedure, state, ...) filled for existing agencies
    root['catalogs']['httttha'].update_indexes(registry=registry,
                                               reindex=True)


def includeme(config):
    config.add_evolution_step(add_submission_storage)
