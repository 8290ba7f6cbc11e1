"""Code lists (danh mục, SPEC C4): the choices the staff's forms offer.

A code list is a folder in the root's ``danh-muc``, named by a readable
slug; its entries are its children, named by their code.  An entry has a
title, an order and an active flag; the support types also say what the
decision does (accept, ask for a supplement, refuse).  How often dossiers
were given an entry is kept in its ``uses`` counter (a ``BTrees.Length``:
officers deciding at the same moment do not conflict), so an entry in use
is never deleted nor its code changed.

The lists and their first entries are below: the support types and the
petition classifications come from the constants the forms used before
(same codes, so the dossiers stored before keep their values)."""
from BTrees.Length import Length
from persistent import Persistent
from substanced.content import content
from substanced.folder import Folder
from zope.interface import Interface, implementer

from .. import _
from .application import PETITION_KINDS
from .dossier import SUPPORT_TYPES


class ICodeList(Interface):
    """A code list in ``danh-muc``."""


class ICodeListEntry(Interface):
    """An entry of a code list."""


#: what a support decision does (the workflow's transition depends on it)
ACCEPT, SUPPLEMENT, REFUSE = 'accept', 'supplement', 'refuse'
EFFECTS = (
    (ACCEPT, _('Accept: complete and valid, with an appointment')),
    (SUPPLEMENT, _('Ask the applicant to supplement the dossier')),
    (REFUSE, _('Refuse the request')),
)

#: codes: lower-case letters, digits, '_' and '-' (they are URL names)
CODE_PATTERN = r'^[a-z0-9][a-z0-9_-]{0,39}$'

# -- the lists --------------------------------------------------------------

SUPPORT = 'loai-ho-tro'
REFUSAL_REASONS = 'ly-do-tu-choi'
PETITION_CONTENT = 'phan-loai-noi-dung'
PETITION_CONDITION = 'phan-loai-dieu-kien'
PETITION_JURISDICTION = 'phan-loai-tham-quyen'
PETITION_PETITIONERS = 'phan-loai-so-nguoi'
ORIGINAL_PAPERS = 'giay-to-ho-so-goc'
REPORT_TYPES = 'loai-bao-cao'
SURVEY_SCALE = 'thang-danh-gia'

#: the four classifications of Quyết định 11/QĐ-TCTHADS Bước 1
CONDITIONS = (
    ('eligible', _('Eligible for handling')),
    ('unclear', _('Not eligible: unclear content or petitioner')),
    ('anonymous', _('Not eligible: anonymous or false name')),
    ('already_handled', _('Already handled under the law')),
)
JURISDICTIONS = (
    ('within', _('Within the jurisdiction of this agency')),
    ('other_agency', _('Within the jurisdiction of another enforcement '
                       'agency')),
    ('other_body', _('Outside civil enforcement: another body')),
)
PETITIONERS = (
    ('one', _('One person')),
    ('several', _('Several people')),
    ('collective', _('A crowd (collective petition)')),
)

#: criterion of a petition's classification -> (title, list name)
CLASSIFICATION_LISTS = (
    ('content', _('By content'), PETITION_CONTENT),
    ('condition', _('By processing condition'), PETITION_CONDITION),
    ('jurisdiction', _('By jurisdiction'), PETITION_JURISDICTION),
    ('petitioners', _('By number of petitioners'), PETITION_PETITIONERS),
)

#: what each support type of the constants did
SUPPORT_EFFECTS = {'valid': ACCEPT, 'supplement': SUPPLEMENT,
                   'out_of_jurisdiction': REFUSE, 'no_right': REFUSE}

#: Lý do từ chối: the cases of Điều 31 of the Law on Civil Judgment
#: Enforcement (Quyết định 11/QĐ-TCTHADS, thủ tục 1, Bước 2, Trường hợp 3)
REFUSAL_REASON_ENTRIES = (
    ('no_right', _('The applicant has no right to request enforcement')),
    ('unrelated_content', _('The request does not concern the content of '
                            'the judgment or decision')),
    ('no_obligation', _('The judgment or decision gives rise to no right '
                        'or obligation to enforce')),
    ('out_of_jurisdiction', _('The enforcement agency asked has no '
                              'jurisdiction')),
    ('expired', _('The time limit for requesting enforcement has '
                  'expired')),
    ('not_effective', _('The judgment or decision has not yet taken legal '
                        'effect')),
    ('already_enforced', _('The judgment or decision has already been '
                           'enforced')),
)

#: Giấy tờ hồ sơ gốc: the papers compared with the online dossier when the
#: applicant brings the originals (Quyết định 11/QĐ-TCTHADS, thủ tục 1 and
#: 3, Bước 3); the first two were the checklist's fixed papers, the others
#: are offered once an administrator activates them
ORIGINAL_PAPER_ENTRIES = (
    ('don_yeu_cau', _('Signed application (original)'), True),
    ('giay_to_tuy_than', _('Identity paper'), True),
    ('ban_an', _('Judgment or decision of the court (certified copy)'),
     False),
    ('uy_quyen', _('Power of attorney (when filed on behalf of the '
                   'applicant)'), False),
    ('quyet_dinh_tha', _('Enforcement decision'), False),
    ('tai_lieu_khac', _('Other papers proving the applicant\'s claims'),
     False),
)

#: Loại báo cáo: the periodic reports of Quyết định 644/QĐ-TCTHADS
#: (Công văn 1607/TCTHADS-VP)
REPORT_TYPE_ENTRIES = (
    ('thang', _('Monthly report')),
    ('3_thang', _('3-month report')),
    ('6_thang', _('6-month report')),
    ('9_thang', _('9-month report')),
    ('12_thang', _('12-month (yearly) report')),
    ('chuyen_de', _('Thematic report')),
)

#: Thang đánh giá: the satisfaction survey's answers
SURVEY_SCALE_ENTRIES = (
    ('rat_hai_long', _('Very satisfied')),
    ('hai_long', _('Satisfied')),
    ('binh_thuong', _('Neutral')),
    ('khong_hai_long', _('Not satisfied')),
)


def _entries(pairs, effects=None):
    return tuple({'code': code, 'title': title, 'active': True,
                  'effect': (effects or {}).get(code, '')}
                 for code, title in pairs)


#: (name, title, description, entries, effects): every list and its first
#: entries; an entry is {code, title, active, effect}
DEFAULT_LISTS = (
    (SUPPORT, _('Support types'),
     _('What the officer decides on an online request ("Hỗ trợ").'),
     _entries(SUPPORT_TYPES, SUPPORT_EFFECTS), True),
    (REFUSAL_REASONS, _('Refusal reasons'),
     _('Why a request is refused, offered with the refusing support '
       'types.'),
     _entries(REFUSAL_REASON_ENTRIES), False),
    (PETITION_CONTENT, _('Petition classification by content'),
     _('Classification of petitions (Bước 1), first criterion.'),
     _entries(PETITION_KINDS), False),
    (PETITION_CONDITION, _('Petition classification by processing '
                           'condition'),
     _('Classification of petitions (Bước 1), second criterion.'),
     _entries(CONDITIONS), False),
    (PETITION_JURISDICTION, _('Petition classification by jurisdiction'),
     _('Classification of petitions (Bước 1), third criterion.'),
     _entries(JURISDICTIONS), False),
    (PETITION_PETITIONERS, _('Petition classification by number of '
                             'petitioners'),
     _('Classification of petitions (Bước 1), fourth criterion.'),
     _entries(PETITIONERS), False),
    (ORIGINAL_PAPERS, _('Original papers to compare'),
     _('The papers compared with the online dossier when the applicant '
       'brings the originals.'),
     tuple({'code': code, 'title': title, 'active': active, 'effect': ''}
           for code, title, active in ORIGINAL_PAPER_ENTRIES), False),
    (REPORT_TYPES, _('Report types'),
     _('The periodic reports agencies upload.'),
     _entries(REPORT_TYPE_ENTRIES), False),
    (SURVEY_SCALE, _('Satisfaction scale'),
     _('The answers of the satisfaction survey.'),
     _entries(SURVEY_SCALE_ENTRIES), False),
)


def default_list(name):
    """The definition of the list ``name`` in ``DEFAULT_LISTS``, or None."""
    for each in DEFAULT_LISTS:
        if each[0] == name:
            return each
    return None


# -- the content types ------------------------------------------------------

@content('Code List Entry', icon='glyphicon glyphicon-tag', add_view=None)
@implementer(ICodeListEntry)
class CodeListEntry(Persistent):
    """One entry of a code list; its code is its name in the list."""

    def __init__(self, title='', order=0, active=True, effect=''):
        self.title = title
        self.order = order
        self.active = active
        self.effect = effect
        self.uses = Length()

    @property
    def code(self):
        return self.__name__

    @property
    def sdi_title(self):
        return '%s - %s' % (self.__name__, self.title)

    def used(self):
        """How many times dossiers were given this entry."""
        return self.uses()


@content('Code List', icon='glyphicon glyphicon-list-alt', add_view=None)
@implementer(ICodeList)
class CodeList(Folder):
    """A code list: its entries are its children, named by code."""

    def __init__(self, title='', description='', has_effect=False):
        Folder.__init__(self)
        self.title = title
        self.description = description
        # the support types: each entry says what the decision does
        self.has_effect = has_effect

    @property
    def sdi_title(self):
        return self.title

    def entries(self):
        """Every entry, in the list's order (then by title)."""
        return sorted(self.values(), key=lambda e: (e.order, e.title,
                                                    e.__name__))

    def next_order(self):
        """The order a new entry gets: after the last one."""
        orders = [e.order for e in self.values()]
        return (max(orders) + 1) if orders else 1

    def __sdi_addable__(self, context, introspectable):
        return False
