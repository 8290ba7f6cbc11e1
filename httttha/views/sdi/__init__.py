"""Management views (the back office); what they share."""
import deform

from ... import _


def form_buttons(submit='save'):
    """Cập nhật / Nhập lại / Hủy, as every administration form has;
    ``submit`` is the name of the form's submit button."""
    return (deform.Button(submit, _('Update')),
            deform.Button('reset', _('Reset'), type='reset'),
            deform.Button('cancel', _('Cancel'), type='submit'))
