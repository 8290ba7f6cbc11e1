/* Agency chooser: a search box over each searchable select, and choosing
   an option loads the next step at once.  Without JavaScript the selects
   and the "Chọn" button do the same. */
(function () {
  'use strict';
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '')
      .replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  }
  document.querySelectorAll('select[data-searchable]').forEach(function (select) {
    var input = document.createElement('input');
    input.type = 'search';
    input.className = 'select-search';
    input.placeholder = 'Gõ để tìm, ví dụ: ha noi';
    input.setAttribute('aria-label', 'Tìm trong danh sách ' +
      (select.labels && select.labels[0] ? select.labels[0].textContent : ''));
    input.setAttribute('aria-controls', select.id);
    select.parentNode.insertBefore(input, select);
    input.addEventListener('input', function () {
      var q = fold(input.value.trim()), first = null;
      Array.prototype.forEach.call(select.options, function (option, i) {
        var show = i === 0 || !q || fold(option.text).indexOf(q) !== -1;
        option.hidden = !show;
        if (show && i > 0 && first === null) { first = option; }
      });
      if (q && first) { select.size = Math.min(8, select.options.length); }
      else { select.removeAttribute('size'); }
    });
    if (select.dataset.autosubmit) {
      select.addEventListener('change', function () {
        if (select.value) { select.form.submit(); }
      });
    }
  });
}());
