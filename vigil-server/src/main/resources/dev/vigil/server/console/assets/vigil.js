// Vigil console. No inline scripts anywhere (the CSP forbids them): pages carry data in
// data-* attributes (HTML-escaped by the templates) and this file turns them into graphs.
(function () {
  'use strict';

  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute('content') : '';
  }

  // every htmx request carries the session's CSRF token
  document.addEventListener('htmx:configRequest', function (e) {
    e.detail.headers['X-CSRF-Token'] = csrf();
  });

  // scripts loaded on first use: ECharts and Cytoscape are large and most pages need neither
  var loading = {};
  function load(src) {
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = src;
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
    }
    return loading[src];
  }

  function basename(p) {
    if (!p) return '';
    var i = p.lastIndexOf('/');
    return i >= 0 ? p.substring(i + 1) : p;
  }

  // The process tree of a signal: ancestry top-down to the triggering process (highlighted), then
  // what it started (nodes marked descendant, each linked to its parent by ppid).
  // Labels are set as text by Cytoscape (canvas), never parsed as HTML.
  function processTree(el) {
    var tree;
    try { tree = JSON.parse(el.getAttribute('data-tree')); } catch (x) { return; }
    if (!tree || !tree.nodes || !tree.nodes.length) return;
    load('/assets/cytoscape.min.js').then(function () {
      var elements = [], byPid = {}, previous = null, levels = 0, deepest = 0;
      tree.nodes.forEach(function (n, i) {
        var name = basename(n.path) || n.comm || ('pid ' + n.pid);
        var id = 'p' + n.pid + '_' + i;
        elements.push({ data: { id: id, pid: n.pid, label: name + '\n' + 'pid ' + n.pid + (n.user ? ' · ' + n.user : ''),
          trigger: n.trigger ? 1 : 0, descendant: n.descendant ? 1 : 0, argv: (n.argv || []).join(' ') } });
        var parent = n.descendant ? byPid[n.ppid] : previous; // the ancestry is a chain, each the parent of the next
        if (parent) elements.push({ data: { id: 'e' + i, source: parent, target: id } });
        byPid[n.pid] = id;
        if (n.descendant) deepest = Math.max(deepest, n.depth || 1); else { previous = id; levels++; }
      });
      el.style.height = Math.max(160, (levels + deepest) * 70) + 'px';
      var cy = window.cytoscape({
        container: el,
        elements: elements,
        layout: { name: 'breadthfirst', directed: true, padding: 10, spacingFactor: 0.9 },
        userZoomingEnabled: true,
        style: [
          { selector: 'node', style: { 'label': 'data(label)', 'text-wrap': 'wrap', 'font-size': 11, 'text-valign': 'center',
            'text-halign': 'right', 'text-margin-x': 6, 'background-color': '#5b6b7f', 'width': 14, 'height': 14, 'color': '#1d2530' } },
          { selector: 'node[trigger = 1]', style: { 'background-color': '#d23b3b', 'width': 20, 'height': 20, 'font-weight': 'bold' } },
          { selector: 'node[descendant = 1]', style: { 'background-color': '#c77d1a' } },
          { selector: 'edge', style: { 'width': 1.5, 'line-color': '#9aa7b4', 'target-arrow-shape': 'triangle',
            'target-arrow-color': '#9aa7b4', 'curve-style': 'bezier' } }
        ]
      });
      cy.on('tap', 'node', function (evt) {
        var info = el.parentNode.querySelector('.tree-selected');
        if (info) info.textContent = evt.target.data('argv') || evt.target.data('label');
      });
      el.setAttribute('data-rendered', 'true');
    });
  }

  // A chart: data-chart holds an ECharts option object as JSON (built server-side).
  function chart(el) {
    var option;
    try { option = JSON.parse(el.getAttribute('data-chart')); } catch (x) { return; }
    load('/assets/echarts.min.js').then(function () {
      var c = window.echarts.getInstanceByDom(el) || window.echarts.init(el);
      c.setOption(option, true);
      el.setAttribute('data-rendered', 'true');
    });
  }

  function enhance(root) {
    (root.querySelectorAll ? root : document).querySelectorAll('[data-tree]').forEach(processTree);
    (root.querySelectorAll ? root : document).querySelectorAll('[data-chart]').forEach(chart);
  }

  document.addEventListener('DOMContentLoaded', function () { enhance(document); });
  document.addEventListener('htmx:afterSettle', function (e) { enhance(e.target); });
  window.addEventListener('resize', function () {
    if (window.echarts) document.querySelectorAll('[data-chart]').forEach(function (el) {
      var c = window.echarts.getInstanceByDom(el); if (c) c.resize();
    });
  });
})();

// ---- dashboard: content htmx replaces may hold charts; free their ECharts instances first
document.addEventListener('htmx:beforeCleanupElement', function (e) {
  var el = e.target;
  if (window.echarts && el && el.hasAttribute && el.hasAttribute('data-chart')) {
    var c = window.echarts.getInstanceByDom(el);
    if (c) c.dispose();
  }
});
