"""Dossiers: one per online request, in its agency's ``ho-so`` folder.

One base class carries what every procedure shares (code, channel,
declared values, attachments, timeline); the three content types differ
by procedure, schema and workflow.  Attachments are substanced ``File``
objects (ZODB blobs) inside the dossier, so the dossier folder's ACL,
which denies the public, covers them too.
"""
import hashlib
import hmac


from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from substanced.content import content
from substanced.folder import Folder
from zope.interface import alsoProvides, implementer

from .. import _
from ..interfaces import IAttachment, IDossier
from ..text import free_filename
from ..vntime import VN, local_time, now  # noqa: F401 (used by importers)
from .application import (
    FILE_SLOTS,
    PROCEDURE_TITLES,
    clean_id_number,
)

CHANNELS = ('online', 'counter')

def id_hash(id_number, salt):
    """A keyed hash of an ID number: lookups by ID number use it, so the
    index never holds the number itself."""
    return hmac.new(salt.encode('ascii'), clean_id_number(id_number).encode(
        'utf-8'), hashlib.sha256).hexdigest()


@implementer(IDossier)
class Dossier(Folder):
    """An online request (base of the three procedures)."""
    procedure = None
    is_dossier = True
    # petitions (HTTT02): the four classifications, the officer assigned
    # (oid) and the versions of the proposed answer
    classification = None
    assignee = None
    proposals = ()

    def __init__(self, code='', data=None, agency_oid=None,
                 channel='online', id_hash=''):
        Folder.__init__(self)
        self.code = code
        # not ``data``: that is the Folder's own BTree of children
        self.declared = PersistentMapping(data or {})
        self.agency_oid = agency_oid
        self.channel = channel
        self.id_hash = id_hash
        self.submitted = now()
        self.timeline = PersistentList()

    @property
    def title(self):
        return '%s - %s' % (self.code, self.applicant_name)

    @property
    def sdi_title(self):
        return self.title

    @property
    def procedure_title(self):
        return PROCEDURE_TITLES[self.procedure]

    @property
    def agency(self):
        """The agency the dossier was sent to (it lives in its ``ho-so``
        folder)."""
        folder = self.__parent__
        return getattr(folder, '__parent__', None)

    @property
    def applicant(self):
        return self.declared.get('applicant', {})

    @property
    def applicant_name(self):
        return self.applicant.get('full_name', '')

    def record(self, action, who=None, note='', when=None, **details):
        """Add a timeline entry (what happened, who did it, when)."""
        entry = {'when': when or now(), 'action': action, 'who': who or '',
                 'note': note}
        entry.update(details)
        self.timeline.append(entry)
        return entry

    def add_file(self, registry, stream, filename, mimetype, **attrs):
        """Store a file in the dossier under a unique, clean name.  The
        citizen's files carry ``is_attachment`` and their ``slot``; files
        the agency sends the citizen carry ``is_response``.

        The file gets its object id and path, but no folder events: files
        are only ever found through their dossier, so no catalog indexes
        them.  Indexed, a file went through every index of both catalogs
        only to be recorded as having no value: some 40 more objects
        written with each submission while the next citizen waits for its
        turn (``submission.one_at_a_time``)."""
        attachment = registry.content.create(
            'File', stream=stream, mimetype=mimetype, title=filename)
        alsoProvides(attachment, IAttachment)
        for name, value in attrs.items():
            setattr(attachment, name, value)
        name = free_filename(filename, self.__contains__)
        self.add(name, attachment, registry=registry, send_events=False)
        return attachment

    def attachments(self):
        """(slot, File) pairs of the citizen's current files (replaced ones
        are kept for the staff, marked ``superseded``), in the order of
        the form's upload slots."""
        order = {name: i for i, (name, _t) in enumerate(
            FILE_SLOTS[self.procedure])}
        files = [(getattr(f, 'slot', ''), f) for f in self.values()
                 if getattr(f, 'is_attachment', False)
                 and not getattr(f, 'superseded', False)]
        return sorted(files, key=lambda p: (order.get(p[0], 99),
                                             p[1].__name__))

    def public_file(self, name):
        """The file ``name`` if the citizen may download it: one of their
        current attachments or a file the agency sent them."""
        f = self.get(name)
        if f is None or getattr(f, 'superseded', False):
            return None
        if getattr(f, 'is_attachment', False) or getattr(
                f, 'is_response', False):
            return f
        return None

    def __sdi_addable__(self, context, introspectable):
        return False


@content('Dossier HTTT01', icon='glyphicon glyphicon-file',
         add_view=None, catalog=True)
class EnforcementRequestDossier(Dossier):
    """HTTT01: Hỗ trợ trực tuyến yêu cầu thi hành án dân sự."""
    procedure = 'HTTT01'


@content('Dossier HTTT02', icon='glyphicon glyphicon-comment',
         add_view=None, catalog=True)
class PetitionDossier(Dossier):
    """HTTT02: tiếp nhận phản ánh, kiến nghị về thi hành án dân sự."""
    procedure = 'HTTT02'


@content('Dossier HTTT03', icon='glyphicon glyphicon-check',
         add_view=None, catalog=True)
class ResultConfirmationDossier(Dossier):
    """HTTT03: yêu cầu xác nhận kết quả thi hành án dân sự."""
    procedure = 'HTTT03'


CONTENT_TYPES = {'HTTT01': 'Dossier HTTT01', 'HTTT02': 'Dossier HTTT02',
                 'HTTT03': 'Dossier HTTT03'}

#: timeline actions (transition names), as shown to people
ACTIONS = {
    'submitted': _('Submitted online'),
    'accept': _('Found complete and valid'),
    'accept_resubmitted': _('Found complete and valid'),
    'ask_supplement': _('Asked to supplement the dossier'),
    'ask_supplement_again': _('Asked to supplement the dossier'),
    'refuse': _('Support refused'),
    'refuse_resubmitted': _('Support refused'),
    'resubmit': _('Supplemented by the applicant'),
    'receive_originals': _('Original papers received'),
    'originals_mismatch': _('Original papers do not match the online '
                            'dossier'),
    'transfer': _('Handed over for enforcement'),
    'return_result': _('Result returned'),
    'return_confirmation': _('Result returned'),
    'classify': _('Classified and forwarded'),
    'assign': _('Assigned to an officer'),
    'reassign': _('Assigned to an officer'),
    'propose': _('timeline-propose', default='Answer proposed to the leader'),
    'send_back': _('timeline-send-back',
                   default='Proposal sent back to the officer'),
    'approve': _('Answer approved'),
    'answer': _('Answer sent'),
    'handover_sent': _('Handed over to the enforcement processing unit'),
    'decision_received': _('Enforcement decision issued'),
    'survey_answered': _('timeline-survey-answered',
                         default='Satisfaction survey answered'),
    'survey_followed_up': _('timeline-survey-followed-up',
                            default='Unsatisfied feedback followed up'),
}

#: the first entry of a dossier registered at the agency's counter (B9)
#: says so: 'submitted' names what the citizen did online
RECEIVED_AT_COUNTER = _('Received in person')


def action_title(dossier, entry):
    """What timeline ``entry`` of ``dossier`` records, as a message
    (the action's own name when it has no title)."""
    action = entry['action']
    if action == 'submitted' and getattr(
            dossier, 'channel', 'online') != 'online':
        return RECEIVED_AT_COUNTER
    return ACTIONS.get(action, action)


#: Loại hỗ trợ, the officer's support decision recorded in a timeline
#: entry (the user manual "Hướng dẫn sử dụng phần mềm Hỗ trợ trực tuyến",
#: "Hỗ trợ"), in the original software's order
SUPPORT_TYPES = (
    ('out_of_jurisdiction', _('Not within the jurisdiction of enforcement')),
    ('valid', _('Complete and valid')),
    ('no_right', _('The applicant has no right to request enforcement')),
    ('supplement', _('The dossier must be supplemented or corrected')),
)

#: internal steps the citizen's page leaves out (drafts of an answer and
#: their approval)
HIDDEN_ACTIONS = frozenset(('propose', 'send_back', 'approve',
                            'survey_answered', 'survey_followed_up'))


def attachment_not_indexed(resource, default):
    """Attachments stay out of the httttha catalog's name indexes
    (``title_folded``, ``sort_name``: lists of users and agencies), which
    every catalogued object feeds with its title by default.  Files are
    only ever found through their dossier, and a text index fed a file
    name with every submission makes concurrent submissions conflict:
    its lexicon hands out ids of new words from one counter, and the
    buckets of its word map hold plain dicts, which ZODB cannot merge."""
    return default


def includeme(config):
    for name in ('title_folded', 'sort_name'):
        config.add_indexview(attachment_not_indexed, catalog_name='httttha',
                             index_name=name, context=IAttachment)
