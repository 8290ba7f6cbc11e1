"""One-time CAPTCHA challenges with an image and a Vietnamese audio version.

A challenge is DIGITS random digits kept in a caller-owned persistent
mapping (`store`, e.g. an ``OOBTree``) as ``token -> (answer, expires_at)``
for TTL seconds. The page shows ``image_png`` and offers ``audio_wav`` (the
digits spoken in Vietnamese, from httttha/data/captcha-voice, built by
httttha/scripts/build_captcha_voices.py); ``verify`` consumes the challenge
whatever the outcome, so one answer can never be tried twice.

Token layout: ``'%010x' % int(expires_at)`` + ``'-'`` + ``token_urlsafe(18)``.
The fixed-width lowercase hex prefix makes the keys sort by expiry second,
so in a BTree the expired challenges are exactly the leftmost keys below
``'%010x' % int(now)`` and ``sweep`` reads only those, never the whole
store. The prefix only tells when the challenge expires; the 144 random
bits after it keep the token unguessable.
"""
import hmac
import itertools
import os
import secrets
import threading
import time

import httttha

DIGITS = 5   # answer length, digits only (easy to read and to hear)
TTL = 1800   # seconds a challenge lives

ALPHABET = '0123456789'
IMAGE_SIZE = (220, 70)
VOICE_DIR = os.path.join(os.path.dirname(httttha.__file__), 'data',
                         'captcha-voice')

_lock = threading.Lock()
_image = None
_audio = None


def _image_captcha():
    global _image
    if _image is None:
        with _lock:
            if _image is None:
                # imported here: Pillow and the fonts cost nothing until a
                # form actually shows a CAPTCHA
                from captcha.image import ImageCaptcha
                _image = ImageCaptcha(width=IMAGE_SIZE[0],
                                      height=IMAGE_SIZE[1])
    return _image


def _audio_captcha():
    global _audio
    if _audio is None:
        with _lock:
            if _audio is None:
                from captcha.audio import AudioCaptcha
                audio = AudioCaptcha(voicedir=VOICE_DIR)
                # load every voice now, under the lock: AudioCaptcha loads
                # lazily on first generate() and a second thread seeing a
                # half-filled cache would hit a KeyError
                audio.load()
                _audio = audio
    return _audio


def _now(now):
    return time.time() if now is None else now


def _live(store, token, now=None):
    """The answer of a known, unexpired challenge, else None."""
    if not isinstance(token, str):
        return None
    entry = store.get(token)
    if entry is None:
        return None
    answer, expires_at = entry
    if _now(now) >= expires_at:
        return None
    return answer


def new_challenge(store, now=None):
    """Create a challenge in `store` and return its url-safe token.

    The answer is DIGITS random digits; the challenge expires TTL seconds
    after `now` (default: the current time).
    """
    expires_at = float(_now(now) + TTL)
    answer = ''.join(secrets.choice(ALPHABET) for _ in range(DIGITS))
    token = '%010x-%s' % (int(expires_at), secrets.token_urlsafe(18))
    store[token] = (answer, expires_at)
    return token


def image_png(store, token):
    """PNG bytes showing the answer of `token`; None if unknown or expired.

    Every call draws a new picture of the same answer (the noise differs).
    Reads only, so showing a CAPTCHA writes nothing to the database.
    """
    answer = _live(store, token)
    if answer is None:
        return None
    return _image_captcha().generate(answer, format='png').getvalue()


def audio_wav(store, token):
    """WAV bytes (8 kHz, 8-bit mono) speaking the answer of `token` in
    Vietnamese, digit by digit; None if unknown or expired."""
    answer = _live(store, token)
    if answer is None:
        return None
    return bytes(_audio_captcha().generate(answer))


def verify(store, token, answer, now=None):
    """True if `answer` is the answer of the live challenge `token`.

    One-time: the challenge is removed whatever the outcome, so a wrong
    guess costs a new challenge. Whitespace anywhere in `answer` is ignored
    ("1 2 3 4 5" after listening is fine); nothing else is normalised.
    False for an unknown or expired token or a non-string answer.
    """
    if not isinstance(token, str):
        return False
    entry = store.pop(token, None)
    if entry is None or not isinstance(answer, str):
        return False
    expected, expires_at = entry
    if _now(now) >= expires_at:
        return False
    given = ''.join(answer.split())
    # bytes: compare_digest refuses non-ASCII str, and input is arbitrary
    return hmac.compare_digest(given.encode('utf-8'),
                               expected.encode('utf-8'))


def sweep(store, now=None, limit=200):
    """Remove up to `limit` expired challenges; return how many.

    Thanks to the expiry prefix of the tokens only the expired keys are
    read (``keys(max=...)`` on a BTree). Challenges expiring within the
    current second are left for the next sweep.
    """
    now = _now(now)
    bound = '%010x' % int(now)
    # every token of an earlier expiry second sorts below `bound` (and those
    # of this second above it: 'xxxxxxxxxx-...' > 'xxxxxxxxxx')
    try:
        candidates = store.keys(max=bound)
    except TypeError:
        # a mapping without key ranges (dict, PersistentMapping): full scan
        candidates = (k for k in list(store.keys()) if k < bound)
    keys = list(itertools.islice(candidates, limit))
    removed = 0
    for key in keys:
        entry = store.get(key)
        # the stored expiry has the last word, should a key not follow the
        # token layout
        if entry is not None and now >= entry[1]:
            del store[key]
            removed += 1
    return removed


def answer_for(store, token):
    """The stored answer of `token` or None; for tests and for the app's
    CAPTCHA-free test mode only, never for a citizen-facing response.

    It neither checks expiry nor consumes the challenge.
    """
    if not isinstance(token, str):
        return None
    entry = store.get(token)
    return None if entry is None else entry[0]
