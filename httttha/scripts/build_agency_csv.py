"""Build httttha/data/agencies.csv, the tree of enforcement agencies.

One Tổng cục THADS, one Cục THADS per province (63) and one Chi cục THADS
per district-level unit, named after the administrative divisions of the
PyPI package vietnam-provinces 0.6.0 (data version 2025-01-04: 63
provinces, 696 districts). That package is not a dependency of the app;
re-run the script in a throwaway virtualenv::

    python3 -m venv /tmp/vp
    /tmp/vp/bin/pip install vietnam-provinces==0.6.0
    /tmp/vp/bin/python httttha/scripts/build_agency_csv.py \\
        httttha/data/agencies.csv
"""
import csv
import json
import re
import sys
import unicodedata

import vietnam_provinces

PACKAGE_VERSION = '0.6.0'
DATA_VERSION = '2025-01-04'

COLUMNS = ('code', 'parent_code', 'kind', 'name', 'title', 'short_name',
           'address', 'phone', 'email', 'working_hours', 'head_title',
           'head_name')

WORKING_HOURS = ('Sáng 7h30 - 11h30, chiều 13h30 - 17h00 '
                 'từ thứ Hai đến thứ Sáu')

#: island districts (by district code) that have no district people's court
#: and hence no Chi cục THADS
EXCLUDED_DISTRICTS = {
    318: 'Huyện Bạch Long Vĩ',  # Hải Phòng
    471: 'Huyện Cồn Cỏ',  # Quảng Trị
    498: 'Huyện Hoàng Sa',  # Đà Nẵng
    576: 'Huyện Trường Sa',  # Khánh Hòa
}

PROVINCE_TYPES = ('Tỉnh', 'Thành phố')
#: district type word -> (abbreviation for short names, slug for urls)
DISTRICT_TYPES = {
    'Quận': ('Q.', 'quan'),
    'Huyện': ('H.', 'huyen'),
    'Thị xã': ('TX.', 'thi-xa'),
    'Thành phố': ('TP.', 'thanh-pho'),
}

# The package mixes tone placements ("Hoà Bình" but "Khánh Hòa"); official
# names put the tone on the first vowel of an open "oa", "oe" or "uy"
# ("Hòa", "Thủy"). "qu" + "y" ("Quỳnh", "Quý") is not such a pair.
_TONE_MOVES = dict(zip(
    'oà oá oả oã oạ oè oé oẻ oẽ oẹ uỳ uý uỷ uỹ uỵ'.split(),
    'òa óa ỏa õa ọa òe óe ỏe õe ọe ùy úy ủy ũy ụy'.split()))
_NEW_STYLE = re.compile(r'(?<![qQ])(%s)(?!\w)' % '|'.join(_TONE_MOVES))


def clean(text):
    """NFC text with the official tone placement."""
    text = unicodedata.normalize('NFC', text)
    return _NEW_STYLE.sub(lambda m: _TONE_MOVES[m.group(1)], text)


def slugify(text):
    """ASCII, lower-case, hyphen-separated."""
    text = text.replace('đ', 'd').replace('Đ', 'D')
    text = ''.join(c for c in unicodedata.normalize('NFD', text)
                   if not unicodedata.combining(c))
    return re.sub(r'[^a-z0-9]+', '-', text.lower()).strip('-')


def split_type(name, types):
    """(type word, bare name) of an administrative unit's name."""
    for word in types:
        # the package sometimes capitalises: "Thành Phố Đồng Hới"
        if name.lower().startswith(word.lower() + ' '):
            return word, name[len(word) + 1:]
    raise ValueError('unknown unit type: %r' % name)


def row(code, parent_code, kind, name, title, short_name, head_title):
    """One CSV row; we have no real addresses, phones or heads."""
    return dict(code=code, parent_code=parent_code, kind=kind, name=name,
                title=title, short_name=short_name, address='', phone='',
                email='', working_hours=WORKING_HOURS,
                head_title=head_title, head_name='')


def cuc_row(province):
    """The Cục THADS of one province."""
    word, bare = split_type(clean(province['name']), PROVINCE_TYPES)
    if bare == 'Hồ Chí Minh':
        # the city's official name keeps its capital T
        title, short = 'Thành phố Hồ Chí Minh', 'TP. Hồ Chí Minh'
    else:
        title, short = '%s %s' % (word.lower(), bare), bare
    return row('%02d' % province['code'], 'TC', 'cuc',
               'cuc-thads-' + slugify(bare),
               'Cục Thi hành án dân sự ' + title,
               'Cục THADS ' + short, 'Cục trưởng')


def chi_cuc_rows(province, parent_code):
    """The Chi cục THADS of one province, by code."""
    districts = [d for d in province['districts']
                 if d['code'] not in EXCLUDED_DISTRICTS]
    parsed = []
    for district in sorted(districts, key=lambda d: d['code']):
        word, bare = split_type(clean(district['name']), DISTRICT_TYPES)
        abbr, type_slug = DISTRICT_TYPES[word]
        if bare.isdigit():
            # "Quận 1": a bare number reads badly without its type word
            short, slug = '%s %s' % (word, bare), '%s-%s' % (type_slug, bare)
        else:
            short, slug = '%s %s' % (abbr, bare), slugify(bare)
        parsed.append((district, word, bare, short, slug, type_slug))
    slugs = [p[4] for p in parsed]
    rows = []
    for district, word, bare, short, slug, type_slug in parsed:
        if slugs.count(slug) > 1:
            # e.g. a thị xã and a huyện of the same name
            slug = '%s-%s' % (slug, type_slug)
        title = 'Chi cục Thi hành án dân sự %s %s' % (word.lower(), bare)
        rows.append(row('%03d' % district['code'], parent_code, 'chi_cuc',
                        'chi-cuc-thads-' + slug, title,
                        'Chi cục THADS ' + short, 'Chi cục trưởng'))
    names = [r['name'] for r in rows]
    assert len(set(names)) == len(names), names
    return rows


def build_rows():
    """All agencies: the root, then each Cục followed by its Chi cục."""
    assert vietnam_provinces.__version__ == PACKAGE_VERSION
    assert vietnam_provinces.__data_version__ == DATA_VERSION
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH,
              encoding='utf-8') as f:
        provinces = json.load(f)
    assert len(provinces) == 63
    rows = [row('TC', '', 'tong_cuc', 'thads', 'Tổng cục Thi hành án dân sự',
                'Tổng cục THADS', 'Tổng Cục trưởng')]
    for province in sorted(provinces, key=lambda p: p['code']):
        cuc = cuc_row(province)
        rows.append(cuc)
        rows.extend(chi_cuc_rows(province, cuc['code']))
    codes = [r['code'] for r in rows]
    assert len(set(codes)) == len(codes), 'duplicate codes'
    cuc_names = [r['name'] for r in rows if r['kind'] == 'cuc']
    assert len(set(cuc_names)) == 63, 'duplicate Cục url names'
    for r in rows:
        for value in r.values():
            assert value == unicodedata.normalize('NFC', value), value
    return rows


def main(argv=None):
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        sys.exit('usage: build_agency_csv.py OUTPUT.csv')
    rows = build_rows()
    with open(args[0], 'w', encoding='utf-8', newline='') as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print('wrote %d agencies to %s' % (len(rows), args[0]))


if __name__ == '__main__':
    main()
