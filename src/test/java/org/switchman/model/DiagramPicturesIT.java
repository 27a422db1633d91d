package org.switchman.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.camunda.bpm.model.bpmn.instance.FlowElement;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.switchman.support.Browser;

/**
 * Every diagram of {@code processes/} drawn the way Camunda Modeler and Cockpit draw it: bpmn-js
 * (the viewer the audit pages serve, {@code src/main/web}) in headless Chromium, at 100 % zoom, one
 * picture per plane (the process, and each collapsed subprocess a designer drills into). The
 * pictures are kept in {@code target/diagrams/} for review. The test fails when bpmn-js cannot
 * import a diagram, reports a warning on import, or leaves an element of the model undrawn (an
 * element without a shape is silently absent from Modeler and Cockpit).
 */
class DiagramPicturesIT {

  private static final Path VIEWER = Path.of("src/main/web/node_modules/bpmn-js/dist");
  private static final Path PICTURES = Path.of("target", "diagrams");
  private static final int MARGIN = 30;

  /** How far two boxes on the drawing may overlap before one covers the other, in pixels. */
  private static final int TOLERANCE = 1;

  /** Chromium's largest window, in pixels, on each side. */
  private static final int MAX_SIDE = 10_000;

  private static final Path ILLEGIBLE =
      Path.of("src/test/resources/model-check/illegible-runbook.bpmn");

  @Test
  void everyDiagramIsDrawnWholeAndLegibleAndKeptAsPictures() throws IOException {
    List<Path> diagrams = diagrams();
    assertThat(diagrams).isNotEmpty();
    List<String> problems = new ArrayList<>();
    try (Browser browser = new Browser()) {
      WebDriver driver = open(browser);
      for (Path diagram : diagrams) {
        problems.addAll(problems(driver, diagram));
      }
    }
    assertThat(problems).as("what a reader of the pictures in %s cannot read", PICTURES).isEmpty();
  }

  @Test
  void theIllegibleDiagramFailsEveryCheck() throws IOException {
    List<String> problems;
    try (Browser browser = new Browser()) {
      problems = problems(open(browser), ILLEGIBLE);
    }
    assertThat(problems)
        .anyMatch(p -> p.contains("bpmn-js warns") && p.contains("NoSuchElement"))
        .anyMatch(
            p -> p.startsWith("illegible-runbook: EndEvent_Done 'Done': its name is broken inside"))
        .contains(
            "illegible-runbook: ServiceTask_Undrawn 'Has no shape': not drawn (no shape)",
            "illegible-runbook: ServiceTask_Restart 'Restart every host of the cluster in both"
                + " datacenters, one host after another': its text spills out of its box",
            "illegible-runbook: ServiceTask_Restart 'Restart every host of the cluster in both"
                + " datacenters, one host after another': an icon covers its text",
            "illegible-runbook: Timer_Remind 'Reminder due': it covers the icon of UserTask_Approve"
                + " 'Approve the change'",
            "illegible-runbook: EndEvent_Rejected 'Rejected': its text lies on ServiceTask_Restart"
                + " 'Restart every host of the cluster in both datacenters, one host after another'",
            "illegible-runbook: Gateway_Approved 'Approved?': its label lies on the label of"
                + " Timer_Remind 'Reminder due'",
            "illegible-runbook: Gateway_Approved 'Approved?': the flow Flow_Rejected runs through"
                + " its label",
            "illegible-runbook: SubProcess_Fleet 'Restart the whole fleet of both datacenters, host"
                + " by host': an icon covers its text",
            "illegible-runbook: EndEvent_Parked 'Parked': a button of the drawing covers its text");
  }

  private static WebDriver open(Browser browser) throws IOException {
    Files.createDirectories(PICTURES);
    Path page = PICTURES.resolve("render.html");
    Files.writeString(page, page());
    WebDriver driver = browser.driver();
    driver.get(page.toUri().toString());
    return driver;
  }

  /**
   * Draws the diagram, keeps a picture of each of its planes, and returns what a reader cannot
   * read, each prefixed with the diagram's name: import warnings, elements of the model left
   * undrawn, and the legibility checks of the page, made on each plane shown whole in the window.
   */
  private static List<String> problems(WebDriver driver, Path diagram) throws IOException {
    String name = name(diagram);
    Map<String, Object> imported = script(driver, "render", Files.readString(diagram));
    assertThat(imported.get("error")).as("%s: bpmn-js import", name).isNull();
    List<String> problems = new ArrayList<>();
    strings(imported.get("warnings")).forEach(w -> problems.add("bpmn-js warns: " + w));
    Set<String> undrawn = flowElementIds(diagram);
    undrawn.removeAll(strings(imported.get("drawn")));
    undrawn.forEach(id -> problems.add(id + described(diagram, id) + ": not drawn (no shape)"));
    Map<String, Object> planes = script(driver, "planes", "");
    for (String plane : strings(planes.get("planes"))) {
      show(driver, plane);
      problems.addAll(strings(script(driver, "legibility", plane).get("problems")));
      String picture =
          plane.equals(planes.get("process"))
              ? name
              : name + "--" + plane.replaceFirst("_plane$", "");
      Path target = PICTURES.resolve(picture + ".png");
      Files.write(target, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      assertThat(Files.size(target)).as(target.toString()).isGreaterThan(1_000);
    }
    return problems.stream().map(problem -> name + ": " + problem).toList();
  }

  private static String name(Path diagram) {
    return diagram.getFileName().toString().replaceFirst("\\.bpmn$", "");
  }

  private static String described(Path diagram, String id) {
    FlowElement element = Bpmn.readModelFromFile(diagram.toFile()).getModelElementById(id);
    return element.getName() == null ? "" : " '" + element.getName() + "'";
  }

  /** Shows one plane whole at 100 %, in a window of its size. */
  private static void show(WebDriver driver, String plane) {
    Map<String, Object> size = script(driver, "measure", plane);
    int width = Math.min(MAX_SIDE, ((Number) size.get("width")).intValue() + 2 * MARGIN);
    int height = Math.min(MAX_SIDE, ((Number) size.get("height")).intValue() + 2 * MARGIN);
    Object chrome =
        ((JavascriptExecutor) driver)
            .executeScript("return window.outerHeight - window.innerHeight;");
    driver.manage().window().setSize(new Dimension(width, height + ((Number) chrome).intValue()));
    script(driver, "show", plane);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> script(WebDriver driver, String function, String argument) {
    return (Map<String, Object>)
        ((JavascriptExecutor) driver)
            .executeAsyncScript(
                "var done = arguments[arguments.length - 1];"
                    + "window."
                    + function
                    + "(arguments[0]).then(done, function (e) { done({ error: String(e) }); });",
                argument);
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Object list) {
    return list == null ? List.of() : (List<String>) list;
  }

  private static Set<String> flowElementIds(Path diagram) {
    Set<String> ids = new TreeSet<>();
    Bpmn.readModelFromFile(diagram.toFile())
        .getModelElementsByType(FlowElement.class)
        .forEach(element -> ids.add(element.getId()));
    return ids;
  }

  private static List<Path> diagrams() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("processes"))) {
      return files.filter(f -> f.toString().endsWith(".bpmn")).sorted().toList();
    }
  }

  private static String page() {
    String dist = VIEWER.toAbsolutePath().toUri().toString();
    return """
        <!doctype html>
        <html><head><meta charset="utf-8">
        <link rel="stylesheet" href="%1$sassets/diagram-js.css">
        <link rel="stylesheet" href="%1$sassets/bpmn-js.css">
        <link rel="stylesheet" href="%1$sassets/bpmn-font/css/bpmn.css">
        <style>html, body, #canvas { margin: 0; width: 100%%; height: 100%%; overflow: hidden; }
        body { background: white; }</style>
        <script src="%1$sbpmn-navigated-viewer.production.min.js"></script>
        </head><body><div id="canvas"></div>
        <script>
        var viewer = new BpmnJS({ container: '#canvas' });
        var canvas = viewer.get('canvas');
        function root(id) {
          return canvas.getRootElements().filter(function (r) { return r.id === id; })[0];
        }
        window.render = function (xml) {
          return viewer.importXML(xml).then(function (result) {
            var drawn = [];
            viewer.get('elementRegistry').forEach(function (e) {
              if (e.type !== 'label' && e.businessObject) { drawn.push(e.businessObject.id); }
            });
            return {
              warnings: result.warnings.map(function (w) { return w.message; }),
              drawn: drawn,
            };
          });
        };
        // What a reader sees, measured on the drawing (screen boxes, one plane shown at a time):
        // a name wrapped inside a word, text lying on a shape or on other text, a task's text
        // spilling out of its box or under one of its icons or boundary events.
        window.legibility = function (plane) {
          var registry = viewer.get('elementRegistry');
          var problems = [];
          // a drawn node's box in diagram coordinates, whatever the zoom and the scroll
          var toDiagram = canvas._viewport.getCTM().inverse();
          function box(node) {
            var b = node.getBBox();
            var m = toDiagram.multiply(node.getCTM());
            var x1 = m.a * b.x + m.c * b.y + m.e, y1 = m.b * b.x + m.d * b.y + m.f;
            var x2 = m.a * (b.x + b.width) + m.c * (b.y + b.height) + m.e;
            var y2 = m.b * (b.x + b.width) + m.d * (b.y + b.height) + m.f;
            return { x: Math.min(x1, x2), y: Math.min(y1, y2),
                     width: Math.abs(x2 - x1), height: Math.abs(y2 - y1) };
          }
          function overlap(a, b) {
            var w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
            var h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
            return w > %3$d && h > %3$d;
          }
          function inside(a, b) {
            return a.x >= b.x - %3$d && a.y >= b.y - %3$d && a.x + a.width <= b.x + b.width + %3$d
                && a.y + a.height <= b.y + b.height + %3$d;
          }
          function name(e) { return (e.businessObject.name || '').replace(/\\s+/g, ' ').trim(); }
          function describe(e) { return e.businessObject.id + (name(e) ? " '" + name(e) + "'" : ''); }
          function text(e) {
            var node = registry.getGraphics(e).querySelector('.djs-visual text');
            if (!node || !node.textContent.trim()) { return null; }
            var spans = Array.prototype.slice.call(node.querySelectorAll('tspan'));
            var lines = spans.map(function (t) { return t.textContent.trim(); });
            // bpmn-js may break a line after a hyphen ("read-" / "only"), as print does
            var joined = lines.join(' ').replace(/\\s+/g, ' ').replace(/- /g, '-').trim();
            return { box: box(node), lines: spans.map(box), joined: joined };
          }
          // a task's or a collapsed subprocess's icons and markers: what its visual draws besides
          // its outline and its text
          function icons(e) {
            var visual = registry.getGraphics(e).querySelector('.djs-visual');
            return Array.prototype.slice.call(visual.children, 1)
                .filter(function (n) { return n.tagName !== 'text'; });
          }
          // the buttons bpmn-js lays over the drawing, such as the one that opens a collapsed
          // subprocess: screen boxes taken back to diagram coordinates
          var fromScreen = canvas._viewport.getScreenCTM().inverse();
          function overlays() {
            return Array.prototype.map.call(
                document.querySelectorAll('.djs-overlay-container .djs-overlay > *'),
                function (node) {
                  var r = node.getBoundingClientRect();
                  if (!r.width || !r.height) { return null; }
                  var m = fromScreen;
                  return { x: m.a * r.left + m.c * r.top + m.e, y: m.b * r.left + m.d * r.top + m.f,
                           width: r.width * m.a, height: r.height * m.d };
                }).filter(Boolean);
          }
          function outline(e) {
            return { x: e.x, y: e.y, width: e.width, height: e.height };
          }
          // whether the segment a-b passes through the box, shrunk by the tolerance
          function crosses(a, b, r) {
            var x0 = r.x + %3$d, y0 = r.y + %3$d, x1 = r.x + r.width - %3$d, y1 = r.y + r.height - %3$d;
            var t0 = 0, t1 = 1, dx = b.x - a.x, dy = b.y - a.y;
            var p = [-dx, dx, -dy, dy], q = [a.x - x0, x1 - a.x, a.y - y0, y1 - a.y];
            for (var i = 0; i < 4; i++) {
              if (p[i] === 0) { if (q[i] < 0) { return false; } continue; }
              var t = q[i] / p[i];
              if (p[i] < 0) { t0 = Math.max(t0, t); } else { t1 = Math.min(t1, t); }
              if (t0 > t1) { return false; }
            }
            return true;
          }
          [root(plane)].forEach(function (root) {
            var shapes = [], texts = [], flows = [];
            registry.forEach(function (e) {
              if (canvas.findRoot(e) !== root || e === root) { return; }
              if (e.waypoints) { flows.push(e); return; }
              var expanded = e.type === 'bpmn:SubProcess' && e.collapsed === false;
              if (e.type === 'label') {
                var t = text(e);
                if (t) { texts.push({ owner: e.labelTarget, text: t, external: true }); }
              } else if (!expanded) {
                shapes.push(e);
                if (!/Event$|Gateway$/.test(e.type)) {
                  var inner = text(e);
                  if (inner) { texts.push({ owner: e, text: inner, external: false }); }
                }
              }
            });
            shapes.forEach(function (b) {
              if (!b.host) { return; }
              if (icons(b.host).some(function (i) { return overlap(outline(b), box(i)); })) {
                problems.push(describe(b) + ': it covers the icon of ' + describe(b.host));
              }
            });
            var buttons = overlays();
            texts.forEach(function (t) {
              var owner = t.owner;
              if (buttons.some(function (b) {
                return t.text.lines.some(function (l) { return overlap(l, b); });
              })) {
                problems.push(describe(owner) + ': a button of the drawing covers its text');
              }
              if (t.text.joined !== name(owner).replace(/- /g, '-')) {
                problems.push(describe(owner) + ': its name is broken inside a word ("'
                    + t.text.joined + '")');
              }
              if (!t.external) {
                if (!inside(t.text.box, outline(owner))) {
                  problems.push(describe(owner) + ': its text spills out of its box');
                }
                if (icons(owner).some(function (icon) {
                  return t.text.lines.some(function (l) { return overlap(l, box(icon)); });
                })) {
                  problems.push(describe(owner) + ': an icon covers its text');
                }
              }
              shapes.forEach(function (s) {
                if (!t.external && s === owner) { return; }
                if (t.text.lines.some(function (l) { return overlap(l, outline(s)); })) {
                  problems.push(describe(owner) + ': its text lies on ' + describe(s));
                }
              });
              if (t.external) {
                flows.forEach(function (f) {
                  var points = f.waypoints;
                  for (var i = 1; i < points.length; i++) {
                    if (t.text.lines.some(function (l) { return crosses(points[i - 1], points[i], l); })) {
                      problems.push(describe(owner) + ': the flow ' + describe(f) + ' runs through its label');
                      return;
                    }
                  }
                });
              }
              texts.forEach(function (u) {
                if (u !== t && u.external && t.external && t.owner.id < u.owner.id
                    && t.text.lines.some(function (l) {
                      return u.text.lines.some(function (m) { return overlap(l, m); });
                    })) {
                  problems.push(describe(t.owner) + ': its label lies on the label of '
                      + describe(u.owner));
                }
              });
            });
          });
          return Promise.resolve({ problems: problems });
        };
        window.planes = function () {
          return Promise.resolve({
            process: canvas.getRootElements()[0].id,
            planes: canvas.getRootElements().map(function (r) { return r.id; })
          });
        };
        window.measure = function (plane) {
          canvas.setRootElement(root(plane));
          canvas.zoom(1.0);
          var inner = canvas.viewbox().inner;
          return Promise.resolve({ width: inner.width, height: inner.height });
        };
        window.show = function (plane) {
          canvas.setRootElement(root(plane));
          canvas.resized();
          var inner = canvas.viewbox().inner;
          var outer = canvas.viewbox().outer;
          canvas.viewbox({ x: inner.x - %2$d, y: inner.y - %2$d,
                           width: outer.width, height: outer.height });
          return new Promise(function (done) { requestAnimationFrame(function () { done({}); }); });
        };
        </script></body></html>
        """
        .formatted(dist, MARGIN, TOLERANCE);
  }
}
