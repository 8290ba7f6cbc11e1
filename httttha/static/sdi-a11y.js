/* Names and roles that the widgets of the management interface leave out
   (found by axe-core, tests/browser/test_accessibility.py). */
(function () {
  'use strict';

  /* deform's upload widget shows the chosen file's name in a read-only
     box with no label: name it after its field. */
  function nameUploadBoxes() {
    document.querySelectorAll('input.upload-filename').forEach(function (box) {
      if (box.hasAttribute('aria-label')) { return; }
      var item = box.closest('.form-group');
      var label = item && item.querySelector('label');
      var field = label ? label.textContent.replace(/\s+/g, ' ').trim() : '';
      box.setAttribute('aria-label', 'Tệp đã chọn' + (field ? ': ' + field : ''));
    });
  }

  /* TinyMCE 4's toolbar: each button is a <div role="button"> (with a
     misspelt aria-labeledby) around a focusable <button>, two nested
     controls of which the inner one has no name.  Keep the outer one,
     which TinyMCE focuses and names, and make the inner a plain span. */
  function fixToolbar(editor) {
    var root = editor.getContainer();
    if (!root) { return; }
    root.querySelectorAll('[aria-labeledby]').forEach(function (el) {
      el.removeAttribute('aria-labeledby');
    });
    root.querySelectorAll('.mce-btn > button').forEach(function (button) {
      var span = document.createElement('span');
      span.className = 'mce-a11y-button';
      if (button.id) { span.id = button.id; }
      while (button.firstChild) { span.appendChild(button.firstChild); }
      button.parentNode.replaceChild(span, button);
    });
  }

  function watchEditors() {
    if (!window.tinymce) { return; }
    tinymce.editors.forEach(function (editor) {
      if (editor.getContainer()) { fixToolbar(editor); }
      else { editor.on('PostRender', function () { fixToolbar(editor); }); }
    });
    tinymce.on('AddEditor', function (event) {
      event.editor.on('PostRender', function () { fixToolbar(event.editor); });
    });
  }

  /* The contents grid (SlickGrid) draws its selection checkboxes as rows
     scroll into view, without labels: name each after its row. */
  function nameGridCheckboxes(root) {
    root.querySelectorAll('.slick-row input[type=checkbox]:not([aria-label])')
      .forEach(function (box) {
        var row = box.closest('.slick-row');
        var name = row.querySelector('.r1');
        box.setAttribute('aria-label', 'Chọn ' +
          (name ? name.textContent.replace(/\s+/g, ' ').trim() : 'dòng này'));
      });
    root.querySelectorAll('.slick-header input[type=checkbox]:not([aria-label])')
      .forEach(function (box) { box.setAttribute('aria-label', 'Chọn tất cả'); });
  }

  function watchGrids() {
    document.querySelectorAll('.slickgrid-wrapper').forEach(function (grid) {
      new MutationObserver(function () { nameGridCheckboxes(grid); })
        .observe(grid, {childList: true, subtree: true});
      nameGridCheckboxes(grid);
    });
  }

  /* Substance D's upload and undo screens: a file input and one checkbox
     per transaction, without labels. */
  function nameSubstancedControls() {
    var upload = document.getElementById('fileupload');
    if (upload && !upload.hasAttribute('aria-label')) {
      upload.setAttribute('aria-label', 'Chọn tệp để tải lên');
    }
    document.querySelectorAll('input[type=checkbox][name=transaction]')
      .forEach(function (box) {
        var row = box.closest('tr');
        var text = row ? row.textContent.replace(/\s+/g, ' ').trim() : '';
        box.setAttribute('aria-label', 'Chọn giao dịch' + (text ? ': ' + text : ''));
      });
  }

  document.addEventListener('DOMContentLoaded', nameSubstancedControls);
  document.addEventListener('DOMContentLoaded', watchEditors);
  window.addEventListener('load', watchGrids);
  // after deform's callbacks (jQuery's ready handlers) made the widgets
  window.addEventListener('load', nameUploadBoxes);
}());
