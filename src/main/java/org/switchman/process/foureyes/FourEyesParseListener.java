package org.switchman.process.foureyes;

import java.util.Arrays;
import org.camunda.bpm.engine.delegate.Expression;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.camunda.bpm.engine.impl.bpmn.behavior.UserTaskActivityBehavior;
import org.camunda.bpm.engine.impl.bpmn.parser.AbstractBpmnParseListener;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParse;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.impl.pvm.process.ActivityImpl;
import org.camunda.bpm.engine.impl.pvm.process.ScopeImpl;
import org.camunda.bpm.engine.impl.task.TaskDefinition;
import org.camunda.bpm.engine.impl.util.xml.Element;

/**
 * Attaches the four-eyes listener to every approval task of every deployed process, so that no
 * diagram can forget it. An approval task is a user task whose candidate groups include {@value
 * #APPROVERS_GROUP}.
 *
 * <p>A process may also require that each of its approval tasks be completed by a different
 * approver, with the extension property {@value #DISTINCT_APPROVERS_PROPERTY}{@code =true} on the
 * process element (Camunda Modeler: process, "Extension properties").
 */
public class FourEyesParseListener extends AbstractBpmnParseListener {

  public static final String APPROVERS_GROUP = "approvers";
  public static final String DISTINCT_APPROVERS_PROPERTY = "distinctApprovers";

  /** Marks an activity as an approval task; read at runtime by {@link FourEyesTaskListener}. */
  static final String APPROVAL_MARK = "switchman.approvalTask";

  /** Marks a process definition whose approvals need distinct approvers. */
  static final String DISTINCT_MARK = "switchman.distinctApprovers";

  private final TaskListener listener;

  public FourEyesParseListener(TaskListener listener) {
    this.listener = listener;
  }

  @Override
  public void parseUserTask(Element userTaskElement, ScopeImpl scope, ActivityImpl activity) {
    if (!(activity.getActivityBehavior() instanceof UserTaskActivityBehavior behavior)) {
      return;
    }
    TaskDefinition definition = behavior.getTaskDefinition();
    if (!isApproval(definition)) {
      return;
    }
    activity.setProperty(APPROVAL_MARK, Boolean.TRUE);
    definition.addBuiltInTaskListener(TaskListener.EVENTNAME_ASSIGNMENT, listener);
    definition.addBuiltInTaskListener(TaskListener.EVENTNAME_COMPLETE, listener);
  }

  @Override
  public void parseProcess(Element processElement, ProcessDefinitionEntity processDefinition) {
    Element extensions = processElement.element("extensionElements");
    if (extensions == null) {
      return;
    }
    for (Element properties :
        extensions.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "properties")) {
      for (Element property :
          properties.elementsNS(BpmnParse.CAMUNDA_BPMN_EXTENSIONS_NS, "property")) {
        if (DISTINCT_APPROVERS_PROPERTY.equals(property.attribute("name"))) {
          processDefinition.setProperty(
              DISTINCT_MARK, Boolean.parseBoolean(property.attribute("value")));
        }
      }
    }
  }

  private static boolean isApproval(TaskDefinition definition) {
    for (Expression expression : definition.getCandidateGroupIdExpressions()) {
      boolean listed =
          Arrays.stream(expression.getExpressionText().split(","))
              .map(String::trim)
              .anyMatch(APPROVERS_GROUP::equals);
      if (listed) {
        return true;
      }
    }
    return false;
  }
}
