"""The case-management connector over real HTTP on loopback, the payload
and its OpenAPI description, the queue's rules, and the decision schema,
without the application."""
import datetime
import hashlib
import io
import json
import os
import random
import threading

import colander
import pytest
import yaml
from persistent.mapping import PersistentMapping
from pyramid import testing
from substanced.file import File
from substanced.folder import Folder

from httttha.content.dossier import EnforcementRequestDossier
from httttha.services.backoffice import casemanagement as cm
from httttha.services.backoffice.casemanagement import (
    HandoverFailed,
    HttpCaseManagement,
    ICaseManagement,
    NotConfigured,
)

PROJECT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))
OPENAPI = os.path.join(PROJECT, 'docs', 'case-management.openapi.yaml')
CODE = 'K7Q-4M2-XD9'




PAYLOAD = {'code': CODE, 'declared': {'applicant': {
    'full_name': 'Nguyễn Thị Hương'}}}


# the HTTP connector

def test_posts_json_with_token_and_idempotency_key(receiver):
    connector = HttpCaseManagement(receiver.url, 'bi-mat', timeout=5)
    assert ICaseManagement.providedBy(connector)
    assert connector.send(PAYLOAD) == {'ma_thu_ly': 'TL-2024-001'}
    (request,) = receiver.requests
    assert request['method'] == 'POST'
    assert request['path'] == '/tiep-nhan'
    headers = request['headers']
    assert headers['Authorization'] == 'Bearer bi-mat'
    assert headers['Idempotency-Key'] == CODE
    assert headers['Content-Type'] == 'application/json; charset=utf-8'
    # UTF-8, not \u escapes
    assert 'Nguyễn Thị Hương'.encode('utf-8') in request['body']
    assert receiver.json() == PAYLOAD


def test_any_2xx_is_success(receiver):
    connector = HttpCaseManagement(receiver.url, 't')
    receiver.status, receiver.body = 204, b''
    assert connector.send(PAYLOAD) == {}
    receiver.status, receiver.body = 201, b'OK'
    assert connector.send(PAYLOAD) == {'raw': 'OK'}
    receiver.status, receiver.body = 200, b'[1, 2]'
    assert connector.send(PAYLOAD) == {'reply': [1, 2]}


def test_refusal_fails_with_status_and_detail(receiver):
    connector = HttpCaseManagement(receiver.url, 't')
    receiver.status = 422
    receiver.reply = {'loi': 'Thiếu số bản án'}
    with pytest.raises(HandoverFailed) as info:
        connector.send(PAYLOAD)
    assert info.value.status == 422
    assert not info.value.unreachable
    assert '422' in str(info.value)
    assert 'Thiếu số bản án' in str(info.value)

    receiver.status = 503
    with pytest.raises(HandoverFailed) as info:
        connector.send(PAYLOAD)
    assert info.value.status == 503


def test_redirect_is_a_refusal_and_not_followed(receiver):
    connector = HttpCaseManagement(receiver.url, 't')
    receiver.status = 302
    receiver.headers = {'Location': receiver.url + '/khac'}
    with pytest.raises(HandoverFailed) as info:
        connector.send(PAYLOAD)
    assert info.value.status == 302
    # one POST, no GET of the other address (nor the token sent there)
    assert [r['method'] for r in receiver.requests] == ['POST']


def test_closed_port_is_unreachable(closed_port):
    connector = HttpCaseManagement('http://127.0.0.1:%d/' % closed_port, 't')
    with pytest.raises(HandoverFailed) as info:
        connector.send(PAYLOAD)
    assert info.value.unreachable
    assert 'refused' in str(info.value).lower()


def test_slow_receiver_times_out(receiver):
    receiver.gate = threading.Event()     # answers only when released
    connector = HttpCaseManagement(receiver.url, 't', timeout=30)
    with pytest.raises(HandoverFailed) as info:
        connector.send(PAYLOAD, timeout=0.3)   # the per-attempt timeout wins
    assert info.value.unreachable
    assert 'timed out' in str(info.value)
    receiver.gate.set()
    assert receiver.received.is_set()


def test_only_http_urls():
    with pytest.raises(ValueError):
        HttpCaseManagement('file:///etc/passwd', 't')


def test_settings_choose_the_connector():
    connector = cm.from_settings({
        'httttha.case_management_url': 'https://tha.example.invalid/api',
        'httttha.case_management_token': 'x',
        'httttha.case_management_timeout': '7'})
    assert isinstance(connector, HttpCaseManagement)
    assert connector.timeout == 7
    # no URL, or no token: nothing is sent, and it says what happens (the
    # administrator's screen names the settings: cm.admin_notes)
    for settings in ({}, {'httttha.case_management_url':
                          'https://tha.example.invalid/api'}):
        connector = cm.from_settings(settings)
        assert isinstance(connector, NotConfigured)
        with pytest.raises(HandoverFailed) as info:
            connector.send(PAYLOAD)
        assert info.value.reason == cm.NOT_CONFIGURED
        assert info.value.unreachable


def test_includeme_registers_the_connector():
    config = testing.setUp(settings={
        'httttha.case_management_url': 'http://127.0.0.1:9/x',
        'httttha.case_management_token': 'x'})
    try:
        config.include('httttha.services.backoffice.casemanagement')
        config.commit()
        utility = config.registry.getUtility(ICaseManagement)
        assert isinstance(utility, HttpCaseManagement)
        assert cm.case_management(config.registry) is utility
    finally:
        testing.tearDown()
    config = testing.setUp(settings={})
    try:
        # not included (a script): built from the settings
        assert isinstance(cm.case_management(config.registry),
                          NotConfigured)
    finally:
        testing.tearDown()


def test_tokens_compare_only_when_configured():
    assert cm.tokens_match('abc', 'abc')
    assert not cm.tokens_match('abd', 'abc')
    assert not cm.tokens_match('', '')
    assert not cm.tokens_match('', None)
    assert cm.tokens_match('mã-đúng', 'mã-đúng')


# the payload, on a dossier made in memory

class Agency(Folder):
    code = '001'
    title = 'Chi cục Thi hành án dân sự quận Ba Đình'


DECLARED = {
    'applicant': {
        'kind': 'person', 'full_name': 'Nguyễn Thị Hương',
        'birth_date': datetime.date(1980, 5, 12), 'representative': '',
        'representative_position': '', 'id_type': 'cccd',
        'id_number': '001180012345', 'id_date': datetime.date(2021, 7, 1),
        'id_place': 'Cục Cảnh sát QLHC về TTXH',
        'address': '12 phố Đội Cấn, Ba Đình, Hà Nội',
        'phone': '0912 345 678', 'email': 'huong@example.com'},
    'role': 'creditor',
    'creditor': {'name': 'Nguyễn Thị Hương', 'address': '12 Đội Cấn'},
    'debtor': {'name': 'Trần Văn Bình', 'address': '45 Kim Mã'},
    'judgment': {'number': '12/2024/DS-ST',
                 'date': datetime.date(2024, 3, 15),
                 'issuer': 'Tòa án nhân dân quận Ba Đình'},
    'content': 'Buộc ông Trần Văn Bình trả 150.000.000 đồng.',
    'assets': 'Căn hộ 45 Kim Mã.',
    'files': {'judgment': 'Bản án.pdf'},
}

PDF = b'%PDF-1.4 ban an so 12\n%%EOF\n'


class ObjectMap(object):
    def __init__(self):
        self.objects = {}

    def object_for(self, oid):
        return self.objects.get(oid)

    def add(self, *args, **kw):
        """Folder.add asks for oids: ours are set by hand."""


def make_dossier(root, oid, code=CODE, state='in_processing'):
    """An HTTT01 dossier in an agency's ho-so folder, in memory."""
    if 'thads' not in root:
        agency = Agency()
        root.add('thads', agency, send_events=False)
        agency.add('ho-so', Folder(), send_events=False)
    dossier = EnforcementRequestDossier(code=code, data=DECLARED)
    dossier.__oid__ = oid
    dossier.__workflow_state__ = {'dossier': state}
    root['thads']['ho-so'].add(code, dossier, send_events=False)
    f = File(io.BytesIO(PDF), 'application/pdf', 'Bản án.pdf')
    f.is_attachment, f.slot = True, 'judgment'
    dossier.add('ban-an.pdf', f, send_events=False)
    dossier.record('accept', who='hotro.bd', state='accepted',
                   appointment={'date': datetime.date(2024, 4, 2),
                                'time': '08:00',
                                'place': 'Bộ phận một cửa',
                                'officer': 'Lê Văn An',
                                'contact': '024 3845 1234'})
    dossier.record('receive_originals', who='hotro.bd', note='Đủ bản chính',
                   state='originals_received', checklist=[
                       {'label': 'Bản án số 12/2024/DS-ST', 'matched': True,
                        'note': ''}])
    dossier.record('transfer', who='hotro.bd', state='in_processing')
    root.__objectmap__.objects[oid] = dossier
    return dossier


@pytest.fixture
def env():
    testing.setUp(settings={'pyramid.default_locale_name': 'vi',
                            'httttha.public_url': 'https://thads.example.com'})
    root = Folder()
    root.__objectmap__ = ObjectMap()
    request = testing.DummyRequest(root=root)
    # links never follow the Host header (issue 13)
    request.application_url = 'https://evil.example'
    try:
        yield request, root
    finally:
        testing.tearDown()


def test_payload(env):
    request, root = env
    dossier = make_dossier(root, 101)
    payload = cm.handover_payload(request, dossier)
    json.dumps(payload)                       # JSON-able as it is
    assert payload['schema_version'] == 1
    assert payload['code'] == CODE
    assert payload['procedure'] == 'HTTT01'
    assert payload['agency'] == {'code': '001', 'title': Agency.title}
    assert payload['channel'] == 'online'
    assert payload['submitted'] == dossier.submitted.isoformat()
    assert payload['declared']['applicant']['birth_date'] == '1980-05-12'
    assert payload['declared']['judgment']['date'] == '2024-03-15'
    assert payload['declared']['applicant']['id_number'] == '001180012345'
    assert payload['appointment']['date'] == '2024-04-02'
    assert payload['appointment']['place'] == 'Bộ phận một cửa'
    assert payload['originals']['received_by'] == 'hotro.bd'
    assert payload['originals']['note'] == 'Đủ bản chính'
    assert payload['originals']['checklist'] == [
        {'label': 'Bản án số 12/2024/DS-ST', 'matched': True, 'note': ''}]
    assert payload['transfer']['transferred_by'] == 'hotro.bd'
    (attachment,) = payload['attachments']
    base = 'https://thads.example.com/api/v1/ho-so/%s' % CODE
    assert attachment == {
        'name': 'ban-an.pdf', 'slot': 'judgment', 'filename': 'Bản án.pdf',
        'mimetype': 'application/pdf', 'size': len(PDF),
        'sha256': hashlib.sha256(PDF).hexdigest(),
        'url': base + '/tep/ban-an.pdf'}
    assert payload['decision_url'] == base + '/quyet-dinh'

    # the configured public URL wins (the receiver may reach us elsewhere)
    request.registry.settings['httttha.case_management_public_url'] = \
        'https://noi-bo.example.com/'
    assert cm.handover_payload(request, dossier)['decision_url'] == \
        'https://noi-bo.example.com/api/v1/ho-so/%s/quyet-dinh' % CODE


def _resolve(spec, schema):
    while '$ref' in schema:
        target = spec
        for part in schema['$ref'].lstrip('#/').split('/'):
            target = target[part]
        schema = dict(target, **{k: v for k, v in schema.items()
                                 if k != '$ref'})
    for variant in schema.get('oneOf', ()):
        if variant.get('type') == 'object':
            return _resolve(spec, variant)
    return schema


def _undocumented(spec, schema, value, path=''):
    """Paths of the keys of ``value`` its schema does not name."""
    schema = _resolve(spec, schema)
    missing = []
    if isinstance(value, dict):
        properties = schema.get('properties')
        for key, item in value.items():
            if properties is not None and key in properties:
                missing += _undocumented(spec, properties[key], item,
                                         path + key + '.')
            elif properties is None and isinstance(
                    schema.get('additionalProperties'), dict):
                # a map (upload slot -> file name): keys are data
                missing += _undocumented(
                    spec, schema['additionalProperties'], item,
                    path + key + '.')
            else:
                missing.append(path + key)
    elif isinstance(value, list):
        for item in value:
            missing += _undocumented(spec, schema.get('items', {}), item,
                                     path + '[].')
    return missing


def test_openapi_names_every_payload_key(env):
    with open(OPENAPI, encoding='utf-8') as f:
        spec = yaml.safe_load(f)
    assert spec['openapi'].startswith('3.1')
    request, root = env
    payload = cm.handover_payload(request, make_dossier(root, 101))
    webhook = spec['webhooks']['handover']['post']
    schema = webhook['requestBody']['content']['application/json']['schema']
    assert _undocumented(spec, schema, payload) == []
    assert set(_resolve(spec, schema)['required']) == set(payload)
    headers = {p['name'] for p in webhook['parameters']}
    assert 'Idempotency-Key' in headers
    assert spec['components']['securitySchemes']['inboundToken'][
        'scheme'] == 'bearer'
    paths = spec['paths']
    assert 'post' in paths['/api/v1/ho-so/{code}/quyet-dinh']
    assert 'get' in paths['/api/v1/ho-so/{code}/tep/{name}']
    decision = _resolve(spec, paths['/api/v1/ho-so/{code}/quyet-dinh'][
        'post']['requestBody']['content']['application/json']['schema'])
    from httttha.views.api.casemanagement import DecisionSchema
    assert set(decision['properties']) == {
        node.name for node in DecisionSchema().children}


# the queue, with a fake connector

class Fake(object):
    """A connector that answers from a script of outcomes."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.sent = []

    def send(self, payload, timeout=None):
        self.sent.append((payload['code'], timeout))
        outcome = self.outcomes.pop(0) if self.outcomes else {'ok': True}
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


def _queue(request, root, *codes):
    dossiers = []
    for oid, code in enumerate(codes, 1):
        dossier = make_dossier(root, oid, code)
        dossier.handover = PersistentMapping(
            state='pending', attempts=0, last_error=None,
            requested_at=None, sent_at=None, reply=None)
        cm.pending_set(root, create=True).add(oid)
        dossiers.append(dossier)
    return dossiers


def test_request_handover_sends_at_once(env):
    request, root = env
    fake = Fake({'ma_thu_ly': 'TL-1'})
    request.registry.registerUtility(fake, ICaseManagement)
    dossier = make_dossier(root, 7)
    handover = cm.request_handover(request, dossier)
    assert fake.sent == [(CODE, 3.0)]       # the short timeout
    assert handover['state'] == 'sent'
    assert handover['reply'] == {'ma_thu_ly': 'TL-1'}
    assert handover['base_url'] == 'https://thads.example.com'
    assert cm.handover_state(dossier) == 'sent'
    assert list(cm.pending_set(root)) == []
    entry = dossier.timeline[-1]
    assert entry['action'] == 'handover_sent' and entry['message']
    # never twice
    cm.request_handover(request, dossier)
    assert cm.deliver(request, dossier) is True
    assert len(fake.sent) == 1
    assert [e['action'] for e in dossier.timeline].count('handover_sent') == 1


def test_no_attempt_during_the_request_when_asked(env):
    request, root = env
    request.registry.settings['httttha.case_management_quick_timeout'] = '0'
    fake = Fake()
    request.registry.registerUtility(fake, ICaseManagement)
    dossier = make_dossier(root, 7)
    assert cm.request_handover(request, dossier)['state'] == 'pending'
    assert fake.sent == []
    assert cm.deliver_pending(request).sent == 1
    assert fake.sent == [(CODE, None)]      # the connector's own timeout


def test_only_transferred_dossiers_are_handed_over(env):
    request, root = env
    dossier = make_dossier(root, 7, state='originals_received')
    with pytest.raises(ValueError):
        cm.request_handover(request, dossier)
    assert getattr(dossier, 'handover', None) is None


def test_failures_stay_pending(env, caplog):
    request, root = env
    fake = Fake(HandoverFailed('HTTP 503', status=503),
                KeyError('bug'))
    request.registry.registerUtility(fake, ICaseManagement)
    dossier = make_dossier(root, 7)
    cm.request_handover(request, dossier)
    handover = dossier.handover
    assert handover['state'] == 'pending'
    assert handover['attempts'] == 1
    assert handover['last_error'] == 'HTTP 503'
    assert list(cm.pending_set(root)) == [7]
    assert 'K7Q-4M2-XD9' in caplog.text
    # a bug in the connector is a failure too: kept, logged
    assert cm.deliver(request, dossier) is False
    assert handover['attempts'] == 2
    assert 'KeyError' in handover['last_error']
    assert cm.deliver_pending(request).sent == 1
    assert handover['state'] == 'sent' and handover['attempts'] == 3
    assert handover['last_error'] is None
    assert cm.pending_count(root) == 0


def test_round_stops_when_the_receiver_is_down(env):
    request, root = env
    codes = ['AAA-AAA-AA%d' % i for i in range(5)]
    _queue(request, root, *codes)
    down = HandoverFailed('refused')
    fake = Fake(*[down] * 5)
    request.registry.registerUtility(fake, ICaseManagement)
    done = cm.deliver_pending(request)
    assert (done.sent, done.failed, done.stopped) == (0, 3, True)
    assert len(fake.sent) == 3
    assert cm.pending_count(root) == 5


def test_refusals_do_not_stop_the_round(env):
    request, root = env
    _queue(request, root, 'AAA-AAA-AA1', 'AAA-AAA-AA2', 'AAA-AAA-AA3',
           'AAA-AAA-AA4')
    refused = HandoverFailed('422', status=422)
    fake = Fake(refused, refused, refused, {'ok': 1})
    request.registry.registerUtility(fake, ICaseManagement)
    done = cm.deliver_pending(request)
    assert (done.sent, done.failed, done.stopped) == (1, 3, False)
    assert cm.pending_count(root) == 3


def test_round_limit_and_commit(env):
    request, root = env
    dossiers = _queue(request, root, 'AAA-AAA-AA1', 'AAA-AAA-AA2',
                      'AAA-AAA-AA3')
    fake = Fake()
    request.registry.registerUtility(fake, ICaseManagement)
    commits = []
    done = cm.deliver_pending(request, limit=2,
                              commit=lambda: commits.append(1))
    assert done.sent == 2 and len(commits) == 2
    assert cm.pending_count(root) == 1
    # a commit that could not keep the change: not counted as sent
    done = cm.deliver_pending(request, commit=lambda: False)
    assert (done.sent, done.failed) == (0, 1)
    # a dossier gone, or sent meanwhile, leaves the queue
    cm.pending_set(root).add(999)
    dossiers[0].handover['state'] = 'sent'
    cm.pending_set(root).add(1)
    done = cm.deliver_pending(request)
    assert done.dropped >= 1 and cm.pending_count(root) == 0
    assert len(fake.sent) == 3


def test_every_pending_dossier_gets_its_turn(env, monkeypatch):
    """Dossiers that keep failing cannot hold the others back: each round
    starts at a random point of the queue."""
    monkeypatch.setattr(cm, 'random', random.Random(2024))
    request, root = env
    _queue(request, root, *['AAA-AAA-A%02d' % i for i in range(10)])
    request.registry.registerUtility(
        Fake(*[HandoverFailed('no', status=400)] * 1000), ICaseManagement)
    for _round in range(30):
        cm.deliver_pending(request, limit=2)
    attempts = [root.__objectmap__.object_for(oid).handover['attempts']
                for oid in cm.pending_set(root)]
    assert all(attempts)


def test_store_decision_is_idempotent(env):
    request, root = env
    dossier = make_dossier(root, 7)
    day = datetime.date(2024, 4, 2)
    assert cm.store_decision(request, dossier, '345/QĐ-CCTHADS', day) == \
        'stored'
    assert dossier.decision['date'] == day
    entry = dossier.timeline[-1]
    assert entry['action'] == 'decision_received'
    assert '345/QĐ-CCTHADS' in entry['message']
    assert '02/04/2024' in entry['message']
    assert cm.store_decision(request, dossier, '345/QĐ-CCTHADS', day,
                             'ghi chú') == 'unchanged'
    assert dossier.decision['note'] == 'ghi chú'
    assert cm.store_decision(request, dossier, '346/QĐ-CCTHADS', day) == \
        'updated'
    actions = [e['action'] for e in dossier.timeline]
    assert actions.count('decision_received') == 2


# the inbound schema

def test_decision_schema():
    from httttha.views.api.casemanagement import DecisionSchema
    schema = DecisionSchema()
    values = schema.deserialize({'so_quyet_dinh': ' 345/QĐ-CCTHADS ',
                                 'ngay_quyet_dinh': '2024-04-02'})
    assert values == {'so_quyet_dinh': '345/QĐ-CCTHADS',
                      'ngay_quyet_dinh': datetime.date(2024, 4, 2),
                      'ghi_chu': ''}
    for wrong in ({'so_quyet_dinh': 'x', 'ngay_quyet_dinh': '02/04/2024'},
                  {'so_quyet_dinh': 'x', 'ngay_quyet_dinh': '2024-02-30'},
                  {'so_quyet_dinh': 'x',
                   'ngay_quyet_dinh': '2024-04-02T10:00:00'},
                  {'so_quyet_dinh': 'x', 'ngay_quyet_dinh': '2999-01-01'},
                  {'so_quyet_dinh': 345, 'ngay_quyet_dinh': '2024-04-02'},
                  {'so_quyet_dinh': '  ', 'ngay_quyet_dinh': '2024-04-02'},
                  {'ngay_quyet_dinh': '2024-04-02'}):
        with pytest.raises(colander.Invalid):
            schema.deserialize(wrong)
