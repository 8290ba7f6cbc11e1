"""Life cycles of the dossiers (SPEC "Dossier life cycle" and "Petition
life cycle").  Transitions carry the permission they need; ``act`` is the
one way a dossier's state changes after submission.  Callbacks (mail,
deadlines) are added by the features that perform the steps."""
from substanced.event import ObjectModified
from substanced.workflow import STATE_ATTR, Workflow, get_workflow

from .. import _
from ..content.dossier import now
from ..permissions import APPROVE, ASSIGN, DRAFT, PROCESS

TYPE = 'dossier'

STATE_TITLES = {
    'submitted': _('Submitted'),
    'accepted': _('Accepted, awaiting the original papers'),
    'needs_supplement': _('Needs supplementing'),
    'resubmitted': _('Supplemented'),
    'refused': _('Refused'),
    'originals_received': _('Original papers received'),
    'in_processing': _('In processing'),
    'awaiting_assignment': _('Awaiting assignment'),
    'assigned': _('Assigned'),
    'awaiting_approval': _('Awaiting approval'),
    'approved': _('Approved, awaiting the answer'),
    'completed': _('Completed'),
}


def state_of(dossier):
    """The dossier's state without a registry (used by index views)."""
    return getattr(dossier, STATE_ATTR, {}).get(TYPE)


class DossierWillTransition(object):
    """``transition`` is about to be performed on ``dossier`` for
    ``request``: a subscriber refuses it by raising (the period lock,
    ``services.backoffice.periods``), before anything of the step is
    written here."""

    def __init__(self, dossier, transition, request):
        self.dossier = dossier
        self.transition = transition
        self.request = request


class DossierTransitioned(object):
    """``dossier`` has just entered ``state`` at ``when`` (the time of its
    timeline entry): what keeps time (the deadlines) listens to this
    rather than being called from here."""

    def __init__(self, dossier, state, when, request):
        self.dossier = dossier
        self.state = state
        self.when = when
        self.request = request


def act(request, dossier, transition, who=None, reindex=True, **details):
    """Perform ``transition`` on ``dossier`` for ``request`` (its permission
    is checked: ``WorkflowError`` when refused or not possible from the
    current state; a ``DossierWillTransition`` subscriber may refuse it
    first), write the timeline entry with the new state and
    ``details`` (note, message to the citizen, files, appointment,
    changes…), and reindex (a caller making several steps at once may
    leave that to itself with ``reindex=False``).  Returns the entry."""
    registry = request.registry
    workflow = get_workflow(request, TYPE, registry.content.typeof(dossier))
    registry.notify(DossierWillTransition(dossier, transition, request))
    workflow.transition(dossier, request, transition)
    entry_when = now()
    registry.notify(DossierTransitioned(dossier, state_of(dossier),
                                        entry_when, request))
    if who is None:
        # the staff member: the name people read and the unique login
        user = request.user
        details['who_login'] = getattr(user, '__name__', '')
        who = getattr(user, 'full_name', '') or details['who_login']
    entry = dossier.record(transition, who=who, state=state_of(dossier),
                           when=entry_when, **details)
    if reindex:
        # substanced's events go to (event, object) subscribers
        registry.subscribers((ObjectModified(dossier), dossier), None)
    return entry


def _workflow(name, states, transitions):
    workflow = Workflow('submitted', TYPE, name=name)
    for state in states:
        workflow.add_state(state, title=STATE_TITLES[state])
    for name, from_state, to_state, permission in transitions:
        workflow.add_transition(name, from_state, to_state,
                                permission=permission)
    return workflow


#: HTTT01 and HTTT03
request_workflow = _workflow('request', (
    'submitted', 'accepted', 'needs_supplement', 'resubmitted', 'refused',
    'originals_received', 'in_processing', 'completed',
), (
    ('accept', 'submitted', 'accepted', PROCESS),
    ('ask_supplement', 'submitted', 'needs_supplement', PROCESS),
    ('refuse', 'submitted', 'refused', PROCESS),
    ('resubmit', 'needs_supplement', 'resubmitted', None),
    ('accept_resubmitted', 'resubmitted', 'accepted', PROCESS),
    ('ask_supplement_again', 'resubmitted', 'needs_supplement', PROCESS),
    ('refuse_resubmitted', 'resubmitted', 'refused', PROCESS),
    ('receive_originals', 'accepted', 'originals_received', PROCESS),
    ('originals_mismatch', 'accepted', 'needs_supplement', PROCESS),
    ('transfer', 'originals_received', 'in_processing', PROCESS),
    ('return_result', 'in_processing', 'completed', PROCESS),
    ('return_confirmation', 'originals_received', 'completed', PROCESS),
))

#: HTTT02 (Quyết định 11/QĐ-TCTHADS, thủ tục 2, Bước 1-5): the online-support officer
#: classifies, a leader assigns, the assigned officer proposes, the leader
#: approves or sends back, the online-support officer answers
petition_workflow = _workflow('petition', (
    'submitted', 'awaiting_assignment', 'assigned', 'awaiting_approval',
    'approved', 'completed',
), (
    ('classify', 'submitted', 'awaiting_assignment', PROCESS),
    ('assign', 'awaiting_assignment', 'assigned', ASSIGN),
    ('reassign', 'assigned', 'assigned', ASSIGN),
    ('propose', 'assigned', 'awaiting_approval', DRAFT),
    ('send_back', 'awaiting_approval', 'assigned', APPROVE),
    ('approve', 'awaiting_approval', 'approved', APPROVE),
    ('answer', 'approved', 'completed', PROCESS),
))


def includeme(config):
    config.add_workflow(request_workflow, ('Dossier HTTT01', 'Dossier HTTT03'))
    config.add_workflow(petition_workflow, ('Dossier HTTT02',))
