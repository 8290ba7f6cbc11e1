"""Back-office steps of a petition (HTTT02, B8): Phân loại, Phân công,
Đề xuất, Phê duyệt, Trả lời.  The rules are in ``services.backoffice.petitions``;
the workflow checks each step's permission again."""
import colander
import deform
from pyramid.httpexceptions import HTTPFound
from substanced.schema import Schema
from substanced.sdi import mgmt_view
from substanced.util import get_oid

from ... import _
from ...content.application import VNDate
from ...interfaces import IDossier
from ...services.accounts import roles
from ...services.backoffice import deadlines, petitions
from ...workflows.dossier import state_of
from .dossier import Appointment, StepView, files_node, _text, _uploads

TEMPLATE = 'httttha:templates/sdi/petition_step.pt'


def _in(*states):
    def allowed(dossier):
        return dossier.procedure == 'HTTT02' and state_of(dossier) in states
    return allowed


def _condition(*states):
    allowed = _in(*states)
    return lambda context, request: allowed(context)


def _choice(name, title, values):
    return colander.SchemaNode(
        colander.String(), name=name, title=title,
        validator=colander.OneOf([k for k, _t in values]),
        widget=deform.widget.SelectWidget(
            values=[('', _('- Choose -'))] + list(values)))


class PetitionStep(StepView):
    """A petition step: its form with what the officer needs beside it."""

    def info(self):
        return {}

    def show(self, form):
        return dict(self.info(), form=form.render(self.defaults()))

    def defaults(self):
        return {}

    def failure(self, e):
        return dict(self.info(), form=e.render())


def _petitioners(dossier):
    count = dossier.declared.get('co_petitioners') or 1
    return 'one' if count <= 1 else 'several' if count < 5 else 'collective'


@mgmt_view(context=IDossier, name='phan-loai', tab_title=_('Classify'),
           permission=roles.PROCESS, renderer=TEMPLATE,
           tab_condition=_condition('submitted'))
class ClassifyView(PetitionStep):
    """Bước 1: the four classifications, then to the leaders."""
    title = _('Classify the petition')
    allowed = staticmethod(_in('submitted'))
    buttons = (deform.Button('forward', _('Forward for assignment')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        PetitionStep.__init__(self, context, request)
        self.schema = Schema()
        # the active entries of the four classifications' code lists
        for name, title, values in petitions.classification_choices(
                context, request):
            self.schema.add(_choice(name, title, values))
        self.schema.add(_text(_('Note for the leader'), name='note',
                              required=False, area=True))

    def info(self):
        return {'earlier': petitions.earlier_petitions(self.request,
                                                       self.context)}

    def defaults(self):
        return {'content': self.context.declared.get('kind', ''),
                'petitioners': _petitioners(self.context)}

    def forward_success(self, appstruct):
        note = appstruct.pop('note')
        return self._done(petitions.classify, appstruct, note=note)


@mgmt_view(context=IDossier, name='phan-cong', tab_title=_('Assign'),
           permission=roles.ASSIGN, renderer=TEMPLATE,
           tab_condition=_condition('awaiting_assignment', 'assigned'))
class AssignView(PetitionStep):
    """Bước 2: the leader picks the officer and sets the deadline."""
    title = _('Assign an officer')
    allowed = staticmethod(_in('awaiting_assignment', 'assigned'))
    buttons = (deform.Button('assign', _('Assign')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        PetitionStep.__init__(self, context, request)
        self.staff = {str(get_oid(u)): u
                      for u in petitions.assignable(context.agency)}
        self.schema = Schema()
        self.schema.add(_choice('officer', _('Officer'), [
            (oid, u.full_name or u.__name__)
            for oid, u in self.staff.items()]))
        self.schema.add(colander.SchemaNode(
            VNDate(), name='due', title=_('Deadline of the petition'),
            missing=None, description=_('The time limit depends on the '
                                        'case; dd/mm/yyyy.')))
        self.schema.add(_text(_('Instructions'), name='note',
                              required=False, area=True))

    def info(self):
        return {'current': petitions.assignee(self.context)}

    def defaults(self):
        calendar = deadlines.get_calendar(self.request.root)
        due = getattr(self.context, 'due', None) or petitions.default_due(
            self.context, calendar)
        return {'due': due, 'officer': str(self.context.assignee or '')}

    def assign_success(self, appstruct):
        return self._done(petitions.assign, self.staff[appstruct['officer']],
                          due=appstruct['due'], note=appstruct['note'])


class ProposalSchema(Schema):
    outcome = colander.SchemaNode(
        colander.String(), title=_('Proposal'),
        validator=colander.OneOf([k for k, _t in petitions.OUTCOMES]),
        widget=deform.widget.RadioChoiceWidget(values=petitions.OUTCOMES))
    text = _text(_('Draft answer to the petitioner'), area=True,
                 max_length=8000)
    forward_to = _text(_('Competent body (when forwarding)'),
                       required=False, max_length=300)
    forward_letter = _text(_('Forwarding letter number'), required=False,
                           max_length=100)
    earlier_code = _text(_('Earlier dossier (when keeping on file)'),
                         required=False, max_length=20)

    @staticmethod
    def validator(node, value):
        error = colander.Invalid(node)
        if value['outcome'] == 'forward' and not value['forward_to'].strip():
            error['forward_to'] = _('Name the competent body.')
        if value['outcome'] == 'archive' and not \
                value['earlier_code'].strip():
            error['earlier_code'] = _('Give the earlier dossier\'s code.')
        if error.children:
            raise error


@mgmt_view(context=IDossier, name='de-xuat', tab_title=_('Propose'),
           permission=roles.DRAFT, renderer=TEMPLATE,
           tab_condition=_condition('assigned'))
class ProposeView(PetitionStep):
    """Bước 3: the assigned officer's draft, submitted to the leader."""
    title = _('Propose the answer')
    allowed = staticmethod(_in('assigned'))
    buttons = (deform.Button('propose', _('Submit to the leader')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        PetitionStep.__init__(self, context, request)
        self.schema = ProposalSchema()
        self.schema.add(files_node(request))

    def info(self):
        return {'versions': list(self.context.proposals),
                'earlier': petitions.earlier_petitions(self.request,
                                                       self.context)}

    def defaults(self):
        if not self.context.proposals:
            return {}
        latest = self.context.proposals[-1]
        return {k: latest[k] for k in ('outcome', 'text', 'forward_to',
                                       'forward_letter', 'earlier_code')}

    def propose_success(self, appstruct):
        return self._done(
            petitions.propose, appstruct['outcome'], appstruct['text'],
            _uploads(appstruct), forward_to=appstruct['forward_to'],
            forward_letter=appstruct['forward_letter'],
            earlier_code=appstruct['earlier_code'])


@mgmt_view(context=IDossier, name='phe-duyet', tab_title=_('Approve'),
           permission=roles.APPROVE, renderer=TEMPLATE,
           tab_condition=_condition('awaiting_approval'))
class ApproveView(PetitionStep):
    """Bước 4: the leader approves the draft or sends it back."""
    title = _('Approve the answer')
    allowed = staticmethod(_in('awaiting_approval'))
    buttons = (deform.Button('approve', _('Approve')),
               deform.Button('send_back', _('Send back')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        PetitionStep.__init__(self, context, request)
        self.schema = Schema()
        self.schema.add(_text(_('Comment'), name='comment', required=False,
                              area=True))

    def info(self):
        return {'versions': list(self.context.proposals)}

    def approve_success(self, appstruct):
        return self._done(petitions.approve, note=appstruct['comment'])

    def send_back_success(self, appstruct):
        if not appstruct['comment'].strip():
            self.request.sdiapi.flash(self.request.localizer.translate(_(
                'Say what to change when sending a draft back.')), 'warning')
            return HTTPFound(self.request.sdiapi.mgmt_path(
                self.context, '@@phe-duyet'))
        return self._done(petitions.send_back, appstruct['comment'])


@mgmt_view(context=IDossier, name='tra-loi', tab_title=_('Answer'),
           permission=roles.PROCESS, renderer=TEMPLATE,
           tab_condition=_condition('approved'))
class AnswerView(PetitionStep):
    """Bước 5: the online-support officer sends the approved answer, with
    an appointment when the petition is handled here."""
    title = _('Send the answer')
    allowed = staticmethod(_in('approved'))
    buttons = (deform.Button('send', _('Send')),
               deform.Button('send_mail', _('Send and e-mail')),
               deform.Button('cancel', _('Cancel'), type='submit'))

    def __init__(self, context, request):
        PetitionStep.__init__(self, context, request)
        self.schema = Schema()
        self.schema.add(Appointment(
            name='appointment', title=_('Appointment (if the petitioner '
                                        'is to come)')))

    def info(self):
        return {'versions': list(self.context.proposals)[-1:]}

    def send_success(self, appstruct, mail=False):
        appointment = appstruct['appointment']
        return self._done(petitions.answer, appointment=appointment
                          if appointment['date'] else None, mail=mail)

    def send_mail_success(self, appstruct):
        return self.send_success(appstruct, mail=True)
