"""Evolve steps, one function per change to stored data.  New sites get
everything from the root-added subscribers and are marked evolved."""
from ..services.deadlines import ensure_calendar, get_calendar, recompute
from ..services.scratch import ensure_scratch
from ..services.submission import ensure_salt


def add_submission_storage(root, registry):
    """Issue 3: wizard drafts, CAPTCHA challenges, counters, the ID salt."""
    ensure_scratch(root)
    ensure_salt(root)
    # new indexes (code, procedure, state, ...) filled for existing agencies
    root['catalogs']['httttha'].update_indexes(registry=registry,
                                               reindex=True)


def add_deadlines(root, registry):
    """B10: the working-day calendar store, the deadlines of the dossiers
    stored before (computed from their timeline) and the ``due`` index."""
    ensure_calendar(root)
    catalog = root['catalogs']['httttha']
    calendar = get_calendar(root)
    dossiers = list(catalog['procedure'].any(
        ['HTTT01', 'HTTT02', 'HTTT03']).execute())
    for dossier in dossiers:
        recompute(dossier, calendar)
    # adds the index and fills it (and commits)
    catalog.update_indexes(registry=registry, reindex=True)
    for dossier in dossiers:
        catalog.reindex_resource(dossier)


def add_petition_indexes(root, registry):
    """B8: the petitions' classification and assignee indexes."""
    root['catalogs']['httttha'].update_indexes(registry=registry,
                                               reindex=True)


def includeme(config):
    config.add_evolution_step(add_submission_storage)
    config.add_evolution_step(add_deadlines)
    config.add_evolution_step(add_petition_indexes)
