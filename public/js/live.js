/* Live status on the lookup page: reload when staff change the case (server-sent events).
   Without JavaScript or EventSource the page stays as it is; a refresh shows the news. */
(function () {
  'use strict';
  var el = document.querySelector('[data-live-query]');
  if (!el || typeof window.EventSource !== 'function') return;
  var queryNo = el.getAttribute('data-live-query');
  var version = Number(el.getAttribute('data-live-version'));
  var detail = el.getAttribute('data-live-tier') === 'detail';
  var source = new EventSource('/lookup/events?no=' + encodeURIComponent(queryNo));
  source.addEventListener('stage', function (event) {
    var update;
    try { update = JSON.parse(event.data); } catch (e) { return; }
    if (!(update.version > version)) return;
    version = update.version;
    if (!detail) {
      source.close();
      window.location.reload();
      return;
    }
    var banner = document.getElementById('live-banner');
    if (banner) {
      banner.textContent = '办理状态已更新为「' + update.label + '」，请重新查询查看详情。';
      banner.hidden = false;
    }
  });
})();
