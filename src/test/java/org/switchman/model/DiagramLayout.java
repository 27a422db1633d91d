package org.switchman.model;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.model.bpmn.BpmnModelInstance;
import org.camunda.bpm.model.bpmn.instance.BaseElement;
import org.camunda.bpm.model.bpmn.instance.SequenceFlow;
import org.camunda.bpm.model.bpmn.instance.SubProcess;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnEdge;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnLabel;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnPlane;
import org.camunda.bpm.model.bpmn.instance.bpmndi.BpmnShape;
import org.camunda.bpm.model.bpmn.instance.dc.Bounds;
import org.camunda.bpm.model.bpmn.instance.di.Waypoint;

/**
 * What a designer sees in Camunda Modeler, checked on the diagram's layout (its BPMNDI), plane by
 * plane (the process, and each collapsed subprocess):
 *
 * <ul>
 *   <li>{@code edge-ends}: a flow starts at its source's shape and ends at its target's, so that no
 *       arrow stops short of the element it goes to;
 *   <li>{@code label-overlap}: no label lies on another label or on another element's shape (a
 *       task, an event, a gateway; an expanded subprocess holds its elements and does not count);
 *   <li>{@code stacked-flows}: no two flows run along the same line for more than a few pixels,
 *       which would draw them as one.
 * </ul>
 */
final class DiagramLayout {

  /** How far off a shape's border a flow's end may be, in pixels. */
  private static final double END_TOLERANCE = 3;

  /** How much two boxes or two collinear segments may share before they overlap, in pixels. */
  private static final double OVERLAP_TOLERANCE = 2;

  private DiagramLayout() {}

  private record Box(String owner, double x, double y, double width, double height) {
    static Box of(String owner, Bounds bounds) {
      return new Box(owner, bounds.getX(), bounds.getY(), bounds.getWidth(), bounds.getHeight());
    }

    boolean contains(double px, double py, double tolerance) {
      return px >= x - tolerance
          && px <= x + width + tolerance
          && py >= y - tolerance
          && py <= y + height + tolerance;
    }

    boolean overlaps(Box other) {
      double w = Math.min(x + width, other.x + other.width) - Math.max(x, other.x);
      double h = Math.min(y + height, other.y + other.height) - Math.max(y, other.y);
      return w > OVERLAP_TOLERANCE && h > OVERLAP_TOLERANCE;
    }
  }

  private record Segment(String flow, double x1, double y1, double x2, double y2) {
    boolean horizontal() {
      return y1 == y2 && x1 != x2;
    }

    boolean vertical() {
      return x1 == x2 && y1 != y2;
    }

    /** The length both segments share along one line; 0 when they do not lie on one line. */
    double shared(Segment other) {
      if (horizontal() && other.horizontal() && y1 == other.y1) {
        return Math.min(Math.max(x1, x2), Math.max(other.x1, other.x2))
            - Math.max(Math.min(x1, x2), Math.min(other.x1, other.x2));
      }
      if (vertical() && other.vertical() && x1 == other.x1) {
        return Math.min(Math.max(y1, y2), Math.max(other.y1, other.y2))
            - Math.max(Math.min(y1, y2), Math.min(other.y1, other.y2));
      }
      return 0;
    }
  }

  static void check(
      String file, BpmnModelInstance model, List<ModelConventions.Violation> violations) {
    for (BpmnPlane plane : model.getModelElementsByType(BpmnPlane.class)) {
      check(file, plane, violations);
    }
  }

  /**
   * One plane: the process, or a collapsed subprocess that a designer drills into. Coordinates of
   * different planes are unrelated, so elements are compared only within their plane.
   */
  private static void check(
      String file, BpmnPlane plane, List<ModelConventions.Violation> violations) {
    Map<String, Box> shapes = new HashMap<>();
    List<Box> covering = new ArrayList<>();
    List<Box> labels = new ArrayList<>();
    for (BpmnShape shape : plane.getChildElementsByType(BpmnShape.class)) {
      BaseElement element = shape.getBpmnElement();
      if (element == null || shape.getBounds() == null) {
        continue;
      }
      Box box = Box.of(element.getId(), shape.getBounds());
      shapes.put(element.getId(), box);
      if (!(element instanceof SubProcess) || !shape.isExpanded()) {
        covering.add(box);
      }
      label(element.getId(), shape.getBpmnLabel(), labels);
    }
    List<Segment> segments = new ArrayList<>();
    for (BpmnEdge edge : plane.getChildElementsByType(BpmnEdge.class)) {
      if (!(edge.getBpmnElement() instanceof SequenceFlow flow)) {
        continue;
      }
      label(flow.getId(), edge.getBpmnLabel(), labels);
      List<Waypoint> points = new ArrayList<>(edge.getWaypoints());
      if (points.size() < 2) {
        continue;
      }
      ends(file, flow, shapes, points, violations);
      for (int i = 1; i < points.size(); i++) {
        segments.add(
            new Segment(
                flow.getId(),
                points.get(i - 1).getX(),
                points.get(i - 1).getY(),
                points.get(i).getX(),
                points.get(i).getY()));
      }
    }
    for (int i = 0; i < labels.size(); i++) {
      Box label = labels.get(i);
      for (int j = i + 1; j < labels.size(); j++) {
        if (labels.get(j).overlaps(label) && !labels.get(j).owner().equals(label.owner())) {
          violations.add(
              new ModelConventions.Violation(
                  file,
                  label.owner(),
                  "label-overlap",
                  "its label lies on the label of " + labels.get(j).owner()));
        }
      }
      for (Box shape : covering) {
        if (!shape.owner().equals(label.owner()) && shape.overlaps(label)) {
          violations.add(
              new ModelConventions.Violation(
                  file, label.owner(), "label-overlap", "its label lies on " + shape.owner()));
        }
      }
    }
    for (int i = 0; i < segments.size(); i++) {
      for (int j = i + 1; j < segments.size(); j++) {
        Segment one = segments.get(i);
        Segment other = segments.get(j);
        if (!one.flow().equals(other.flow()) && one.shared(other) > OVERLAP_TOLERANCE) {
          violations.add(
              new ModelConventions.Violation(
                  file,
                  one.flow(),
                  "stacked-flows",
                  "runs along "
                      + other.flow()
                      + " for "
                      + Math.round(one.shared(other))
                      + " px: they are drawn as one"));
        }
      }
    }
  }

  /** How much room a plane's drawing takes: its shapes, labels and flows, in pixels at 100 %. */
  record Extent(double width, double height) {}

  static Extent extent(BpmnPlane plane) {
    double minX = Double.MAX_VALUE, minY = Double.MAX_VALUE;
    double maxX = -Double.MAX_VALUE, maxY = -Double.MAX_VALUE;
    List<double[]> boxes = new ArrayList<>();
    for (BpmnShape shape : plane.getChildElementsByType(BpmnShape.class)) {
      Bounds b = shape.getBounds();
      boxes.add(new double[] {b.getX(), b.getY(), b.getWidth(), b.getHeight()});
      if (shape.getBpmnLabel() != null && shape.getBpmnLabel().getBounds() != null) {
        Bounds l = shape.getBpmnLabel().getBounds();
        boxes.add(new double[] {l.getX(), l.getY(), l.getWidth(), l.getHeight()});
      }
    }
    for (BpmnEdge edge : plane.getChildElementsByType(BpmnEdge.class)) {
      for (Waypoint point : edge.getWaypoints()) {
        boxes.add(new double[] {point.getX(), point.getY(), 0, 0});
      }
      if (edge.getBpmnLabel() != null && edge.getBpmnLabel().getBounds() != null) {
        Bounds l = edge.getBpmnLabel().getBounds();
        boxes.add(new double[] {l.getX(), l.getY(), l.getWidth(), l.getHeight()});
      }
    }
    for (double[] box : boxes) {
      minX = Math.min(minX, box[0]);
      minY = Math.min(minY, box[1]);
      maxX = Math.max(maxX, box[0] + box[2]);
      maxY = Math.max(maxY, box[1] + box[3]);
    }
    return boxes.isEmpty() ? new Extent(0, 0) : new Extent(maxX - minX, maxY - minY);
  }

  private static void label(String owner, BpmnLabel label, List<Box> labels) {
    if (label != null && label.getBounds() != null) {
      labels.add(Box.of(owner, label.getBounds()));
    }
  }

  private static void ends(
      String file,
      SequenceFlow flow,
      Map<String, Box> shapes,
      List<Waypoint> points,
      List<ModelConventions.Violation> violations) {
    Box source = shapes.get(flow.getSource().getId());
    Box target = shapes.get(flow.getTarget().getId());
    Waypoint first = points.get(0);
    Waypoint last = points.get(points.size() - 1);
    if (source != null && !source.contains(first.getX(), first.getY(), END_TOLERANCE)) {
      violations.add(
          new ModelConventions.Violation(
              file,
              flow.getId(),
              "edge-ends",
              "starts at (" + first.getX() + ", " + first.getY() + "), off " + source.owner()));
    }
    if (target != null && !target.contains(last.getX(), last.getY(), END_TOLERANCE)) {
      violations.add(
          new ModelConventions.Violation(
              file,
              flow.getId(),
              "edge-ends",
              "ends at (" + last.getX() + ", " + last.getY() + "), off " + target.owner()));
    }
  }
}
