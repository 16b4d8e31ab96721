// Draws the report's Plotly charts from the JSON embedded next to each one, and prepares them for
// printing. Everything else in the page (math, code, tables) is static HTML and needs no script.
(function () {
  'use strict';
  // Charts are drawn for print at this width and scaled down to the A4 text width (~670 px at
  // 96 px/in): multi-panel figures keep room for their titles, and text stays legible (~0.8x).
  var PRINT_WIDTH_PX = 840;
  var charts = [];

  function baseLayout(layout) {
    var l = Object.assign({}, layout);
    l.autosize = true;
    if (!l.height) l.height = 420;
    delete l.width;
    return l;
  }

  function drawAll() {
    if (typeof Plotly === 'undefined') return Promise.resolve(0);
    var nodes = document.querySelectorAll('figure.chart-figure');
    var jobs = [];
    nodes.forEach(function (fig) {
      var el = fig.querySelector('.chart');
      var spec = JSON.parse(fig.querySelector('script.chart-data').textContent);
      var config = Object.assign({ responsive: true, displaylogo: false, showLink: false, showSendToCloud: false, showEditInChartStudio: false, plotlyServerURL: '' }, spec.config || {});
      charts.push({ el: el, spec: spec });
      jobs.push(Plotly.newPlot(el, { data: spec.data, layout: baseLayout(spec.layout), config: config, frames: spec.frames || [] }));
    });
    return Promise.all(jobs).then(function () { return jobs.length; });
  }

  // Replace every live chart by a static picture at the printed width: vector SVG, or a 3x PNG for
  // WebGL traces (which do not print). Printing a live chart is what leaves blank boxes in PDFs.
  function prepareForPrint(widthPx) {
    var width = widthPx || PRINT_WIDTH_PX;
    return ready.then(function () {
      return charts.reduce(function (prev, c) {
        return prev.then(function () {
          if (c.el.dataset.printed) return;
          var height = Math.round(Math.min(c.spec.layout.height || width * 0.62, 900));
          return Plotly.relayout(c.el, { width: width, height: height, autosize: false }).then(function () {
            return Plotly.toImage(c.el, { format: c.spec.webgl ? 'png' : 'svg', width: width, height: height, scale: c.spec.webgl ? 3 : 1 });
          }).then(function (url) {
            var img = document.createElement('img');
            img.className = 'chart-static';
            img.alt = (c.el.parentNode.querySelector('figcaption') || {}).textContent || 'chart';
            img.style.width = '100%';
            img.style.aspectRatio = width + ' / ' + height;
            return new Promise(function (resolve) {
              img.onload = resolve;
              img.onerror = resolve;
              img.src = url;
              c.el.parentNode.insertBefore(img, c.el);
            }).then(function () {
              c.el.style.display = 'none';
              c.el.dataset.printed = '1';
            });
          });
        });
      }, Promise.resolve()).then(function () { return charts.length; });
    });
  }

  var ready = new Promise(function (resolve) {
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', resolve);
    else resolve();
  }).then(drawAll);

  window.atlasReport = {
    ready: ready,
    prepareForPrint: prepareForPrint,
    chartCount: function () { return charts.length; },
  };
  // Printing from the browser: give the charts the page width so none is cut or left blank.
  window.addEventListener('beforeprint', function () {
    charts.forEach(function (c) { Plotly.relayout(c.el, { width: PRINT_WIDTH_PX, autosize: false }); });
  });
  window.addEventListener('afterprint', function () {
    charts.forEach(function (c) { if (!c.el.dataset.printed) Plotly.relayout(c.el, { autosize: true, width: null }); });
  });
})();
