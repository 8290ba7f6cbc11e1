/* The management interface under its Content-Security-Policy: what the
   inline event handlers of substanced's and deform's templates did
   (onsubmit=, onclick=), now bound from this file, since a policy without
   'unsafe-inline' runs no inline handler. */
(function () {
  'use strict';
  var nonce = document.currentScript ? document.currentScript.nonce : '';

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.hasAttribute && form.hasAttribute('data-loading-indicator') &&
        window.sdi && sdi.loading_indicator_on() === false) {
      event.preventDefault();
    }
  });

  document.addEventListener('click', function (event) {
    var link = event.target.closest ? event.target.closest('a') : null;
    if (!link) { return; }
    var back = link.getAttribute('data-history-back');
    if (back) {
      event.preventDefault();
      window.history.go(-parseInt(back, 10));
      return;
    }
    var action = link.getAttribute('data-deform-sequence');
    if (action && window.deform) {
      event.preventDefault();
      if (action === 'append') {
        deform.appendSequenceItem(link);
      } else if (action === 'remove') {
        deform.removeSequenceItem(link);
      }
    }
  });

  /* deform adds a sequence item by inserting its prototype, whose widget
     scripts jQuery 2 would run through eval (refused by the policy).  Run
     them as script elements carrying this page's nonce, and only while a
     prototype rendered by the server is being inserted. */
  document.addEventListener('DOMContentLoaded', function () {
    if (!(window.jQuery && window.deform && nonce)) { return; }
    var inPrototype = false;
    var originalEval = jQuery.globalEval;
    jQuery.globalEval = function (code) {
      if (!inPrototype) { return originalEval.call(jQuery, code); }
      code = jQuery.trim(code);
      if (code) {
        var script = document.createElement('script');
        script.nonce = nonce;
        script.text = code;
        document.head.appendChild(script).parentNode.removeChild(script);
      }
    };
    var addItem = deform.addSequenceItem;
    deform.addSequenceItem = function () {
      inPrototype = true;
      try {
        return addItem.apply(deform, arguments);
      } finally {
        inPrototype = false;
      }
    };
  });
}());
