"""Build httttha/data/captcha-voice/, the Vietnamese digit voices of the
audio CAPTCHA (see httttha.services.intake.captcha).

For each digit 0-9 it speaks the Vietnamese word with espeak-ng (Northern
voice ``vi``) in two takes, ``vi.wav`` (normal speed) and ``vi-slow.wav``
(slower, slightly lower pitch); captcha.audio.AudioCaptcha picks one of the
files of a digit's folder at random for every digit it says. sox then turns
each take into what AudioCaptcha needs: it does not convert anything itself
but concatenates raw frames under its own fixed header, so every file must
be 8000 Hz, 8-bit unsigned PCM, mono. sox also trims espeak's leading and
trailing silence (AudioCaptcha adds its own random pauses) and normalises
the level (8-bit samples leave little headroom for a quiet voice).

espeak-ng and sox are needed only to re-run this one-off build, not by the
app, which ships the generated files as package data::

    apt-get install -y espeak-ng sox
    .venv/bin/python httttha/scripts/build_captcha_voices.py

The output is reproducible for a given espeak-ng / sox (dither is off).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUTPUT = os.path.join(os.path.dirname(HERE), 'data', 'captcha-voice')

WORDS = {
    '0': 'không',
    '1': 'một',
    '2': 'hai',
    '3': 'ba',
    '4': 'bốn',
    '5': 'năm',
    '6': 'sáu',
    '7': 'bảy',
    '8': 'tám',
    '9': 'chín',
}

#: file name -> espeak-ng options. Northern Vietnamese is the standard
#: broadcast accent; a second, slower take gives AudioCaptcha some variation
#: and helps listeners who need it slower.
TAKES = {
    'vi.wav': ['-v', 'vi', '-s', '140', '-p', '50'],
    'vi-slow.wav': ['-v', 'vi', '-s', '105', '-p', '40'],
}

#: the format captcha.audio hard-codes in its WAVE_HEADER
RATE, SAMPWIDTH, CHANNELS = 8000, 1, 1

#: sox effects: trim silence below 0.3 % at both ends (1 % cut the soft
#: start of "một"), keep 30 ms of air either side, normalise to -1 dBFS
EFFECTS = ['silence', '1', '0.01', '0.3%', 'reverse',
           'silence', '1', '0.01', '0.3%', 'reverse',
           'pad', '0.03', '0.03', 'norm', '-1']


def build_take(word, espeak_options, target, tmpdir):
    """Speak `word` with espeak-ng and convert it into `target`."""
    raw = os.path.join(tmpdir, 'raw.wav')
    subprocess.run(['espeak-ng'] + espeak_options + ['-w', raw, word],
                   check=True, stderr=subprocess.DEVNULL)
    # -D: no dither, so that the 16 -> 8 bit step is deterministic
    subprocess.run(['sox', '-D', raw,
                    '-r', str(RATE), '-c', str(CHANNELS), '-b', '8',
                    '-e', 'unsigned-integer', target] + EFFECTS,
                   check=True)
    check_take(target)


def check_take(path):
    """Refuse a file AudioCaptcha would misplay; return its duration."""
    with wave.open(path, 'rb') as w:
        fmt = (w.getframerate(), w.getsampwidth(), w.getnchannels())
        duration = w.getnframes() / w.getframerate()
    if fmt != (RATE, SAMPWIDTH, CHANNELS):
        raise SystemExit('%s: format %r, expected %r'
                         % (path, fmt, (RATE, SAMPWIDTH, CHANNELS)))
    if not 0.15 < duration < 1.5:
        raise SystemExit('%s: implausible duration %.3f s' % (path, duration))
    return duration


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    output = argv[0] if argv else DEFAULT_OUTPUT
    for tool in ('espeak-ng', 'sox'):
        if shutil.which(tool) is None:
            raise SystemExit('%s not found: apt-get install -y espeak-ng sox'
                             % tool)
    with tempfile.TemporaryDirectory() as tmpdir:
        for digit, word in sorted(WORDS.items()):
            folder = os.path.join(output, digit)
            os.makedirs(folder, exist_ok=True)
            # AudioCaptcha plays any .wav of the folder: drop stale takes
            for name in os.listdir(folder):
                if name.endswith('.wav') and name not in TAKES:
                    os.remove(os.path.join(folder, name))
            for name, options in TAKES.items():
                target = os.path.join(folder, name)
                build_take(word, options, target, tmpdir)
                print('%s %-6s %-12s %.3f s' % (digit, word, name,
                                                check_take(target)))


if __name__ == '__main__':
    main()
