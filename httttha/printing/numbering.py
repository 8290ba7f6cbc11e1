"""The numbers of the notices and slips: one series per agency, kind
and year (12/TB-CCTHADS), issued without duplicates under concurrent
transactions."""
from BTrees.Length import Length
from BTrees.OOBTree import OOBTree

#: slip kinds: the symbol of the document type in its number
NOTICE = 'TB'     # thông báo
SLIP = 'PH'       # phiếu
RECEIPT = 'BN'    # giấy biên nhận
KINDS = (NOTICE, SLIP, RECEIPT)

#: the kind of number each builder takes
KIND_OF = {
    'appointment_notice': NOTICE,
    'supplement_notice': NOTICE,
    'refusal_notice': NOTICE,
    'appointment_slip': SLIP,
    'guidance_slip': SLIP,
    'originals_receipt': RECEIPT,
    'petition_reply': NOTICE,
    'forwarding_notice': NOTICE,
    'archive_notice': NOTICE,
}

#: Agency.kind -> the abbreviation of the issuing agency in a number
AGENCY_SYMBOLS = {
    'tong_cuc': 'TCTHADS',
    'cuc': 'CTHADS',
    'chi_cuc': 'CCTHADS',
}

#: other names a caller may give for a kind
ALIASES = dict(KIND_OF, notice=NOTICE, slip=SLIP, receipt=RECEIPT)

_COUNTERS = '_httttha_slip_counters'


def kind_symbol(kind):
    """TB, PH or BN for a kind given as such, as a builder name
    ('guidance_slip') or as 'notice', 'slip', 'receipt'."""
    if kind in KINDS:
        return kind
    try:
        return ALIASES[kind]
    except (KeyError, TypeError):
        raise ValueError('unknown slip kind %r' % (kind,)) from None


def _counters(agency):
    """The agency's counters, made on first use: (kind, year) -> Length,
    and (kind, year, n) -> True for every number issued."""
    tree = getattr(agency, _COUNTERS, None)
    if tree is None:
        tree = OOBTree()
        setattr(agency, _COUNTERS, tree)
    return tree


def next_number(agency, kind, year):
    """Issue the next number (1, 2, …) of ``kind`` (TB, PH or BN, or a
    builder name: see ``kind_symbol``) for ``agency`` in ``year``;
    numbering starts again every year. All notices share the TB series,
    both slips the PH series.

    The counter is a ``BTrees.Length``: concurrent increments merge
    instead of conflicting. Merging alone would let two concurrent
    transactions issue the same number, so each issued number is also
    recorded as a key of the agency's counter tree; two transactions
    adding the same key conflict, and the retried one draws the next
    number.
    """
    kind = kind_symbol(kind)
    year = int(year)
    tree = _counters(agency)
    counter = tree.get((kind, year))
    if counter is None:
        counter = tree[(kind, year)] = Length()
    counter.change(1)
    number = counter()
    tree[(kind, year, number)] = True
    return number


def current_number(agency, kind, year):
    """The last number of ``kind`` issued in ``year`` (0 if none)."""
    tree = getattr(agency, _COUNTERS, None)
    key = (kind_symbol(kind), int(year))
    counter = tree.get(key) if tree is not None else None
    return counter() if counter is not None else 0


def slip_number(n, kind, agency_kind):
    """The printed number: ``slip_number(12, 'TB', 'chi_cuc')`` is
    '12/TB-CCTHADS'; ``kind`` as for ``next_number``."""
    kind = kind_symbol(kind)
    if agency_kind not in AGENCY_SYMBOLS:
        raise ValueError('unknown agency kind %r' % (agency_kind,))
    return '%d/%s-%s' % (int(n), kind, AGENCY_SYMBOLS[agency_kind])


def issue_number(agency, kind, year):
    """Issue and format the next number of the agency in one call."""
    return slip_number(next_number(agency, kind, year), kind, agency.kind)
