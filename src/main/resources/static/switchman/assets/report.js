// Run report: the run's diagram in bpmn-js (viewer), with the path taken and the current position
// highlighted; print with every collapsed output opened.
(function () {
  'use strict';

  function ids(text) {
    return new Set((text || '').split(',').filter(Boolean));
  }

  function showDiagram(container) {
    var visited = ids(container.dataset.visited);
    var active = ids(container.dataset.active);
    var viewer = new BpmnJS({ container: container });
    fetch(container.dataset.xml, { credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) { throw new Error('diagram: HTTP ' + response.status); }
        return response.text();
      })
      .then(function (xml) { return viewer.importXML(xml); })
      .then(function () {
        var canvas = viewer.get('canvas');
        var registry = viewer.get('elementRegistry');
        var marked = 0;
        registry.forEach(function (element) {
          var bo = element.businessObject;
          if (!bo || element.type === 'label') { return; }
          var taken = element.type === 'bpmn:SequenceFlow'
            ? bo.sourceRef && bo.targetRef && visited.has(bo.sourceRef.id) && visited.has(bo.targetRef.id)
            : visited.has(element.id);
          if (taken) { canvas.addMarker(element.id, 'visited'); marked++; }
          if (active.has(element.id)) { canvas.addMarker(element.id, 'active'); }
        });
        canvas.zoom('fit-viewport');
        container.dataset.rendered = 'true';
        container.dataset.highlighted = String(marked);
      })
      .catch(function (error) {
        container.dataset.rendered = 'failed';
        container.textContent = 'The diagram cannot be shown: ' + error.message;
      });
  }

  var diagram = document.getElementById('diagram');
  if (diagram) { showDiagram(diagram); }

  function openAll() {
    document.querySelectorAll('details').forEach(function (d) { d.open = true; });
  }
  window.addEventListener('beforeprint', openAll);
  var print = document.getElementById('print');
  if (print) { print.addEventListener('click', function () { openAll(); window.print(); }); }
})();
