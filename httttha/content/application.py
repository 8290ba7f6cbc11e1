"""The three applications of Thông tư 01/2016/TT-BTP as colander schemas,
and the rows in which a filled application is shown, printed and mailed.

HTTT01 Đơn yêu cầu thi hành án, HTTT02 Đơn phản ánh, kiến nghị, HTTT03 Đơn
yêu cầu xác nhận kết quả thi hành án.  Each schema is built per request
(``application_schema``) because the upload widget needs the draft's file
store and the CAPTCHA node is left out once a draft has passed it.
"""
import datetime
import re

import colander
import deform.widget

from .. import _, vntime

PROCEDURES = ('HTTT01', 'HTTT02', 'HTTT03')

PROCEDURE_TITLES = {
    'HTTT01': _('Online support for civil judgment enforcement requests'),
    'HTTT02': _('Online reception of complaints and recommendations on '
                'civil judgment enforcement'),
    'HTTT03': _('Online support for requests to confirm civil judgment '
                'enforcement results'),
}

#: the title printed on each application
FORM_TITLES = {
    'HTTT01': _('APPLICATION FOR JUDGMENT ENFORCEMENT'),
    'HTTT02': _('PETITION, RECOMMENDATION'),
    'HTTT03': _('APPLICATION FOR CONFIRMATION OF ENFORCEMENT RESULTS'),
}

SIGNER_TITLES = {
    'HTTT01': _('APPLICANT'),
    'HTTT02': _('PETITIONER'),
    'HTTT03': _('APPLICANT'),
}

APPLICANT_KINDS = (
    ('person', _('An individual')),
    ('organisation', _('An agency or organisation')),
)

ID_TYPES = (
    ('cccd', _('Citizen identity card (CCCD, 12 digits)')),
    ('cmnd', _('Identity card (CMND, 9 digits)')),
    ('passport', _('Passport')),
)

ROLES = (
    ('creditor', _('Judgment creditor (người được thi hành án)')),
    ('debtor', _('Judgment debtor (người phải thi hành án)')),
    ('related', _('Person with related rights and obligations')),
    ('authorised', _('Authorised representative')),
)

PETITION_KINDS = (
    ('de_nghi', _('Proposal (đề nghị)')),
    ('kien_nghi', _('Recommendation (kiến nghị)')),
    ('phan_anh', _('Report (phản ánh)')),
)

#: upload slots: (name, title); every procedure offers these
FILE_SLOTS = {
    'HTTT01': (('judgment', _('Judgment or decision of the court')),
               ('other_1', _('Other document')),
               ('other_2', _('Other document')),
               ('other_3', _('Other document'))),
    'HTTT02': (('other_1', _('Related document')),
               ('other_2', _('Related document')),
               ('other_3', _('Related document'))),
    'HTTT03': (('judgment', _('Judgment or decision of the court')),
               ('decision', _('Enforcement decision')),
               ('other_1', _('Other document')),
               ('other_2', _('Other document'))),
}

ACCEPT = '.pdf,.jpg,.jpeg,.png,.doc,.docx,.xls,.xlsx'

DATE_FORMATS = ('%d/%m/%Y', '%d-%m-%Y', '%d.%m.%Y', '%Y-%m-%d')


def today():
    """Today in Vietnam: the machine's own date is the previous day from
    17:00 UTC on, and would refuse a date written today as "future"."""
    return vntime.today()


class VNDate(colander.SchemaType):
    """A date written the Vietnamese way, dd/mm/yyyy (ISO accepted too):
    a plain text box works without JavaScript on every browser."""

    def serialize(self, node, appstruct):
        if appstruct in (colander.null, None):
            return colander.null
        return appstruct.strftime('%d/%m/%Y')

    def deserialize(self, node, cstruct):
        if cstruct in (colander.null, None) or not cstruct.strip():
            return colander.null
        for fmt in DATE_FORMATS:
            try:
                value = datetime.datetime.strptime(cstruct.strip(), fmt)
            except ValueError:
                continue
            if value.year < 1900:
                break
            return value.date()
        raise colander.Invalid(node, _('Write the date as dd/mm/yyyy, for '
                                       'example 25/03/2024.'))


def not_future(node, value):
    if value > today():
        raise colander.Invalid(node, _('The date cannot be in the future.'))


ID_PATTERNS = {
    'cmnd': (re.compile(r'^\d{9}$'),
             _('An identity card (CMND) number has 9 digits.')),
    'cccd': (re.compile(r'^\d{12}$'),
             _('A citizen identity card (CCCD) number has 12 digits.')),
    'passport': (re.compile(r'^[A-Z]{1,2}\d{6,8}$'),
                 _('A passport number is one or two letters followed by '
                   '6 to 8 digits, for example C1234567.')),
}

PHONE_RE = re.compile(r'^(?:0|84)(?:[35789]\d{8}|2\d{9})$')


def clean_id_number(text):
    """The ID number as compared and hashed: no spaces, upper case."""
    return re.sub(r'[\s.\-]', '', text or '').upper()


class IdNumber(colander.String):
    """An ID number, stored cleaned."""

    def deserialize(self, node, cstruct):
        value = colander.String.deserialize(self, node, cstruct)
        return clean_id_number(value) if value else value


class Phone(colander.String):
    """A Vietnamese phone number, stored as written but checked once
    spaces, dots and the '+' of +84 are removed."""

    def deserialize(self, node, cstruct):
        value = colander.String.deserialize(self, node, cstruct)
        if value and not PHONE_RE.match(re.sub(r'[\s.()\-+]', '', value)):
            raise colander.Invalid(node, _(
                'Enter a Vietnamese phone number: a mobile number of 10 '
                'digits (09xx xxx xxx) or a landline with its area code.'),
                value)
        return value.strip() if value else value


def text(title, required=True, max_length=200, description=None,
         area=False, **kw):
    """A text field; ``area`` for several lines."""
    widget = (deform.widget.TextAreaWidget(rows=4) if area
              else deform.widget.TextInputWidget())
    return colander.SchemaNode(
        colander.String(), title=title, description=description,
        missing=colander.required if required else '',
        validator=colander.Length(max=max_length), widget=widget, **kw)


def date(title, required=True, description=None, **kw):
    return colander.SchemaNode(
        VNDate(), title=title, description=description,
        missing=colander.required if required else None,
        validator=not_future, widget=deform.widget.TextInputWidget(
            attributes={'placeholder': 'dd/mm/yyyy', 'inputmode': 'numeric',
                        'autocomplete': 'off'}), **kw)


def choice(title, values, default=colander.null, radio=False, **kw):
    widget = (deform.widget.RadioChoiceWidget(values=values) if radio
              else deform.widget.SelectWidget(values=values))
    return colander.SchemaNode(
        colander.String(), title=title, widget=widget, default=default,
        validator=colander.OneOf([v for v, _t in values]), **kw)


def _applicant_problems(value):
    """Rules across the applicant's fields: an organisation needs its
    representative and the ID number must match its type.  Works on
    submitted text too, so these errors show up with the others."""
    problems = {}
    if value.get('kind') == 'organisation' and not (
            value.get('representative') or '').strip():
        problems['representative'] = _(
            'An organisation files through its representative: enter their '
            'name.')
    number = clean_id_number(value.get('id_number'))
    if value.get('id_type') in ID_PATTERNS and number:
        pattern, message = ID_PATTERNS[value['id_type']]
        if not pattern.match(number):
            problems['id_number'] = message
    return problems


def applicant_validator(node, value):
    """The cross-field rules, and dates in order."""
    errors = colander.Invalid(node)
    for name, message in _applicant_problems(value).items():
        errors[name] = message
    born = value.get('birth_date')
    if born and value['id_date'] and value['id_date'] < born:
        errors['id_date'] = _('The date of issue is before the date of '
                              'birth.')
    if errors.children:
        raise errors


class Applicant(colander.MappingSchema):
    """The person or organisation filing (người yêu cầu)."""
    kind = choice(_('The applicant is'), APPLICANT_KINDS, default='person',
                  radio=True)
    full_name = text(_('Full name (or name of the organisation)'),
                     autocomplete='name')
    birth_date = date(_('Date of birth'), required=False,
                      description=_('For an individual.'))
    representative = text(_('Representative (for an organisation)'),
                          required=False, max_length=100)
    representative_position = text(_('Position of the representative'),
                                   required=False, max_length=100)
    id_type = choice(_('Identity document'), ID_TYPES, default='cccd')
    id_number = colander.SchemaNode(
        IdNumber(), title=_('Document number'),
        description=_('Of the representative for an organisation. You '
                      'will need it to open your dossier later.'),
        validator=colander.Length(max=20))
    id_date = date(_('Date of issue'))
    id_place = text(_('Place of issue'), max_length=200)
    address = text(_('Address'), max_length=300,
                   description=_('House number, street, ward or commune, '
                                 'district, province.'))
    phone = colander.SchemaNode(Phone(), title=_('Phone'),
                                validator=colander.Length(max=20))
    email = colander.SchemaNode(
        colander.String(), title=_('E-mail'), missing='',
        validator=colander.All(colander.Email(
            msg=_('Enter a valid e-mail address.')),
            colander.Length(max=200)),
        description=_('We send the dossier code and every answer here.'))

    validator = staticmethod(applicant_validator)

    def deserialize(self, cstruct=colander.null):
        try:
            return super().deserialize(cstruct)
        except colander.Invalid as error:
            # colander skips the mapping's validator when a field failed;
            # report the cross-field problems in the same round anyway
            failed = {child.node.name for child in error.children}
            if isinstance(cstruct, dict):
                for name, message in _applicant_problems(cstruct).items():
                    if name not in failed:
                        error[name] = message
            raise


class Party(colander.MappingSchema):
    """Another party to the judgment (name and address)."""
    name = text(_('Full name (or name of the organisation)'))
    address = text(_('Address'), max_length=300)


class Judgment(colander.MappingSchema):
    """The judgment or decision to be enforced."""
    number = text(_('Number'), max_length=100,
                  description=_('As printed on the judgment, for example '
                                '12/2024/DS-ST.'))
    date = date(_('Date'))
    issuer = text(_('Issued by (court or body)'), max_length=200)


class OptionalJudgment(Judgment):
    """The judgment concerned, when there is one."""
    number = text(_('Number'), required=False, max_length=100)
    date = date(_('Date'), required=False)
    issuer = text(_('Issued by (court or body)'), required=False,
                  max_length=200)


class Decision(colander.MappingSchema):
    """The enforcement decision whose result is to be confirmed."""
    number = text(_('Number'), max_length=100)
    date = date(_('Date'))
    issuer = text(_('Issued by (enforcement agency)'), max_length=200)


def _judgment_before_decision(node, value):
    judged, decided = value['judgment']['date'], value['decision']['date']
    if judged and decided and decided < judged:
        error = colander.Invalid(node)
        decision = colander.Invalid(node['decision'])
        decision['date'] = _('The enforcement decision cannot be dated '
                             'before the judgment.')
        error.add(decision, node.children.index(node['decision']))
        raise error


class EnforcementRequest(colander.MappingSchema):
    """HTTT01: Đơn yêu cầu thi hành án."""
    applicant = Applicant(title=_('Applicant'))
    role = choice(_('The applicant is the'), ROLES, default='creditor')
    creditor = Party(title=_('Judgment creditor'))
    debtor = Party(title=_('Judgment debtor'))
    judgment = Judgment(title=_('Judgment or decision'))
    content = text(_('What is to be enforced'), max_length=4000, area=True,
                   description=_('The parts of the judgment or decision you '
                                 'ask to have enforced.'))
    assets = text(_("The debtor's assets or means (if known)"),
                  required=False, max_length=4000, area=True)


class Petition(colander.MappingSchema):
    """HTTT02: Đơn phản ánh, kiến nghị."""
    applicant = Applicant(title=_('Petitioner'))
    kind = choice(_('Kind of petition'), PETITION_KINDS, default='kien_nghi',
                  radio=True)
    co_petitioners = colander.SchemaNode(
        colander.Integer(), title=_('Number of people signing'),
        default=1, validator=colander.Range(1, 10000, min_err=_(
            'At least one person signs a petition.')),
        description=_('Yourself included.'))
    judgment = OptionalJudgment(title=_('Judgment or case concerned (if '
                                        'any)'))
    content = text(_('Content of the petition'), max_length=8000, area=True)
    earlier = text(_('Already sent to (if any)'), required=False,
                   max_length=2000, area=True,
                   description=_('Agencies or people you have already sent '
                                 'this petition to, and when.'))


class ResultConfirmation(colander.MappingSchema):
    """HTTT03: Đơn yêu cầu xác nhận kết quả thi hành án."""
    applicant = Applicant(title=_('Applicant'))
    role = choice(_('The applicant is the'), ROLES, default='debtor')
    judgment = Judgment(title=_('Judgment or decision'))
    decision = Decision(title=_('Enforcement decision'))
    content = text(_('What is to be confirmed'), max_length=4000, area=True,
                   description=_('For example: the amount paid, the '
                                 'obligations fulfilled.'))
    purpose = text(_('Purpose of the confirmation'), max_length=1000,
                   area=True)

    validator = staticmethod(_judgment_before_decision)


SCHEMAS = {'HTTT01': EnforcementRequest, 'HTTT02': Petition,
           'HTTT03': ResultConfirmation}


def declaration_validator(node, value):
    if not value:
        raise colander.Invalid(node, _('Tick the declaration to continue.'))


DECLARATION = _('I declare that the above statements are true and I take '
                'responsibility for them and for the services I requested.')


def application_schema(procedure, file_widget_factory=None, captcha=None):
    """The form of ``procedure``: its fields, the upload slots (widgets
    made by ``file_widget_factory``), ``captcha`` (a schema node, or None
    to leave it out) and the declaration."""
    schema = SCHEMAS[procedure]()
    if file_widget_factory is not None:
        files = colander.SchemaNode(
            colander.Mapping(), name='files', title=_('Attached documents'),
            description=_('pdf, jpg, png, doc, docx, xls or xlsx files.'))
        for name, title in FILE_SLOTS[procedure]:
            files.add(colander.SchemaNode(
                deform.FileData(), name=name, title=title, missing=None,
                widget=file_widget_factory()))
        schema.add(files)
    if captcha is not None:
        schema.add(captcha)
    schema.add(colander.SchemaNode(
        colander.Boolean(), name='declaration', title=_('Declaration'),
        label=DECLARATION, validator=declaration_validator,
        widget=deform.widget.CheckboxWidget()))
    return schema


def _label(values, key):
    return dict(values).get(key, key)


def _when(value):
    return value.strftime('%d/%m/%Y') if value else ''


def _applicant_rows(a):
    rows = [(_('Full name (or name of the organisation)'), a['full_name'])]
    if a['kind'] == 'organisation':
        rows.append((_('Representative'), ', '.join(
            v for v in (a['representative'], a['representative_position'])
            if v)))
    elif a.get('birth_date'):
        rows.append((_('Date of birth'), _when(a['birth_date'])))
    rows += [
        (_label(ID_TYPES, a['id_type']), a['id_number']),
        (_('Date and place of issue'),
         '%s, %s' % (_when(a['id_date']), a['id_place'])),
        (_('Address'), a['address']),
        (_('Phone'), a['phone']),
        (_('E-mail'), a['email']),
    ]
    return rows


def _judgment_rows(j):
    return [(_('Number'), j['number']), (_('Date'), _when(j['date'])),
            (_('Issued by'), j['issuer'])]


def application_sections(procedure, data):
    """The filled application as (heading, [(label, value)]) sections, in
    the order of the official template; labels are translation strings."""
    a = data['applicant']
    heading = _('Petitioner') if procedure == 'HTTT02' else _('Applicant')
    sections = [(heading, _applicant_rows(a))]
    if procedure == 'HTTT01':
        sections += [
            (None, [(_('The applicant is the'), _label(ROLES, data['role']))]),
            (_('Judgment creditor'), [(_('Full name'), data['creditor']['name']),
                                      (_('Address'),
                                       data['creditor']['address'])]),
            (_('Judgment debtor'), [(_('Full name'), data['debtor']['name']),
                                    (_('Address'), data['debtor']['address'])]),
            (_('Judgment or decision'), _judgment_rows(data['judgment'])),
            (None, [(_('What is to be enforced'), data['content']),
                    (_("The debtor's assets or means (if known)"),
                     data['assets'])]),
        ]
    elif procedure == 'HTTT02':
        sections += [
            (None, [(_('Kind of petition'),
                     _label(PETITION_KINDS, data['kind'])),
                    (_('Number of people signing'),
                     str(data['co_petitioners']))]),
        ]
        if data['judgment']['number']:
            sections.append((_('Judgment or case concerned (if any)'),
                             _judgment_rows(data['judgment'])))
        sections.append((None, [(_('Content of the petition'),
                                 data['content']),
                                (_('Already sent to (if any)'),
                                 data['earlier'])]))
    else:
        sections += [
            (None, [(_('The applicant is the'), _label(ROLES, data['role']))]),
            (_('Judgment or decision'), _judgment_rows(data['judgment'])),
            (_('Enforcement decision'), _judgment_rows(data['decision'])),
            (None, [(_('What is to be confirmed'), data['content']),
                    (_('Purpose of the confirmation'), data['purpose'])]),
        ]
    return sections
