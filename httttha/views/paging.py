"""Paging of catalog result sets (the catalog limits, never Python)."""
from math import ceil
from urllib.parse import urlencode


class Page(object):
    """Which slice of ``total`` rows the ``page`` parameter asks for."""

    def __init__(self, request, total, size):
        self.total = total
        self.size = size
        self.count = max(1, int(ceil(total / float(size))))
        try:
            number = int(request.params.get('page', 1))
        except ValueError:
            number = 1
        self.number = min(max(number, 1), self.count)
        self.start = (self.number - 1) * size
        self.end = self.start + size
        self.request = request

    def url(self, number, **changes):
        """This listing at page ``number``, with ``changes`` to its
        query (None removes a parameter)."""
        params = dict(self.request.GET)
        params.update(changes)
        params = {k: v for k, v in params.items() if v is not None}
        params['page'] = number
        return self.request.path_url + '?' + urlencode(sorted(params.items()))
