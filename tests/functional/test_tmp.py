from tests.functional.test_back_office import *
def test_x(app):
    code = submit_dossier(app)
    staff = officer(app)
    r = accept(staff, code, button='preview')
    for el in r.html.select('.has-error, .error'):
        print(el.get('class'), el.get('id'), el.get_text()[:200].split())
