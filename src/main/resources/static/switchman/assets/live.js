// Live run view: polls the run every 2 s and counts the read-only window down against its budget
// every 200 ms between polls, from the server's clock (not the browser's).
(function () {
  'use strict';
  var root = document.getElementById('live');
  var api = root.dataset.api;
  var last = null;        // the last view from the server
  var receivedAt = 0;     // performance.now() when it arrived

  function clock(ms) {
    var negative = ms < 0;
    var s = Math.floor(Math.abs(ms) / 1000);
    var text = Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
    return negative ? '-' + text : text;
  }

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function render() {
    if (!last) { return; }
    var since = performance.now() - receivedAt;
    var section = document.getElementById('readonly');
    if (last.readOnlyElapsedMillis === null || last.readOnlyElapsedMillis === undefined) {
      section.hidden = true;
      return;
    }
    section.hidden = false;
    text('ro-elapsed', clock(last.readOnlyElapsedMillis + since));
    var window = last.summary.readOnlyWindow;
    text('ro-budget', window && window.budget ? window.budget.replace('PT', '').toLowerCase() : 'none');
    if (last.readOnlyRemainingMillis === null || last.readOnlyRemainingMillis === undefined) {
      text('ro-countdown', clock(last.readOnlyElapsedMillis + since) + ' read-only');
      return;
    }
    var remaining = last.readOnlyRemainingMillis - since;
    section.classList.toggle('overrun', remaining < 0);
    text('ro-countdown', remaining >= 0 ? clock(remaining) + ' left' : 'over budget by ' + clock(-remaining).replace('-', ''));
  }

  function update(view) {
    last = view;
    receivedAt = performance.now();
    text('state', view.summary.outcome);
    text('mode', view.summary.mode || '');
    text('phase', view.currentPhases.join(', '));
    text('steps', view.runningSteps.join(', '));
    var list = document.getElementById('tasks');
    list.replaceChildren.apply(list, view.openTasks.map(function (task) {
      var item = document.createElement('li');
      var link = document.createElement('a');
      link.href = '/camunda/app/tasklist/default/#/?task=' + encodeURIComponent(task.taskId);
      link.textContent = task.name;
      item.appendChild(link);
      item.appendChild(document.createTextNode(' for ' + task.candidateGroups
        + (task.assignee ? ', claimed by ' + task.assignee : '')));
      return item;
    }));
    renderHosts(view.hosts || []);
    renderServices(view.services || []);
    text('updated', new Date(view.serverTime).toISOString().substring(11, 19) + ' UTC');
    render();
  }

  // A table of the items a run acts on one by one, the elements kind + 's', kind + '-stages' and
  // kind + '-rows' (kind: host, service): shown only when there are items, a count per stage heads
  // it ("3 done, 1 failed", stages in the order they first appear), then one row per item with the
  // cells given, its class from its stage.
  function renderItems(kind, items, cells, classOf) {
    document.getElementById(kind + 's').hidden = items.length === 0;
    var counts = {};
    items.forEach(function (item) { counts[item.stage] = (counts[item.stage] || 0) + 1; });
    text(kind + '-stages', Object.keys(counts).map(function (stage) {
      return counts[stage] + ' ' + stage;
    }).join(', '));
    var rows = document.getElementById(kind + '-rows');
    rows.replaceChildren.apply(rows, items.map(function (item) {
      var row = document.createElement('tr');
      row.className = classOf(item.stage);
      cells(item).forEach(function (value) {
        var cell = document.createElement('td');
        cell.textContent = value;
        row.appendChild(cell);
      });
      return row;
    }));
  }

  // The hosts of a restart run, in plan order.
  function renderHosts(hosts) {
    renderItems('host', hosts, function (host) {
      return [host.batch, host.dc, host.host, host.service, host.stage, host.detail];
    }, function (stage) {
      return stage === 'failed' ? 'refused' : stage === 'left alone' ? 'canceled' : '';
    });
  }

  // The services of a datacenter pool or depool, in plan order.
  function renderServices(services) {
    renderItems('service', services, function (service) {
      return [service.service, service.change, service.stage, service.detail];
    }, function (stage) {
      return stage === 'left alone' ? 'refused' : stage === 'skipped' ? 'canceled' : '';
    });
  }

  function poll() {
    fetch(api, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) { throw new Error('HTTP ' + response.status); }
        return response.json();
      })
      .then(update)
      .catch(function (error) { text('updated', 'update failed: ' + error.message); })
      .finally(function () {
        if (!last || !last.summary.endedAt) { setTimeout(poll, 2000); }
      });
  }

  setInterval(render, 200);
  poll();
})();
