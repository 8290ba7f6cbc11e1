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
        self._path = None
        # each parameter encoded once: a list links to its queues, pages
        # and sorts with the same query (a workspace page has forty links)
        self._encoded = {}

    def url(self, number, **changes):
        """This listing at page ``number``, with ``changes`` to its
        query (None removes a parameter)."""
        params = dict(self.request.GET)
        params.update(changes)
        params['page'] = number
        if self._path is None:
            self._path = self.request.path_url
        return self._path + '?' + '&'.join(
            self._encode(item) for item in sorted(params.items())
            if item[1] is not None)

    def _encode(self, item):
        found = self._encoded.get(item)
        if found is None:
            found = self._encoded[item] = urlencode([item])
        return found
