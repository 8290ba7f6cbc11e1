"""Evolve steps, one function per change to stored data.  New sites get
everything from the root-added subscribers and are marked evolved."""
from ..services.backoffice.deadlines import ensure_calendar, get_calendar, recompute
from ..services.intake.scratch import ensure_scratch
from ..services.intake.submission import ensure_salt
from ..services.administration.tree import root_agency
from ..services.administration.treecache import ensure_tree_version


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


def add_tree_version(root, registry):
    """Issue 7: the agency tree's version, which keys the per-process
    caches of the public agency select (read uncached until then)."""
    ensure_tree_version(root)


def add_statistics(root, registry):
    """Issue 7: the statistics counters (from the catalog's values) and
    the day-of-submission index of the workspace's date filters."""
    from ..services.statistics import rebuild
    catalog = root['catalogs']['httttha']
    catalog.update_indexes(registry=registry, reindex=True)
    rebuild(root, catalog)


def drop_agency_csrf_attribute(root, registry):
    """Agencies were stored with an empty ``_csrf_token_`` attribute,
    which their property sheet showed instead of the session's token (so
    saving an agency's details in the SDI always failed)."""
    top = root_agency(root)
    for agency in top.walk() if top is not None else ():
        agency._p_activate()  # a ghost's __dict__ is empty
        if '_csrf_token_' in agency.__dict__:
            del agency._csrf_token_


def close_generic_views(root, registry):
    """Issue 13: agency roles no longer hold Substance D's generic
    permissions (``sdi.*``): the ACLs of every agency, of every staff
    account and the root's grant to the Tổng cục are written anew."""
    from substanced.util import set_acl
    from ..services.accounts.roles import (agency_acl, grant_general_department,
                                  user_acl)
    top = root_agency(root)
    if top is None:
        return
    for agency in top.walk():
        set_acl(agency, agency_acl(agency), registry=registry)
    grant_general_department(root, top, registry)
    for user in root['principals']['users'].values():
        agency = user.agency() if hasattr(user, 'agency') else None
        if agency is not None:
            set_acl(user, user_acl(user, agency), registry=registry)


def manage_users(root, registry):
    """Issue 15 (C2, C3): the ``department`` index of the users screen,
    the ACLs of the agencies' administrators (managed from the level
    above), and the history flag of every user a dossier's timeline
    names (read once here; kept up by a subscriber since)."""
    from substanced.util import set_acl
    from ..permissions import user_acl
    from ..services.accounts.users import mark_history
    catalog = root['catalogs']['httttha']
    catalog.update_indexes(registry=registry, reindex=True)
    users = root['principals']['users']
    by_name = {}
    for user in users.values():
        agency = user.agency() if hasattr(user, 'agency') else None
        if agency is not None:
            set_acl(user, user_acl(user, agency), registry=registry)
            catalog.reindex_resource(user)
        if getattr(user, 'full_name', ''):
            by_name.setdefault(user.full_name, []).append(user)
    for dossier in catalog['procedure'].any(
            ['HTTT01', 'HTTT02', 'HTTT03']).execute():
        mark_history(dossier)
        # entries written before they carried the login name people by
        # their full name: every user of that name keeps the history
        for entry in dossier.timeline:
            if not entry.get('who_login'):
                for user in by_name.get(entry.get('who'), ()):
                    user.has_history = True


def add_codelists(root, registry):
    """Issue 15 (C4): the code lists, made from the constants the forms
    offered before (same codes: the dossiers keep their values), with the
    uses of the dossiers already stored counted."""
    from ..services.administration.codelists import (count_uses,
                                                     ensure_codelists)
    created = ensure_codelists(root, registry)
    if created:
        count_uses(root, [codelist.__name__ for codelist in created])


def add_period_lock(root, registry):
    """Issue 15 (C6): the period lock's store (locking from this month on:
    the dossiers in progress of earlier months are not frozen by the
    deployment) and the Tổng cục administrators' new permission to grant
    changes of closed periods (their grant on the root written anew)."""
    from ..services.accounts.roles import grant_general_department
    from ..services.backoffice.periods import ensure_periods
    ensure_periods(root)
    top = root_agency(root)
    if top is not None:
        grant_general_department(root, top, registry)


def add_guidance(root, registry):
    """Issue 16 (A6): the guidance indexes, the national guidance and
    FAQ shipped in ``data/guidance.yaml`` (those already there are kept),
    and the agency administrators' permission to edit their own
    agency's guidance (the agencies' ACLs anew)."""
    from substanced.util import set_acl
    from ..permissions import agency_acl
    from ..services.portal.guidance import ensure_national_guidance
    root['catalogs']['httttha'].update_indexes(registry=registry,
                                               reindex=True)
    ensure_national_guidance(root, registry)
    top = root_agency(root)
    for agency in (top.walk() if top is not None else ()):
        set_acl(agency, agency_acl(agency), registry=registry)


def add_survey(root, registry):
    """Issue 16 (A7): the national default survey forms of the Tổng cục
    and the ``survey_alert`` index (empty: no dossier has an answer
    yet, so nothing is reindexed)."""
    from ..services.portal.survey import ensure_default_forms
    ensure_default_forms(root_agency(root), registry)
    root['catalogs']['httttha'].update_indexes(registry=registry,
                                               reindex=False)


def index_results(root, registry):
    """Issue 16 (A8): the ``result_date``, ``result_day`` and
    ``result_unit`` indexes of the public list of completed dossiers,
    filled for the dossiers that already have a result (the closed ones,
    found by the ``state`` index: the others have no value there and are
    not loaded)."""
    import transaction
    from ..services.backoffice.deadlines import CLOSED
    catalog = root['catalogs']['httttha']
    # adds the two (empty) indexes and commits
    catalog.update_indexes(registry=registry)
    indexes = [catalog[name] for name in (
        'result_date', 'result_day', 'result_unit')]
    state = catalog['state']._fwd_index
    docids = catalog.family.IF.multiunion(
        [state[s] for s in CLOSED if s in state])
    resolve = root.__objectmap__.object_for
    for count, docid in enumerate(docids, 1):
        dossier = resolve(docid)
        if dossier is None:
            continue
        for index in indexes:
            index.reindex_resource(dossier, oid=docid)
        if count % 5000 == 0:
            transaction.commit()


def statistics_by_day(root, registry):
    """Issue 17 (B12): the statistics counted by agency and month with
    the day of receipt and the petitions' classifications (from the
    catalog, taking lateness from the counts they replace: no dossier is
    loaded), and each survey answer's score in its month's counts."""
    from ..content.survey import key_time
    from ..services.portal.survey import answer_store, survey_folder
    from ..services.statistics import rebuild
    from ..vntime import local_time
    rebuild(root, root['catalogs']['httttha'])
    top = root_agency(root)
    for agency in top.walk() if top is not None else ():
        store = answer_store(survey_folder(agency))
        if store is None:
            continue
        scores = {}
        for key, record in store.records.items():
            if record.get('score') is not None:
                month = local_time(key_time(key)).strftime('%Y-%m')
                found = scores.setdefault((record['procedure'], month),
                                          [0, 0.0])
                found[0] += 1
                found[1] += record['score']
        for cell, (number, total) in scores.items():
            counts = store.counts.get(cell)
            if counts is not None and ('*', 'n') not in counts.counts:
                counts.add(('*', 'n'), number)
                counts.add(('*', '+'), total)


def add_reports(root, registry):
    """Issue 18 (D1-D4): the reports' catalog indexes (added empty: no
    report was stored before) and the Tổng cục's ACL, which now lets
    every official read the published reports."""
    from substanced.util import set_acl
    from ..permissions import agency_acl
    root['catalogs']['httttha'].update_indexes(registry=registry)
    top = root_agency(root)
    if top is not None:
        set_acl(top, agency_acl(top), registry=registry)


def statistics_with_deadlines(root, registry):
    """Issue 17 at national scale: the statistics counters keep each open
    dossier's deadline, so that the overdue are counted from them and not
    from the catalog (rebuilt from the catalog: no dossier is loaded)."""
    from ..services.statistics import rebuild
    rebuild(root, root['catalogs']['httttha'])


def index_days_by_procedure(root, registry):
    """Issue 21: the day of submission indexed with the procedure
    (``day_procedure``, replacing ``submitted_day``) and with the
    procedure and the dossier's Cục (``day_procedure_cuc``), so that a
    year of one procedure, in the whole country or in one Cục, is a union
    of its days' sets; and the Cục alone (``cuc``), a Cục's whole scope.
    Filled in bulk from the indexes they combine and
    the agency tree: no dossier is loaded."""
    import transaction
    from ..services.administration.tree import tree_nodes
    catalog = root['catalogs']['httttha']
    if 'submitted_day' not in catalog:
        catalog.update_indexes(registry=registry)
        return
    nodes = tree_nodes(root)

    def cuc_of(oid):
        # the agency below the top on the lineage (the top for its own)
        while nodes[oid]['parent'] is not None and \
                nodes[nodes[oid]['parent']]['parent'] is not None:
            oid = nodes[oid]['parent']
        return oid
    cucs = {oid: cuc_of(oid) for oid in nodes}
    procedure_of = catalog['procedure']._rev_index.get
    agency_of = catalog['agency']._rev_index.get
    grouped = {}
    for day, docids in catalog['submitted_day']._fwd_index.items():
        for docid in docids:
            key = (day, procedure_of(docid), cucs.get(agency_of(docid)))
            if None not in key:     # a dossier of the tree
                grouped.setdefault(key, []).append(docid)
    # adds the new indexes and removes the old one (and commits)
    catalog.update_indexes(registry=registry)
    _fill(catalog['day_procedure_cuc'], grouped)
    _fill(catalog['day_procedure'], _regrouped(grouped, lambda k: k[:2]))
    _fill(catalog['cuc'], _regrouped(grouped, lambda k: k[2]))
    transaction.commit()


def compact_unique_indexes(root, registry):
    """Issue 21: the indexes of near-unique values (code, times of
    submission and result, ID hash, applicant words) keep a value of one
    document as its docid, not a set object (``catalog.unique``), and
    dossiers leave ``sort_name`` (never listed by name).  The data is
    moved into new index objects: no dossier is loaded, nothing
    reindexed."""
    import transaction
    from substanced.catalog import ICatalogFactory
    from ..catalog.unique import compact
    catalog = root['catalogs']['httttha']
    factories = registry.getUtility(ICatalogFactory,
                                    name='httttha').index_factories
    for name in ('code', 'submitted', 'result_date', 'id_hash', 'applicant'):
        factory = factories[name]
        if factory.is_stale(catalog[name]):
            new = compact(catalog[name], factory('httttha', name))
            new.__sdi_deletable__ = False
            catalog.replace(name, new)
    sort_name = catalog['sort_name']
    for docid in list(catalog['procedure']._rev_index.keys()):
        # a dossier's (the procedure is a dossier's alone): among those
        # not indexed, as a new dossier's
        sort_name.unindex_doc(docid)
        sort_name._not_indexed.add(docid)
    transaction.commit()


def _regrouped(grouped, value):
    """``grouped`` ({key: [docid]}) by ``value(key)``."""
    found = {}
    for key, docids in grouped.items():
        found.setdefault(value(key), []).extend(docids)
    return found


def _fill(index, grouped):
    """A field index's data in bulk: {value: [docid]}."""
    family = index.family
    pairs = []
    for value, docids in grouped.items():
        index._fwd_index[value] = family.IF.TreeSet(docids)
        pairs.extend((docid, value) for docid in docids)
    pairs.sort()
    index._rev_index.update(pairs)
    index._num_docs.change(len(pairs))


def includeme(config):
    config.add_evolution_step(add_submission_storage)
    config.add_evolution_step(add_deadlines)
    config.add_evolution_step(add_petition_indexes)
    config.add_evolution_step(add_statistics)
    config.add_evolution_step(add_tree_version)
    config.add_evolution_step(drop_agency_csrf_attribute)
    config.add_evolution_step(close_generic_views)
    config.add_evolution_step(manage_users)
    config.add_evolution_step(add_codelists)
    config.add_evolution_step(add_period_lock)
    config.add_evolution_step(add_guidance)
    config.add_evolution_step(add_survey)
    config.add_evolution_step(index_results)
    config.add_evolution_step(statistics_by_day)
    config.add_evolution_step(add_reports)
    config.add_evolution_step(statistics_with_deadlines)
    config.add_evolution_step(index_days_by_procedure)
    config.add_evolution_step(compact_unique_indexes)
