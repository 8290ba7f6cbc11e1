"""The one-time image/audio CAPTCHA and its shipped Vietnamese voices."""
import io
import os
import re
import time
import wave

import pytest
from BTrees.OOBTree import OOBTree
from PIL import Image

from httttha.services.intake import captcha
from httttha.services.intake.captcha import (
    DIGITS,
    TTL,
    answer_for,
    audio_wav,
    image_png,
    new_challenge,
    sweep,
    verify,
)

NOW = 1_800_000_000.0


@pytest.fixture
def store():
    return OOBTree()


# the shipped voices -------------------------------------------------------

def _voice_files():
    for digit in '0123456789':
        folder = os.path.join(captcha.VOICE_DIR, digit)
        for name in sorted(os.listdir(folder)):
            yield digit, os.path.join(folder, name)


def test_every_digit_has_both_takes():
    for digit in '0123456789':
        names = sorted(os.listdir(os.path.join(captcha.VOICE_DIR, digit)))
        assert names == ['vi-slow.wav', 'vi.wav']


def test_voices_have_the_format_audiocaptcha_needs():
    # captcha.audio concatenates raw frames under its own 8 kHz / 8-bit /
    # mono header: any other format would play as noise
    frames = {}
    for digit, path in _voice_files():
        with wave.open(path, 'rb') as w:
            assert (w.getframerate(), w.getsampwidth(),
                    w.getnchannels()) == (8000, 1, 1)
            duration = w.getnframes() / w.getframerate()
            data = w.readframes(-1)
        # a spoken syllable, not a click nor a whole sentence
        assert 0.2 < duration < 1.0, (path, duration)
        # loud enough: 8-bit unsigned, silence is 128
        assert max(data) - min(data) > 150, path
        frames[path] = data
    # twenty different recordings
    assert len(set(frames.values())) == 20


def test_slow_take_is_longer():
    for digit in '0123456789':
        durations = {}
        for name in ('vi.wav', 'vi-slow.wav'):
            path = os.path.join(captcha.VOICE_DIR, digit, name)
            with wave.open(path, 'rb') as w:
                durations[name] = w.getnframes() / w.getframerate()
        assert durations['vi-slow.wav'] > durations['vi.wav']


# challenges ---------------------------------------------------------------

def test_new_challenge_token_and_stored_value(store):
    token = new_challenge(store, now=NOW)
    assert re.fullmatch(r'[0-9a-f]{10}-[A-Za-z0-9_-]{24}', token)
    assert int(token[:10], 16) == int(NOW + TTL)
    answer, expires_at = store[token]
    # plain picklable values only
    assert type(answer) is str and type(expires_at) is float
    assert re.fullmatch(r'[0-9]{%d}' % DIGITS, answer)
    assert expires_at == NOW + TTL
    assert answer_for(store, token) == answer


def test_tokens_are_unique(store):
    tokens = {new_challenge(store, now=NOW) for _ in range(50)}
    assert len(tokens) == 50 == len(store)


def test_image_is_a_png(store):
    token = new_challenge(store)
    data = image_png(store, token)
    assert data.startswith(b'\x89PNG\r\n\x1a\n')
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        assert im.format == 'PNG'
        assert im.size == captcha.IMAGE_SIZE


def test_audio_is_a_wav_longer_than_a_second(store):
    token = new_challenge(store)
    data = audio_wav(store, token)
    assert data[:4] == b'RIFF' and data[8:12] == b'WAVE'
    with wave.open(io.BytesIO(data), 'rb') as w:
        assert (w.getframerate(), w.getsampwidth(),
                w.getnchannels()) == (8000, 1, 1)
        assert w.getnframes() / w.getframerate() > 1.0


def test_rendering_does_not_change_or_consume_the_answer(store):
    token = new_challenge(store)
    answer = answer_for(store, token)
    assert image_png(store, token) and image_png(store, token)
    assert audio_wav(store, token)
    assert answer_for(store, token) == answer
    assert verify(store, token, answer)


def test_unknown_token(store):
    new_challenge(store)
    for token in ('0000000000-nope', '', None, 42):
        assert image_png(store, token) is None
        assert audio_wav(store, token) is None
        assert verify(store, token, '12345') is False
        assert answer_for(store, token) is None
    assert len(store) == 1


def test_expired_challenge_renders_nothing(store):
    token = new_challenge(store, now=time.time() - TTL - 1)
    assert image_png(store, token) is None
    assert audio_wav(store, token) is None


# verify -------------------------------------------------------------------

def test_right_answer_once(store):
    token = new_challenge(store, now=NOW)
    answer = answer_for(store, token)
    assert verify(store, token, answer, now=NOW + 1) is True
    assert token not in store
    assert verify(store, token, answer, now=NOW + 2) is False


def test_whitespace_is_ignored(store):
    token = new_challenge(store, now=NOW)
    spaced = ' ' + ' '.join(answer_for(store, token)) + '\t\n'
    assert verify(store, token, spaced, now=NOW) is True


def test_wrong_answer_consumes_the_challenge(store):
    token = new_challenge(store, now=NOW)
    answer = answer_for(store, token)
    wrong = ''.join(str((int(c) + 1) % 10) for c in answer)
    assert verify(store, token, wrong, now=NOW) is False
    assert token not in store
    assert verify(store, token, answer, now=NOW) is False


@pytest.mark.parametrize('given', [
    '', None, 12345, 'abcde', 'ｘｙｚ', '١٢٣٤٥'])
def test_junk_answers_are_false_and_consume(store, given):
    token = new_challenge(store, now=NOW)
    assert verify(store, token, given, now=NOW) is False
    assert token not in store


def test_prefix_or_longer_answer_is_false(store):
    for extra in ('', '0'):
        token = new_challenge(store, now=NOW)
        answer = answer_for(store, token)
        given = answer[:-1] if not extra else answer + extra
        assert verify(store, token, given, now=NOW) is False


def test_expired_challenge_is_false_and_removed(store):
    token = new_challenge(store, now=NOW)
    answer = answer_for(store, token)
    assert verify(store, token, answer, now=NOW + TTL) is False
    assert token not in store


def test_still_valid_just_before_expiry(store):
    token = new_challenge(store, now=NOW)
    answer = answer_for(store, token)
    assert verify(store, token, answer, now=NOW + TTL - 0.5) is True


# sweep --------------------------------------------------------------------

def test_sweep_removes_only_expired(store):
    old = [new_challenge(store, now=NOW - TTL - 100 - i) for i in range(5)]
    fresh = [new_challenge(store, now=NOW - i) for i in range(5)]
    assert sweep(store, now=NOW) == 5
    assert set(store.keys()) == set(fresh)
    assert not any(t in store for t in old)
    assert sweep(store, now=NOW) == 0


def test_sweep_respects_limit(store):
    for i in range(7):
        new_challenge(store, now=NOW - TTL - 10 - i)
    assert sweep(store, now=NOW, limit=3) == 3
    assert len(store) == 4
    assert sweep(store, now=NOW, limit=3) == 3
    assert sweep(store, now=NOW, limit=3) == 1
    assert len(store) == 0


def test_sweep_reads_only_the_expired_keys(store):
    for i in range(3):
        new_challenge(store, now=NOW - TTL - 10 - i)
    fresh = [new_challenge(store, now=NOW + i) for i in range(100)]
    seen = []

    class Spy(OOBTree):
        def get(self, key, default=None):
            seen.append(key)
            return super().get(key, default)

    spy = Spy(store)
    assert sweep(spy, now=NOW) == 3
    assert len(seen) == 3
    assert set(spy.keys()) == set(fresh)


def test_sweep_leaves_the_current_second_for_later(store):
    # expires at NOW + 0.5: expired at NOW + 0.9 but in the same second
    token = new_challenge(store, now=NOW + 0.5 - TTL)
    assert sweep(store, now=NOW + 0.9) == 0
    assert verify(store, token, answer_for(store, token),
                  now=NOW + 0.9) is False
    token = new_challenge(store, now=NOW + 0.5 - TTL)
    assert sweep(store, now=NOW + 1) == 1


def test_sweep_on_a_plain_mapping():
    store = {}
    old = new_challenge(store, now=NOW - TTL - 5)
    fresh = new_challenge(store, now=NOW)
    assert sweep(store, now=NOW) == 1
    assert list(store) == [fresh] and old not in store
