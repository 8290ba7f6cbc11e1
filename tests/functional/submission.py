"""Helpers to walk the submission wizard through WebTest."""
import io
import re

import transaction
from PIL import Image
from pyramid.scripting import prepare
from pyramid.security import remember
from substanced.db import root_factory
from substanced.util import get_oid
from webtest import Upload

from httttha.services.intake import captcha
from httttha.workflows.dossier import act
from httttha.services.intake.scratch import ensure_scratch

from ..conftest import open_root

CUC_HN, BA_DINH = '01', '001'


def pdf_bytes(text='Bản án số 12/2024/DS-ST', pad=0):
    from reportlab.pdfgen.canvas import Canvas
    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 720, text.encode('ascii', 'ignore').decode())
    canvas.save()
    return out.getvalue() + b'%' * pad


def png_bytes():
    out = io.BytesIO()
    Image.new('RGB', (40, 20), 'white').save(out, 'PNG')
    return out.getvalue()


PERSON = {
    'applicant.kind': 'person',
    'applicant.full_name': 'Nguyễn Thị Hương',
    'applicant.birth_date': '12/05/1980',
    'applicant.id_type': 'cccd',
    'applicant.id_number': '001180012345',
    'applicant.id_date': '01/07/2021',
    'applicant.id_place': 'Cục Cảnh sát QLHC về TTXH',
    'applicant.address': '12 phố Đội Cấn, phường Đội Cấn, quận Ba Đình, Hà Nội',
    'applicant.phone': '0912 345 678',
    'applicant.email': 'huong@example.com',
}

JUDGMENT = {
    'judgment.number': '12/2024/DS-ST',
    'judgment.date': '15/03/2024',
    'judgment.issuer': 'Tòa án nhân dân quận Ba Đình',
}

VALUES = {
    'HTTT01': dict(PERSON, **JUDGMENT, **{
        'role': 'creditor',
        'creditor.name': 'Nguyễn Thị Hương',
        'creditor.address': '12 phố Đội Cấn, Ba Đình, Hà Nội',
        'debtor.name': 'Trần Văn Bình',
        'debtor.address': '45 Kim Mã, Ba Đình, Hà Nội',
        'content': 'Buộc ông Trần Văn Bình trả 150.000.000 đồng.',
        'assets': 'Căn hộ 45 Kim Mã.',
    }),
    'HTTT02': dict(PERSON, **{
        'kind': 'kien_nghi',
        'co_petitioners': '3',
        'content': 'Kiến nghị xem xét việc chậm thi hành bản án số 12.',
        'earlier': 'Chi cục THADS quận Ba Đình, tháng 5/2024',
    }),
    'HTTT03': dict(PERSON, **JUDGMENT, **{
        'role': 'debtor',
        'decision.number': '345/QĐ-CCTHADS',
        'decision.date': '02/04/2024',
        'decision.issuer': 'Chi cục THADS quận Ba Đình',
        'content': 'Đã nộp đủ 150.000.000 đồng theo bản án.',
        'purpose': 'Bổ sung hồ sơ vay vốn ngân hàng.',
    }),
}

FIRST_SLOT = {'HTTT01': 'judgment', 'HTTT02': 'other_1',
              'HTTT03': 'judgment'}


def fields_by_path(form):
    """Deform (peppercorn) forms repeat names; give each field its path,
    e.g. ``applicant.full_name`` or ``files.judgment.upload``."""
    stack, result = [], {}
    for name, field in form.field_order:
        if name == '__start__':
            stack.append(tuple(field.value.split(':')))
        elif name == '__end__':
            stack.pop()
        else:
            path = [n for n, kind in stack if kind != 'rename']
            # radio buttons are named by their id inside a "rename" group
            path.append(stack[-1][0] if stack and stack[-1][1] == 'rename'
                        else name)
            result.setdefault('.'.join(path), []).append(field)
    return result


def fill(form, values):
    fields = fields_by_path(form)
    for path, value in values.items():
        found = fields[path]
        if isinstance(value, bool):
            found[0].checked = value
        elif len(found) > 1:      # radio buttons share one name
            for radio in found:
                radio.value = value
        else:
            found[0].value = value
    return form


def captcha_answer(app, page):
    """Read the answer of the challenge shown on ``page`` from the store
    (what a person reads off the picture)."""
    token = fields_by_path(page.forms['application'])['captcha.token'][0].value
    root, closer = open_root(app)
    try:
        return captcha.answer_for(ensure_scratch(root).captchas, token)
    finally:
        closer()


def open_form(app, procedure, agency=BA_DINH):
    page = app.get('/ho-tro-truc-tuyen', params={'co-quan': agency})
    return page.click(href=re.compile('thu-tuc=%s' % procedure))


def errors(page):
    return [p.get_text().strip() for p in page.html.select('.error-msg')]


def submit_dossier(app, procedure='HTTT01', agency=BA_DINH, values=None,
                   files=None):
    """Walk the wizard (the app must run without CAPTCHA) and return the
    new dossier's code.  ``files``: {slot: (filename, bytes)}."""
    form = open_form(app, procedure, agency).forms['application']
    fill(form, dict(VALUES[procedure], **(values or {})))
    for slot, (name, body) in (files or {}).items():
        fill(form, {'files.%s.upload' % slot: Upload(name, body)})
    fill(form, {'declaration': True})
    page = form.submit('continue')
    assert page.status_int == 302, errors(page)
    result = page.follow().forms[0].submit('confirm').follow()
    return result.html.select_one('#code').get_text()


def find_dossier(root, code):
    from httttha.services.intake.lookup import dossier_by_code
    return dossier_by_code(root, code)


def staff_act(app, login, code, transition, **details):
    """Perform ``transition`` on dossier ``code`` as the staff user
    ``login`` (a real auth ticket read by the app's own policies) and
    commit; what the back office does."""
    env = prepare(registry=app.app.registry)
    request = env['request']
    root = request.root = request.context = root_factory(request)
    user = root['principals']['users'][login]
    cookies = [value.split(';')[0] for name, value in
               remember(request, get_oid(user)) if name == 'Set-Cookie']
    request.environ['HTTP_COOKIE'] = '; '.join(cookies)
    try:
        entry = act(request, find_dossier(root, code), transition,
                    **details)
        transaction.commit()
        return entry
    finally:
        transaction.abort()
        request._process_finished_callbacks()
        env['closer']()
