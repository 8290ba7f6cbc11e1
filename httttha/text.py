"""Text as the indexes and searches see it: folded (no accents, lower
case) and cut into the words a dossier is found by.  Used by the catalog
and the services alike, so neither imports the other for it."""
import re
import unicodedata

from unidecode import unidecode


def fold(text):
    """Accent-folded, lower-case text: 'Nguyễn Văn Thành' -> 'nguyen van thanh'."""
    return unidecode(unicodedata.normalize('NFC', text or '')).lower()


def search_words(text):
    """The folded words of ``text`` under which a keyword finds it: each
    run of letters and digits, and each code joined by / or - whole
    ('20/BC-CTHADS' -> '20', 'bc', 'cthads', '20/bc-cthads').  A search
    looks up the same words of what the user typed."""
    folded = fold(text)
    words = set(re.findall(r'[0-9a-z]+', folded))
    words.update(re.findall(r'[0-9a-z]+(?:[/-][0-9a-z]+)+', folded))
    return sorted(words)


def applicant_words(applicant):
    """The folded words under which a dossier is found by its applicant:
    name and representative words, the phone's digits, the e-mail."""
    words = set(fold(' '.join(
        applicant.get(k) or '' for k in ('full_name', 'representative')
    )).split())
    phone = ''.join(ch for ch in applicant.get('phone') or '' if ch.isdigit())
    if phone:
        words.add(phone)
    if applicant.get('email'):
        words.add(fold(applicant['email']))
    return sorted(words)


def classification_words(dossier):
    """``dimension:value`` words of a petition's classification, for the
    catalog and the statistics."""
    found = dossier.classification or {}
    return sorted('%s:%s' % item for item in found.items() if item[1])


# -- file names ---------------------------------------------------------

FALLBACK_STEM = 'tep-dinh-kem'
MAX_NAME = 120

# Reserved in Windows/macOS file names or breaking a quoted HTTP header
# parameter (Content-Disposition: filename="...").
_UNSAFE = set('/\\:*?"<>|')
# Line and paragraph separators behave like newlines in headers and logs.
_BREAKING = {'Zl', 'Zp'}


def _safe_char(ch):
    if ch in _UNSAFE:
        return '_'
    if ch in '\t ':
        return ch            # collapsed with the other spaces below
    category = unicodedata.category(ch)
    # Cc: control characters, newlines included.  Cf: invisible format
    # characters, among them the right-to-left override used to disguise
    # "x\u202efdp.exe" as "xexe.pdf".  Cs: lone surrogates, not encodable.
    if category in ('Cc', 'Cf', 'Cs') or category in _BREAKING:
        return '_'
    return ch


def split_extension(name):
    """(stem, lower-case extension) - the extension is '' unless it looks
    like one, so 'Quyết định số 5. Bản sao' keeps its words."""
    stem, dot, ext = name.rpartition('.')
    if dot and ext and len(ext) <= 10 and ext.isascii() and ext.isalnum():
        return stem, ext.lower()
    return name, ''


def clean_filename(name):
    """A file name that is safe to store, show and send back in a header.

    Keeps Vietnamese letters; drops any directory part (browsers on Windows
    send 'C:\\fakepath\\x.pdf'); replaces line breaks, control characters
    and the characters / \\ : * ? " < > | with '_'; collapses whitespace;
    caps the length at 120 characters without losing the extension, which
    is lower-cased.  A name with nothing left becomes 'tep-dinh-kem'.
    """
    name = unicodedata.normalize('NFC', name or '')
    name = re.split(r'[\\/]', name)[-1]
    name = ''.join(_safe_char(ch) for ch in name)
    name = re.sub(r'\s+', ' ', name)
    # Windows drops trailing dots and spaces itself; strip them before
    # looking for the extension so 'x.pdf.' still counts as a pdf.
    name = name.rstrip(' .')
    stem, ext = split_extension(name)
    stem = stem.strip(' .') or FALLBACK_STEM
    suffix = '.' + ext if ext else ''
    stem = stem[:MAX_NAME - len(suffix)].rstrip(' .') or FALLBACK_STEM
    return stem + suffix


def free_filename(filename, taken):
    """``clean_filename(filename)``, numbered (``x-2.pdf``, ``x-3.pdf``…)
    until ``taken(name)`` is false: a folder's name for a new file."""
    name = base = clean_filename(filename)
    number = 1
    while taken(name):
        number += 1
        stem, dot, ext = base.rpartition('.')
        name = '%s-%d.%s' % (stem, number, ext) if dot else '%s-%d' % (
            base, number)
    return name
