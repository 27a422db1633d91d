package org.switchman.process.deployment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.switchman.process.decisions.DecisionTasksPlugin;
import org.switchman.process.foureyes.FourEyesParseListener;

/**
 * What a diagram may not carry, checked on the element tree the engine's own XML parser builds, so
 * the check reads exactly what the engine would execute. Elements and attributes are matched by
 * their local name in any namespace (the engine also honours the old {@code activiti:} one).
 *
 * <ul>
 *   <li>{@code script}: a script task, a {@code script} element (script listeners and script
 *       input/output mappings), or a {@code resource}, {@code scriptFormat} or {@code language}
 *       attribute (script resources and script conditions);
 *   <li>{@code class}: a {@code camunda:class}, a listener's {@code class} or any {@code …Class}
 *       attribute, which runs any Java class on the classpath;
 *   <li>{@code delegate-expression}: a delegate expression other than {@code ${bean}} naming one of
 *       the {@link DiagramBeans};
 *   <li>{@code expression}: any other {@code ${…}} or {@code #{…}}, in an attribute or in text,
 *       that {@link ExpressionRules} does not allow;
 *   <li>{@code start-event}: a timer, message, signal or conditional start event, which starts runs
 *       without a person starting them in Tasklist;
 *   <li>{@code connector}: a {@code camunda:connector}, which calls other systems from the engine;
 *   <li>{@code approval-task}: a user task with the approval form whose candidate group is not
 *       literally {@code approvers}, or that names users, an assignee or a form by expression (the
 *       four-eyes rule recognises approval tasks by that literal group).
 * </ul>
 *
 * Documentation, text annotations and diagram layout are never evaluated and are not read.
 */
final class DiagramRules {

  private static final Set<String> NOT_EVALUATED = Set.of("documentation", "text", "BPMNDiagram");
  private static final Map<String, String> START_EVENT_KINDS =
      Map.of(
          "timerEventDefinition",
              "a timer start event starts runs by itself, with no person behind them",
          "messageEventDefinition",
              "a message start event starts runs from a message, not from a person "
                  + "in Tasklist",
          "signalEventDefinition",
              "a signal start event starts runs of every diagram listening for the "
                  + "signal at once",
          "conditionalEventDefinition",
              "a conditional start event starts runs by itself when a " + "condition holds",
          "eventDefinitionRef", "a start event may not refer to an event definition");
  private static final Set<String> DELEGATE_ATTRIBUTES =
      Set.of("delegateExpression", "variableMappingDelegateExpression");
  private static final Set<String> SCRIPT_ATTRIBUTES =
      Set.of("resource", "scriptFormat", "language");
  private static final Set<String> FORM_ATTRIBUTES = Set.of("formRef", "formKey");
  private static final int SHOWN = 160;

  private final ExpressionRules expressions;

  /**
   * @param beans the names of the beans a diagram may name ({@link DiagramBeans})
   */
  DiagramRules(Set<String> beans) {
    this.expressions = new ExpressionRules(beans);
  }

  /**
   * The rules the diagram breaks, in document order, one reason per element and rule; empty when it
   * may be deployed.
   */
  List<Refusal> check(String resource, Element definitions) {
    List<Refusal> refusals = new ArrayList<>();
    walk(resource, definitions, idOr(definitions, resource), refusals);
    // one reason per element and rule: a script task is also a script element with a format
    Set<String> seen = new HashSet<>();
    return refusals.stream().filter(r -> seen.add(r.elementId() + "\n" + r.rule())).toList();
  }

  private void walk(String resource, Element element, String owner, List<Refusal> out) {
    String tag = localName(element);
    if (NOT_EVALUATED.contains(tag)) {
      return;
    }
    String here = idOr(element, owner);
    switch (tag) {
      case "scriptTask" ->
          out.add(new Refusal(resource, here, "script", "a script task runs arbitrary code"));
      case "script" ->
          out.add(
              new Refusal(
                  resource,
                  here,
                  "script",
                  "a script (listener, input/output mapping or task) runs arbitrary code"));
      case "connector" ->
          out.add(
              new Refusal(
                  resource, here, "connector", "a connector calls other systems from the engine"));
      case "startEvent" -> startEvent(resource, element, here, out);
      case "userTask" -> userTask(resource, element, here, out);
      default -> {}
    }
    attributes(resource, element, here, out);
    if (!"script".equals(tag)
        && !"scriptTask".equals(tag)
        && ExpressionRules.hasExpression(element.getText())) {
      String problem = expressions.problemIn(element.getText());
      if (problem != null) {
        out.add(
            new Refusal(
                resource,
                here,
                "expression",
                problem
                    + " in <"
                    + tag
                    + ">"
                    + shown(element.getText().strip())
                    + "</"
                    + tag
                    + ">"));
      }
    }
    for (Element child : element.elements()) {
      walk(resource, child, here, out);
    }
  }

  private void attributes(String resource, Element element, String here, List<Refusal> out) {
    for (String key : element.attributes()) {
      String name = key.substring(key.lastIndexOf(':') + 1);
      String value = element.attribute(key);
      if (name.equals("class") || name.endsWith("Class")) {
        out.add(
            new Refusal(
                resource,
                here,
                "class",
                name
                    + "=\""
                    + shown(value)
                    + "\" runs any Java class on the classpath; name a ${…Delegate} bean instead"));
      } else if (SCRIPT_ATTRIBUTES.contains(name)) {
        out.add(
            new Refusal(
                resource,
                here,
                "script",
                name + "=\"" + shown(value) + "\" makes a script, which runs arbitrary code"));
      } else if (DELEGATE_ATTRIBUTES.contains(name)) {
        String problem = expressions.problemInDelegateExpression(value);
        if (problem != null) {
          out.add(new Refusal(resource, here, "delegate-expression", problem));
        }
      } else if (ExpressionRules.hasExpression(value)) {
        String problem = expressions.problemIn(value);
        if (problem != null) {
          out.add(
              new Refusal(
                  resource,
                  here,
                  "expression",
                  problem + " in " + name + "=\"" + shown(value) + "\""));
        }
      }
    }
  }

  private static void startEvent(String resource, Element event, String here, List<Refusal> out) {
    for (Element child : event.elements()) {
      String why = START_EVENT_KINDS.get(localName(child));
      if (why != null) {
        out.add(new Refusal(resource, here, "start-event", why));
      }
    }
  }

  private static void userTask(String resource, Element task, String here, List<Refusal> out) {
    boolean approval = false;
    for (String key : task.attributes()) {
      String name = key.substring(key.lastIndexOf(':') + 1);
      String value = task.attribute(key);
      if (!FORM_ATTRIBUTES.contains(name)) {
        continue;
      }
      if (ExpressionRules.hasExpression(value)) {
        out.add(
            new Refusal(
                resource,
                here,
                "approval-task",
                "a user task's form must be named "
                    + "literally, not by expression ("
                    + name
                    + "=\""
                    + shown(value)
                    + "\")"));
      }
      approval |=
          name.equals("formRef")
              ? DecisionTasksPlugin.APPROVAL_FORM.equals(value.strip())
              : value.strip().endsWith(DecisionTasksPlugin.APPROVAL_FORM + ".form");
    }
    if (!approval) {
      return;
    }
    String groups = null;
    for (String key : task.attributes()) {
      String name = key.substring(key.lastIndexOf(':') + 1);
      if (name.equals("candidateGroups")) {
        groups = task.attribute(key);
      } else if (name.equals("candidateUsers") || name.equals("assignee")) {
        out.add(
            new Refusal(
                resource,
                here,
                "approval-task",
                "an approval task is offered to the "
                    + "group "
                    + FourEyesParseListener.APPROVERS_GROUP
                    + " only, not to users ("
                    + name
                    + "=\""
                    + shown(task.attribute(key))
                    + "\")"));
      }
    }
    if (!FourEyesParseListener.APPROVERS_GROUP.equals(groups)) {
      out.add(
          new Refusal(
              resource,
              here,
              "approval-task",
              "an approval task (form "
                  + DecisionTasksPlugin.APPROVAL_FORM
                  + ") must have candidateGroups=\""
                  + FourEyesParseListener.APPROVERS_GROUP
                  + "\" literally, found "
                  + (groups == null ? "none" : "\"" + shown(groups) + "\"")));
    }
    for (Element child : task.elements()) {
      String tag = localName(child);
      if (tag.equals("potentialOwner") || tag.equals("humanPerformer")) {
        out.add(
            new Refusal(
                resource,
                here,
                "approval-task",
                "an approval task is offered through "
                    + "candidateGroups=\""
                    + FourEyesParseListener.APPROVERS_GROUP
                    + "\" only, not through "
                    + tag));
      }
    }
  }

  /** The element's name without a namespace prefix, however the parser was set up. */
  static String localName(Element element) {
    String tag = element.getTagName();
    return tag.substring(tag.lastIndexOf(':') + 1);
  }

  private static String idOr(Element element, String fallback) {
    String id = element.attribute("id");
    return id == null || id.isBlank() ? fallback : id;
  }

  private static String shown(String value) {
    if (value == null) {
      return "";
    }
    return value.length() <= SHOWN ? value : value.substring(0, SHOWN) + "…";
  }
}
