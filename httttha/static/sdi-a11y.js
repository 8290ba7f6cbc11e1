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

  document.addEventListener('DOMContentLoaded', watchEditors);
  // after deform's callbacks (jQuery's ready handlers) made the widgets
  window.addEventListener('load', nameUploadBoxes);
}());
