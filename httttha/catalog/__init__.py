"""The httttha catalog: indexes used by staff lists and lookups."""
import unicodedata

from substanced.catalog import (
    Field,
    Keyword,
    Text,
    catalog_factory,
    indexview,
    indexview_defaults,
)
from unidecode import unidecode


def fold(text):
    """Accent-folded, lower-case text: 'Nguyễn Văn Thành' -> 'nguyen van thanh'."""
    return unidecode(unicodedata.normalize('NFC', text or '')).lower()


@catalog_factory('httttha')
class HttthaIndexes(object):
    """Index definitions."""
    agency = Field()          # oid of the agency a user or object belongs to
    roles = Keyword()
    title_folded = Text()
    sort_name = Field()


@indexview_defaults(catalog_name='httttha')
class HttthaIndexViews(object):
    """What each resource contributes to the indexes."""

    def __init__(self, resource):
        self.resource = resource

    @indexview()
    def agency(self, default):
        return getattr(self.resource, 'agency_oid', default)

    @indexview()
    def roles(self, default):
        return tuple(getattr(self.resource, 'roles', ())) or default

    @indexview()
    def title_folded(self, default):
        parts = [getattr(self.resource, attr, '') or '' for attr in
                 ('title', 'full_name', 'short_name', '__name__')]
        text = ' '.join(p for p in parts if isinstance(p, str))
        return fold(text) or default

    @indexview()
    def sort_name(self, default):
        name = getattr(self.resource, 'full_name', None) or getattr(
            self.resource, 'title', None) or self.resource.__name__
        return fold(name if isinstance(name, str) else '') or default

