"""The web editor's rich-text widget (Deform's RichTextWidget, TinyMCE)
starts under the management interface's Content-Security-Policy, and what
is typed in it is saved.

Known residue: deform 2.0.14 ships TinyMCE 4.0.6, whose editing iframe
has ``src="javascript:''"`` and an inline ``onload`` on its body; the
policy refuses both (reported as violations) and the editor works
without them.  The strict check is an expected failure until TinyMCE is
replaced by a newer copy (served from our static files)."""
import pytest

from .test_csp import csp_errors, goto, log_in, watched  # noqa: F401

HANOI = '/manage/thads/cuc-thads-ha-noi'


def write_in_the_editor(page):
    log_in(page, 'bientap.hn')
    page.wait_for_url('**/@@huong-dan')
    goto(page, HANOI + '/@@them-hoi-dap')
    # TinyMCE replaced the textarea with its editor (an iframe)
    frame = page.frame_locator('.mce-edit-area iframe')
    body = frame.locator('body')
    body.wait_for()
    page.locator('textarea[name=question]').fill('Câu hỏi từ trình duyệt?')
    body.click()
    body.type('Trả lời có chữ đậm')
    page.locator('button[name=update]').click()
    page.wait_for_url('**/@@huong-dan*')
    assert 'Câu hỏi từ trình duyệt?' in page.locator('#faq').inner_text()
    page.locator('#faq a.preview').first.click()
    page.wait_for_load_state()
    assert 'Trả lời có chữ đậm' in page.locator('#preview').inner_text()


def test_web_editor_writes_in_the_rich_text_editor(watched):  # noqa: F811
    page, errors = watched
    write_in_the_editor(page)
    # only TinyMCE 4.0.6's own iframe is refused (see the docstring)
    assert all('tinymce' in e or 'JavaScript URL' in e or
               'script-src-elem inline' in e for e in csp_errors(errors)), \
        errors


@pytest.mark.xfail(strict=True, reason='TinyMCE 4.0.6 (deform 2.0.14): '
                   'javascript: iframe and inline onload')
def test_rich_text_editor_without_any_violation(watched):  # noqa: F811
    page, errors = watched
    write_in_the_editor(page)
    assert csp_errors(errors) == [], errors
