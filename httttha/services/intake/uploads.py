"""Checking the files citizens attach to applications.

Only the types allowed by decision 11/QĐ-TCTHADS, Điều 7 are accepted, and
the bytes must agree with the extension: the extension alone is what staff
see and what decides which program opens the file, so a renamed file
(an .exe or .html called .pdf) must not get through.
"""
import zipfile

import magic

from ... import _
from ...text import clean_filename, split_extension

#: extension -> MIME types libmagic may report for a genuine file of that
#: kind.  The first one is the canonical type, returned by check_upload and
#: meant for serving the file back.  The order is the one the refusal
#: message lists them in.
ALLOWED = {
    'pdf': ('application/pdf',),
    'jpg': ('image/jpeg',),
    'jpeg': ('image/jpeg',),
    'png': ('image/png',),
    # Old Office files are OLE2 containers.  libmagic only names the
    # application when the OLE directory lies within the bytes it sees; a
    # real .doc/.xls usually keeps it further than the 8 KB we sniff, and
    # then libmagic only says "some OLE2 file".
    'doc': ('application/msword', 'application/CDFV2',
            'application/x-ole-storage', 'application/vnd.ms-office'),
    'docx': ('application/vnd.openxmlformats-officedocument'
             '.wordprocessingml.document',),
    'xls': ('application/vnd.ms-excel', 'application/CDFV2',
            'application/x-ole-storage', 'application/vnd.ms-office'),
    'xlsx': ('application/vnd.openxmlformats-officedocument'
             '.spreadsheetml.sheet',),
}

DEFAULT_MAX_FILE = 10 * 1024 * 1024
DEFAULT_MAX_TOTAL = 30 * 1024 * 1024

#: how much of the file libmagic gets: enough for every type above, and
#: bounded so a large upload is not read into memory just to sniff it.
SNIFF_BYTES = 8192

#: OOXML is a zip.  libmagic recognises it only when [Content_Types].xml is
#: the first member and word/ or xl/ follows within the sniffed bytes; files
#: written by other tools are reported as a plain zip (or not at all), so
#: for these we look at the zip's member list instead.
OOXML_FOLDERS = {'docx': 'word/', 'xlsx': 'xl/'}
ZIP_FALLBACK = ('application/zip', 'application/octet-stream')
ZIP_SIGNATURE = b'PK\x03\x04'

class UploadRejected(ValueError):
    """An attachment was refused.

    ``.msg`` is a TranslationString (domain 'httttha') with its mapping, to
    be shown to the citizen through ``request.localizer``; ``str(e)`` is the
    interpolated English default, for logs and tests.
    """

    def __init__(self, msg):
        self.msg = msg
        super().__init__(msg.interpolate())


def human_size(n):
    """Bytes as the citizen reads them: '10 MB', '512 KB', '1,5 MB'.

    Binary units (1 MB = 1024 KB) so the configured limits come out round;
    one decimal at most, written with the Vietnamese decimal comma.
    """
    units = ('B', 'KB', 'MB', 'GB', 'TB')
    value = float(n)
    unit = 0
    # compare the rounded value so 1023.96 KB shows as '1 MB', not '1024 KB'
    while unit < len(units) - 1 and round(value, 1) >= 1024:
        value /= 1024
        unit += 1
    if unit == 0:
        return '%d B' % n
    text = ('%.1f' % value).rstrip('0').rstrip('.')
    return '%s %s' % (text.replace('.', ','), units[unit])


def _is_ooxml(fp, ext):
    """True if fp is a zip holding an OOXML package of the kind ext names.

    Reads only the zip's central directory; nothing is extracted.
    """
    try:
        with zipfile.ZipFile(fp) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
            ValueError):
        return False
    folder = OOXML_FOLDERS[ext]
    return ('[Content_Types].xml' in names
            and any(n.startswith(folder) for n in names))


def _content_matches(fp, ext, head, sniffed):
    if sniffed in ALLOWED[ext]:
        return True
    if ext in OOXML_FOLDERS and sniffed in ZIP_FALLBACK:
        # zipfile finds a central directory anywhere in a file, so a zip
        # appended to some other file would pass: insist that the file
        # starts as a zip does.
        if not head.startswith(ZIP_SIGNATURE):
            return False
        fp.seek(0)
        return _is_ooxml(fp, ext)
    return False


def _extension_of(name):
    return split_extension(name)[1]


def check_upload(filename, fp, size=None, max_file=DEFAULT_MAX_FILE):
    """Check one attachment; return (clean file name, MIME type).

    ``fp`` must be a seekable binary file.  ``size`` is found by seeking to
    its end when not given.  The MIME type returned is the canonical one for
    the extension, so that e.g. a .docx libmagic only calls a zip is still
    served as a Word document.  Raises UploadRejected for an extension that
    is not allowed, an empty or too large file, or content that does not
    match the extension.  ``fp`` is left at position 0 in every case.
    """
    name = clean_filename(filename)
    ext = _extension_of(name)
    try:
        if ext not in ALLOWED:
            raise UploadRejected(_(
                'upload-type-not-allowed',
                default='The file ${name} cannot be attached: only ${types} '
                        'files are accepted.',
                mapping={'name': name, 'types': ', '.join(ALLOWED)}))
        if size is None:
            fp.seek(0, 2)
            size = fp.tell()
        if size <= 0:
            raise UploadRejected(_(
                'upload-empty', default='The file ${name} is empty.',
                mapping={'name': name}))
        if size > max_file:
            raise UploadRejected(_(
                'upload-too-big',
                default='The file ${name} is larger than ${limit}.',
                mapping={'name': name, 'limit': human_size(max_file)}))
        fp.seek(0)
        head = fp.read(SNIFF_BYTES)
        sniffed = magic.from_buffer(head, mime=True) if head else ''
        if not _content_matches(fp, ext, head, sniffed):
            raise UploadRejected(_(
                'upload-content-mismatch',
                default='The content of the file ${name} does not match its '
                        'extension .${ext}: the file may have been renamed '
                        'or damaged.',
                mapping={'name': name, 'ext': ext}))
        return name, ALLOWED[ext][0]
    finally:
        fp.seek(0)


def check_total(sizes, max_total=DEFAULT_MAX_TOTAL):
    """Refuse a set of attachments whose sizes add up to more than
    ``max_total`` bytes."""
    if sum(sizes) > max_total:
        raise UploadRejected(_(
            'upload-total-too-big',
            default='The attached files together are larger than ${limit}.',
            mapping={'limit': human_size(max_total)}))
