"""What the statistics tables show beside the dossiers' counts: the
petitions by their four classifications (Quyết định 11/QĐ-TCTHADS Bước
1, titles from the code lists) and the satisfaction survey's answers of
each unit (A7), whose counters are kept by month."""
from substanced.objectmap import find_objectmap
from substanced.util import get_oid

from ..administration.codelists import classifications as lists
from ..administration.tree import tree_nodes
from ..portal.survey import answer_store, survey_folder
from .tables import subtree


def classifications(request, row):
    """[(criterion title, [(value title, number)], total)] of the
    classified petitions counted in ``row`` (every entry of the lists,
    active or not, then codes no list knows)."""
    found = []
    for criterion, title, choices in lists(request.root, request,
                                           active=False):
        numbers = [(value_title, row.classes.get((criterion, code), 0))
                   for code, value_title in choices]
        known = {code for code, _t in choices}
        numbers.extend((value, number) for (each, value), number in sorted(
            row.classes.items()) if each == criterion and value not in known)
        found.append((title, numbers, sum(n for _t, n in numbers)))
    return found


class SurveyRow(object):
    """One unit's answers over the months of a period: how many, how many
    below the alert threshold, and their average score (1 to 5)."""

    def __init__(self, title, oid):
        self.title, self.oid = title, oid
        self.answers = self.low = self.scored = 0
        self.score_sum = 0.0

    def add(self, counts):
        self.answers += counts.get(('*', '#'), 0)
        self.low += counts.get(('*', 'low'), 0)
        self.scored += counts.get(('*', 'n'), 0)
        self.score_sum += counts.get(('*', '+'), 0)

    @property
    def average(self):
        return round(self.score_sum / self.scored, 2) if self.scored \
            else None


def survey_rows(request, agency, table, period):
    """(rows, total): a :class:`SurveyRow` per unit row of ``table`` and
    their total, from the survey's monthly counters of every month the
    period touches (the survey is counted by month, not by day)."""
    nodes = tree_nodes(request.root)
    own = get_oid(agency)
    months = {'%04d-%02d' % (day.year, day.month) for day in period.months()}
    resolve = find_objectmap(request.root).object_for
    rows, total = [], SurveyRow(None, None)
    for unit in table.units:
        row = SurveyRow(unit.title, unit.oid)
        for oid in [own] if unit.oid == own else subtree(nodes, unit.oid):
            store = answer_store(survey_folder(resolve(oid)))
            if store is None:
                continue
            for (_procedure, month), counts in store.counts.items():
                if month in months:
                    row.add(counts.counts)
                    total.add(counts.counts)
        rows.append(row)
    return rows, total
