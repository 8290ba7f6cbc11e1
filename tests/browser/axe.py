"""axe-core in the browser tests: run its WCAG 2.1 A and AA rules on the
pages a test visits and collect the serious and critical violations, for a
failure message that names page, rule, impact and elements."""
from axe_playwright_python.sync_playwright import Axe

WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
BLOCKING = ('serious', 'critical')
AXE = Axe()


class Audit:
    """Runs axe on each page visited and keeps what it found."""

    def __init__(self, page):
        self.page = page
        self.found = []
        self.seen = set()

    def visit(self, path, label=None):
        response = self.page.goto(path)
        assert response.status < 400, (path, response.status)
        self.check(label or path)

    def check(self, label):
        self.seen.add(label)
        # the rich-text editors draw their toolbars after the page loaded
        self.page.wait_for_function(
            '!window.tinymce || tinymce.editors.every(e => e.initialized)')
        # and the contents grid its rows, fetched once the page loaded
        self.page.wait_for_function(
            '!document.querySelector(".slickgrid-wrapper") || '
            'document.querySelector(".slick-row")')
        result = AXE.run(self.page, options={
            'runOnly': {'type': 'tag', 'values': WCAG},
            'resultTypes': ['violations']})
        for rule in result.response['violations']:
            if rule['impact'] in BLOCKING:
                targets = [' '.join(node['target'])
                           for node in rule['nodes'][:3]]
                self.found.append('%s: %s (%s, %d nodes) at %s' % (
                    label, rule['id'], rule['impact'], len(rule['nodes']),
                    ' | '.join(targets)))

    def report(self):
        return '\n'.join(self.found)
