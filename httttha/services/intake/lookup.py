"""Citizen lookup (A3): finding dossiers by code or by identifying
keywords within one agency, opening a dossier with the ID number declared,
and throttling the guesses.

What a passer-by learns from a lookup is minimal (code, procedure, dates,
state); everything else needs the ID number, compared in constant time.
Failures are counted per dossier code and per client address, and the
answers are the same whether a code exists or not.
"""
import hmac
import logging
import re

from substanced.util import find_catalog, get_oid

from ... import _
from ...text import applicant_words, fold
from ...content.application import clean_id_number
from ...content.dossier import id_hash
from ...workflows.dossier import state_of
from . import numbering
from .scratch import ensure_scratch, hit, sweep
from .submission import ensure_salt

log = logging.getLogger(__name__)

#: most rows a keyword lookup lists
MAX_ROWS = 20

#: session key: oids of the dossiers opened in this browser session
SESSION_KEY = 'ho-so'
MAX_OPEN = 20

LOCKED = _('Too many wrong attempts. For your safety, lookups are paused '
           'for a while: please try again in ${minutes} minutes.')
WRONG_ID = _('The ID number does not match the dossier, or the dossier '
             'code is wrong. Please check both and try again.')
TOO_WEAK = _('Enter at least two of: full name, phone number, ID number '
             '(for example your full name and phone number).')


class Limits(object):
    """The lookup throttling settings."""

    def __init__(self, settings):
        self.dossier_failures = int(settings['httttha.lookup_failures'])
        self.client_failures = int(settings['httttha.lookup_client_failures'])
        self.window = int(settings['httttha.lookup_window_minutes']) * 60


def limits(registry):
    value = getattr(registry, '_httttha_lookup_limits', None)
    if value is None:
        value = registry._httttha_lookup_limits = Limits(registry.settings)
    return value


class Locked(Exception):
    """Too many failures for this dossier or from this address."""

    def __init__(self, minutes):
        Exception.__init__(self, minutes)
        self.message = _(LOCKED, mapping={'minutes': minutes})


def _buckets(client, code):
    yield 'lookup-client', client, 'client_failures'
    if code:
        yield 'lookup-dossier', code, 'dossier_failures'


def check_allowed(root, registry, client, code=None):
    """Raise ``Locked`` when ``client`` or the dossier ``code`` is over its
    failure limit in the current window."""
    settings = limits(registry)
    counters = ensure_scratch(root).counters
    for bucket, key, limit in _buckets(client, code):
        if not hit(counters, bucket, key, getattr(settings, limit),
                   settings.window, count=False):
            raise Locked(settings.window // 60)


def count_failure(root, registry, client, code=None, reason=''):
    """Count a failed attempt against ``client`` and the dossier ``code``
    (known or not: the count never tells) and log it."""
    settings = limits(registry)
    counters = ensure_scratch(root).counters
    sweep(counters)
    for bucket, key, limit in _buckets(client, code):
        hit(counters, bucket, key, getattr(settings, limit), settings.window)
    log.warning('Tra cứu không thành công (%s): mã %s, địa chỉ %s',
                reason, code or '-', client)


def dossier_by_code(root, code):
    """The dossier whose code is ``code`` (as typed), or None."""
    code = numbering.normalize(code)
    if code is None:
        return None
    catalog = find_catalog(root, 'httttha')
    for resource in catalog['code'].eq(code).execute():
        if getattr(resource, 'is_dossier', False):
            return resource
    return None


def find_by_code(root, code, agency):
    """The dossier ``code`` if it was sent to ``agency``, as a list."""
    dossier = dossier_by_code(root, code)
    if dossier is None or dossier.agency_oid != get_oid(agency):
        return []
    return [dossier]


EMAIL = re.compile(r'\S+@\S+')
NUMERIC = re.compile(r'^\+?[\d.\-]*\d[\d.\-]*$')


def parse_keywords(text):
    """The identifying items in ``text``: (name words, numbers, e-mails).

    A number may be a phone or an ID number.  Short digit groups are
    joined until they make a phone number (``0912 345 678``, ``+84 912
    345 678``); a group of 9 digits or more stands alone (an ID number);
    a word mixing letters and digits (a passport number) is a number."""
    text = (text or '')[:300]
    emails = [fold(e) for e in EMAIL.findall(text)]
    words, numbers, group = [], [], ''
    for token in EMAIL.sub(' ', text).replace(',', ' ').split():
        if NUMERIC.match(token):
            digits = re.sub(r'\D', '', token)
            if len(digits) >= 9:
                numbers += [group] if group else []
                numbers.append(digits)
                group = ''
            else:
                group += digits
                if len(group) >= 10:
                    numbers.append(group)
                    group = ''
            continue
        numbers += [group] if group else []
        group = ''
        for word in re.findall(r'\w+', fold(token)):
            if word.isalpha():
                words.append(word)
            elif len(word) >= 6:
                numbers.append(word)
    numbers += [group] if group else []
    return words, numbers, emails


def phone_forms(digits):
    """The ways a phone may have been written, as indexed (digits only)."""
    forms = {digits}
    if digits.startswith('84') and len(digits) in (11, 12):
        forms.add('0' + digits[2:])
    elif digits.startswith('0'):
        forms.add('84' + digits[1:])
    return sorted(forms)


#: a keyword lookup checks the name's words dossier by dossier when the
#: numbers and e-mails leave at most this many (else in the catalog)
CHECK_WORDS_UP_TO = 200


def find_by_keywords(root, text, agency):
    """Dossiers of ``agency`` matching every identifying item of ``text``,
    newest first.  Raises ``ValueError(TOO_WEAK)`` with fewer than two
    items: a common name alone must not list strangers' dossiers."""
    words, numbers, emails = parse_keywords(text)
    items = (1 if words else 0) + len(numbers) + len(emails)
    if items < 2:
        raise ValueError(TOO_WEAK)
    catalog = find_catalog(root, 'httttha')
    applicant = catalog['applicant']
    # two items, so at least one number or e-mail: a few dossiers
    query = catalog['agency'].eq(get_oid(agency))
    salt = ensure_salt(root)
    for number in numbers:
        query &= (applicant.any(phone_forms(number))
                  | catalog['id_hash'].eq(id_hash(number, salt)))
    for email in emails:
        query &= applicant.eq(email)
    results = query.execute()
    limit = MAX_ROWS
    if words and len(results) > CHECK_WORDS_UP_TO:
        results = (query & applicant.all(words)).execute()
        words = None
    elif words:
        # Each word of a name (nguyen, thi, van...) is found in a large
        # share of all dossiers, and intersecting with those sets walks
        # them (tens of ms, and thousands of index buckets to load, at a
        # million dossiers): check the few dossiers' own words instead,
        # the same words the index holds.
        words = set(words)
        limit = CHECK_WORDS_UP_TO
    found = []
    for dossier in results.sort(catalog['submitted'], reverse=True,
                                limit=limit):
        if not getattr(dossier, 'is_dossier', False):
            continue
        if words and not words.issubset(applicant_words(dossier.applicant)):
            continue
        found.append(dossier)
        if len(found) == MAX_ROWS:
            break
    return found


def id_matches(root, dossier, id_number):
    """Whether ``id_number`` is the one declared in ``dossier``, compared
    in constant time (on keyed hashes, so also without a dossier)."""
    given = id_hash(clean_id_number(id_number)[:40], ensure_salt(root))
    expected = dossier.id_hash if dossier is not None else ''
    return hmac.compare_digest(given, expected or 'x' * len(given))


def open_dossier(request, code, id_number):
    """The dossier ``code`` opened with ``id_number`` for this browser
    session.  Raises ``Locked`` or ``ValueError(WRONG_ID)``."""
    root, registry, client = request.root, request.registry, \
        request.client_addr
    key = numbering.normalize(code) or (code or '')[:20]
    check_allowed(root, registry, client, key)
    dossier = dossier_by_code(root, code)
    if not id_matches(root, dossier, id_number):
        count_failure(root, registry, client, key, reason='wrong ID number')
        raise ValueError(WRONG_ID)
    opened = [oid for oid in request.session.get(SESSION_KEY, ())
              if oid != get_oid(dossier)]
    request.session[SESSION_KEY] = ([get_oid(dossier)] + opened)[:MAX_OPEN]
    return dossier


def is_open(request, dossier):
    """Whether this browser session opened ``dossier``."""
    return dossier is not None and get_oid(dossier) in request.session.get(
        SESSION_KEY, ())


def close_dossier(request, dossier):
    request.session[SESSION_KEY] = [
        oid for oid in request.session.get(SESSION_KEY, ())
        if oid != get_oid(dossier)]


def appointment(dossier):
    """The latest appointment the agency gave (date dd/mm/yyyy), or
    None."""
    for entry in reversed(dossier.timeline):
        if entry.get('appointment'):
            return shown_appointment(entry['appointment'])
    return None


#: the short note shown in lookup rows, by state: nothing personal
NOTES = {
    'submitted': _('Waiting for the agency to check the dossier.'),
    'needs_supplement': _('The dossier must be supplemented: open it to '
                          'see what is needed.'),
    'resubmitted': _('Supplemented; waiting for the agency.'),
    'accepted': _('Complete and valid: bring the original papers at the '
                  'appointment.'),
    'refused': _('Not accepted: open the dossier to read the reason.'),
    'originals_received': _('Original papers received.'),
    'in_processing': _('Handed over for enforcement.'),
    'awaiting_assignment': _('Being processed.'),
    'assigned': _('Being processed.'),
    'awaiting_approval': _('Being processed.'),
    'completed': _('A result is available: open the dossier.'),
}


def _day(value):
    return value.strftime('%d/%m/%Y') if hasattr(value, 'strftime') \
        else value


def shown_appointment(value):
    """An appointment with its date written dd/mm/yyyy, or None."""
    if not value:
        return None
    return dict(value, date=_day(value.get('date')))


def public_row(dossier):
    """What a lookup shows of ``dossier`` to anyone."""
    state = state_of(dossier)
    when = appointment(dossier)
    return {'code': dossier.code, 'procedure': dossier.procedure,
            'procedure_title': dossier.procedure_title,
            'submitted': dossier.submitted, 'state': state,
            'appointment': when['date'] if when else None,
            'note': NOTES.get(state)}
