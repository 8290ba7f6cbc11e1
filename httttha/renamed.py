"""Stored classes whose module was renamed.

A ZODB record names the class of each object by module and class name.
Databases written before the services were grouped by domain (intake,
back office, accounts, administration) name these classes by their old
flat modules; ``install`` makes every database opened in this process
read the old names as the new ones, and objects saved again are written
under the new names.
"""
from ZODB.DB import DB

#: (old module, class name) -> the module that holds the class now
RENAMED = {
    ('httttha.services.scratch', 'Scratch'): 'httttha.services.intake.scratch',
    ('httttha.services.scratch', 'Draft'): 'httttha.services.intake.scratch',
    ('httttha.services.scratch', 'FileStore'):
        'httttha.services.intake.scratch',
    ('httttha.services.accounts', 'Shadow'):
        'httttha.services.accounts.logins',
    ('httttha.services.deadlines', 'CalendarStore'):
        'httttha.services.backoffice.deadlines',
    ('httttha.services.treecache', 'TreeVersion'):
        'httttha.services.administration.treecache',
}

_class_factory = DB.classFactory


def _renaming_class_factory(self, connection, modulename, globalname):
    modulename = RENAMED.get((modulename, globalname), modulename)
    return _class_factory(self, connection, modulename, globalname)


def install():
    """Patch ``ZODB.DB.classFactory`` (idempotent)."""
    DB.classFactory = _renaming_class_factory
