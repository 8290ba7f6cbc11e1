"""Hướng dẫn (SPEC A6): the guidance pages and the questions and answers
(FAQ) an agency publishes, kept in its ``huong-dan`` folder.  The Tổng
cục's are national and shown on every page of the portal.

Both kinds go through the same small workflow, a ``state`` attribute the
service ``services.portal.guidance`` alone changes: draft (Bản nháp) →
published (Đã đăng) → archived (Lưu trữ), and back to draft.  Their
rich text is stored sanitised; the pages sanitise it again on display."""
from persistent import Persistent
from substanced.content import content
from substanced.folder import Folder
from substanced.util import renamer
from zope.interface import Interface, alsoProvides, implementer

from .. import _
from ..text import free_filename

DRAFT, PUBLISHED, ARCHIVED = 'draft', 'published', 'archived'

STATE_TITLES = {
    DRAFT: _('guidance-draft', default='Draft'),
    PUBLISHED: _('guidance-published', default='Published'),
    ARCHIVED: _('guidance-archived', default='Archived'),
}

#: action -> (states it starts from, state it leads to)
TRANSITIONS = {
    'publish': ((DRAFT, ARCHIVED), PUBLISHED),
    'unpublish': ((PUBLISHED,), DRAFT),
    'archive': ((DRAFT, PUBLISHED), ARCHIVED),
}


class IGuidanceItem(Interface):
    """A guidance page or an FAQ entry."""


class IGuidancePage(IGuidanceItem):
    """A guidance page (trang hướng dẫn)."""


class IFAQEntry(IGuidanceItem):
    """A question and its answer (hỏi đáp)."""


class IGuidanceFile(Interface):
    """A file attached to a guidance page (a blank form to download)."""


class _Item(object):
    """What pages and FAQ entries share."""
    is_guidance = True
    state = DRAFT
    order = 0
    published = None        # when it was last published (UTC)
    name = renamer()

    @property
    def sdi_title(self):
        return self.title

    def __sdi_addable__(self, context, introspectable):
        return False


@content('Guidance Page', icon='glyphicon glyphicon-book', add_view=None,
         catalog=True)
@implementer(IGuidancePage)
class GuidancePage(_Item, Folder):
    """A guidance page: title, summary, body (sanitised HTML), the
    procedures it concerns, its order; its attachments are its items."""
    kind = 'page'

    def __init__(self, title='', summary='', body='', procedures=(),
                 order=0):
        Folder.__init__(self)
        self.title = title
        self.summary = summary
        self.body = body
        self.procedures = tuple(procedures)
        self.order = order
        self.state = DRAFT

    def add_file(self, registry, stream, filename, mimetype):
        """Store an attachment under a unique, clean name."""
        attachment = registry.content.create(
            'File', stream=stream, mimetype=mimetype, title=filename)
        alsoProvides(attachment, IGuidanceFile)
        name = free_filename(filename, self.__contains__)
        self.add(name, attachment, registry=registry)
        return attachment

    def attachments(self):
        """The attached files, by name."""
        return [f for _n, f in sorted(self.items())
                if IGuidanceFile.providedBy(f)]


@content('FAQ Entry', icon='glyphicon glyphicon-question-sign',
         add_view=None, catalog=True)
@implementer(IFAQEntry)
class FAQEntry(_Item, Persistent):
    """A question, its answer (sanitised HTML), the procedure it is
    about ('' for the service in general) and its order."""
    kind = 'faq'

    def __init__(self, question='', answer='', procedure='', order=0):
        self.question = question
        self.answer = answer
        self.procedure = procedure
        self.order = order
        self.state = DRAFT

    @property
    def title(self):
        return self.question

    @property
    def procedures(self):
        return (self.procedure,) if self.procedure else ()
