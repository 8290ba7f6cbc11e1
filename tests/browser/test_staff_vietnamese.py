"""Issue 19: what scripts write on staff pages is Vietnamese too (WebTest
does not run them): the upload widget's button and select2's messages."""
from .test_csp import BD, goto, log_in, watched  # noqa: F401 (fixture)


def test_file_buttons_and_select_lists_speak_vietnamese(watched):
    page, errors = watched
    log_in(page, 'hotro.bd')
    goto(page, BD + '/@@tiep-nhan-truc-tiep?thu-tuc=HTTT01')
    buttons = page.locator('.btn-file')
    assert buttons.count() >= 1
    assert {buttons.nth(i).inner_text().strip()
            for i in range(buttons.count())} == {'Chọn tệp…'}

    log_in(page, 'quantri.bd')
    goto(page, '/manage/principals/users/hotro.bd/@@properties/'
         'Agency%20and%20roles')
    page.locator('.select2-container').first.click()
    page.locator('.select2-search__field').fill('khong co don vi nay')
    assert page.locator('.select2-results').inner_text().strip() == \
        'Không tìm thấy'
    assert errors == []
