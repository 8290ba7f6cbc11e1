"""Printed documents (PDF, A4), in the layout of Vietnamese forms and
administrative documents (Nghị định 30/2020/NĐ-CP).

- ``layout``: fonts, paragraph styles, quốc hiệu and tiêu ngữ, layout
  tables, the QR code to the lookup page, page rendering;
- ``administrative``: the header, title, signature and "Nơi nhận" of an
  administrative document;
- ``application``: the citizen's application (HTTT01, HTTT02, HTTT03);
- ``wording``: the sentences and values shared by notices and slips;
- ``notices``: the notices sent to the citizen (thông báo);
- ``slips``: the slips of the reception desk (phiếu, giấy biên nhận);
- ``numbering``: the numbers of notices and slips (12/TB-CCTHADS);
- ``timeline``: the notice of a dossier's timeline entry (``notice_pdf``).

Builders take plain, already-translated values and return PDF bytes;
only ``numbering`` and ``timeline`` read content objects.  This package
imports content and settings, never the back office, mail or views.
"""
