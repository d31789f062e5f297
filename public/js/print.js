// 办件通: every element with a data-print attribute becomes a button that opens the print dialog.
// Loaded as an external file (the CSP allows no inline script). Markup ships such elements with
// `hidden`, so without JavaScript no dead button is shown.
(function () {
  'use strict';

  function enhance(el) {
    if (el.dataset.printReady) return;
    el.dataset.printReady = '1';
    if (el.tagName !== 'BUTTON') {
      el.setAttribute('role', 'button');
      if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
      el.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          window.print();
        }
      });
    } else if (!el.hasAttribute('type')) {
      el.setAttribute('type', 'button');
    }
    el.addEventListener('click', function (event) {
      event.preventDefault();
      window.print();
    });
    el.hidden = false;
  }

  function init() {
    if (typeof window.print !== 'function') return;
    Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), enhance);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
