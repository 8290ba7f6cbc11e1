"""Realistic Vietnamese people and places for the benchmark's and the
demo's dossiers: names weighted by how common they are, mobile numbers,
CCCD numbers, random dates, and where an agency is."""
import bisect
import datetime

FAMILY_NAMES = (
    ('Nguyễn', 38), ('Trần', 11), ('Lê', 9.5), ('Phạm', 7), ('Hoàng', 5.1),
    ('Huỳnh', 2.5), ('Phan', 4.5), ('Vũ', 3.9), ('Võ', 2.5), ('Đặng', 2.1),
    ('Bùi', 2), ('Đỗ', 1.4), ('Hồ', 1.3), ('Ngô', 1.3), ('Dương', 1),
    ('Lý', 0.5), ('Đinh', 0.6), ('Trương', 0.6), ('Mai', 0.4),
    ('Trịnh', 0.4), ('Đào', 0.4), ('Lương', 0.3), ('Tạ', 0.2),
)
MIDDLE_NAMES = {
    'm': ('Văn', 'Văn', 'Văn', 'Hữu', 'Đức', 'Minh', 'Quốc', 'Thanh',
          'Công', 'Xuân', 'Ngọc', 'Anh', 'Gia', 'Hoàng', 'Trọng', 'Đình'),
    'f': ('Thị', 'Thị', 'Thị', 'Thị', 'Ngọc', 'Thu', 'Thanh', 'Minh',
          'Hồng', 'Kim', 'Mai', 'Phương', 'Bích', 'Thuỳ', 'Diệu'),
}
GIVEN_NAMES = {
    'm': ('Anh', 'Bình', 'Cường', 'Dũng', 'Duy', 'Đạt', 'Hải', 'Hiếu',
          'Hoàng', 'Hùng', 'Huy', 'Khánh', 'Khoa', 'Long', 'Lâm', 'Minh',
          'Nam', 'Nghĩa', 'Phong', 'Phúc', 'Quân', 'Quang', 'Sơn', 'Tài',
          'Thắng', 'Thành', 'Tiến', 'Toàn', 'Trung', 'Tuấn', 'Tùng', 'Việt',
          'Vinh', 'Hưng', 'Đức', 'Thịnh', 'Kiên', 'Lộc'),
    'f': ('Anh', 'Châu', 'Chi', 'Dung', 'Giang', 'Hà', 'Hạnh', 'Hằng',
          'Hiền', 'Hoa', 'Huệ', 'Hương', 'Lan', 'Liên', 'Linh', 'Loan',
          'Mai', 'My', 'Nga', 'Ngân', 'Ngọc', 'Nhung', 'Oanh', 'Phương',
          'Quỳnh', 'Tâm', 'Thảo', 'Thủy', 'Trang', 'Trinh', 'Tuyết', 'Vân',
          'Yến', 'Xuân', 'Hồng', 'Thu'),
}
PHONE_PREFIXES = ('090', '091', '093', '094', '096', '097', '098', '032',
                  '033', '034', '035', '036', '037', '038', '039', '070',
                  '076', '077', '078', '079', '081', '082', '083', '084',
                  '085', '086', '088', '089')

_FAMILY = [name for name, _w in FAMILY_NAMES]
_FAMILY_CUM = []
_total = 0
for _name, _w in FAMILY_NAMES:
    _total += _w
    _FAMILY_CUM.append(_total)


def person_name(rng, sex):
    family = _FAMILY[bisect.bisect(_FAMILY_CUM, rng.random() * _total)]
    return '%s %s %s' % (family, rng.choice(MIDDLE_NAMES[sex]),
                         rng.choice(GIVEN_NAMES[sex]))


def phone(rng):
    digits = rng.choice(PHONE_PREFIXES) + '%07d' % rng.randrange(10 ** 7)
    return '%s %s %s' % (digits[:4], digits[4:7], digits[7:])


def cccd(rng, province, sex, born):
    """A 12-digit CCCD number: province of birth (3 digits), sex and
    century, year of birth (2 digits), 6 random digits."""
    century = 0 if born.year < 2000 else 2
    return '%03d%d%02d%06d' % (int(province), century + (sex == 'f'),
                               born.year % 100, rng.randrange(10 ** 6))


def random_date(rng, start, end):
    return start + datetime.timedelta(
        days=rng.randrange(max((end - start).days, 1)))


def province_code(agency):
    """The two-digit code of the province an agency is in ('01' for the
    Tổng cục)."""
    if agency.kind == 'cuc':
        return agency.code
    if agency.kind == 'chi_cuc':
        return agency.__parent__.code
    return '01'


def place(agency):
    """Where the agency is: 'quận Ba Đình, thành phố Hà Nội'."""
    from ..printing.timeline import PREFIXES
    title = agency.title
    for prefix in PREFIXES:
        if title.startswith(prefix):
            title = title[len(prefix):]
    if agency.kind == 'chi_cuc':
        return '%s, %s' % (title, place(agency.__parent__))
    return title if agency.kind == 'cuc' else 'thành phố Hà Nội'
