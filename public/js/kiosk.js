/* Hall query terminal (政务信息公开查询点): on-screen keypad, and back to the start after 60 s idle.
   The pure parts are exported for tests; in the browser it wires itself to the page. */
(function (root, factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else api.init(root.document, root);
})(typeof window !== 'undefined' ? window : this, function () {
  'use strict';
  var ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  var IDLE_MS = 60000;

  /** New input value after a key: a symbol, 'back' or 'clear'. At most 12 symbols, shown in groups of 4. */
  function applyKey(value, key) {
    var raw = String(value || '').toUpperCase().replace(/[^0-9A-Z]/g, '');
    if (key === 'clear') raw = '';
    else if (key === 'back') raw = raw.slice(0, -1);
    else if (ALPHABET.indexOf(key) >= 0 && raw.length < 12) raw += key;
    return raw.replace(/(.{4})(?=.)/g, '$1-');
  }

  /** Calls onIdle once after `ms` without poke(); poke() restarts the wait. */
  function createIdleTimer(onIdle, ms, timers) {
    // Wrapped: browsers throw "Illegal invocation" when setTimeout is called as a method of another object.
    var t = timers || {
      set: function (fn, delay) { return setTimeout(fn, delay); },
      clear: function (h) { clearTimeout(h); },
    };
    var handle = null;
    function poke() {
      if (handle !== null) t.clear(handle);
      handle = t.set(function () {
        handle = null;
        onIdle();
      }, ms);
    }
    function stop() {
      if (handle !== null) t.clear(handle);
      handle = null;
    }
    poke();
    return { poke: poke, stop: stop };
  }

  function init(doc, win) {
    if (!doc || !doc.querySelector('[data-kiosk]')) return;
    var input = doc.getElementById('kiosk-no');
    var home = doc.querySelector('[data-kiosk]').getAttribute('data-kiosk-home') || '/kiosk';
    var idle = createIdleTimer(function () {
      win.location.href = home;
    }, IDLE_MS);
    ['pointerdown', 'keydown', 'input', 'touchstart'].forEach(function (type) {
      doc.addEventListener(type, idle.poke, { passive: true });
    });
    if (!input) return;
    Array.prototype.forEach.call(doc.querySelectorAll('[data-key]'), function (button) {
      button.hidden = false;
      button.addEventListener('click', function () {
        input.value = applyKey(input.value, button.getAttribute('data-key'));
        input.focus();
      });
    });
    var keypad = doc.getElementById('kiosk-keypad');
    if (keypad) keypad.hidden = false;
  }

  return { ALPHABET: ALPHABET, IDLE_MS: IDLE_MS, applyKey: applyKey, createIdleTimer: createIdleTimer, init: init };
});
