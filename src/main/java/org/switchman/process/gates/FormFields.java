package org.switchman.process.gates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.camunda.bpm.engine.FormService;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.ProcessDefinitionEntity;
import org.camunda.bpm.engine.variable.value.TypedValue;

/**
 * The variables a person may send with a start or a task completion: the keys of the editable
 * fields of its Camunda Form (components with a {@code key} that are neither {@code readonly} nor
 * {@code disabled}). Read from the form deployed for the definition or the task, so the diagram and
 * its form say what a run accepts; a start or task without a Camunda Form accepts no variable.
 */
public class FormFields {

  private final ObjectMapper json = new ObjectMapper();

  /**
   * @throws RefusedInputException naming the first variable the task's form does not have
   */
  public void checkTaskVariables(CommandContext context, String taskId, Collection<String> names) {
    if (names.isEmpty()
        || taskId == null
        || context.getTaskManager().findTaskById(taskId) == null) {
      return; // a task that is gone: the completion itself answers that it cannot find it
    }
    FormService formService = context.getProcessEngineConfiguration().getFormService();
    Form form =
        context.runWithoutAuthorization(() -> read(() -> formService.getDeployedTaskForm(taskId)));
    refuseOthers(names, form, "a completion of this task");
  }

  /**
   * @throws RefusedInputException naming the first variable the start form does not have
   */
  public void checkStartVariables(
      CommandContext context, String definitionId, String definitionKey, Collection<String> names) {
    if (names.isEmpty()) {
      return;
    }
    String id = definitionId;
    if (id == null && definitionKey != null) {
      ProcessDefinitionEntity latest =
          context
              .getProcessEngineConfiguration()
              .getDeploymentCache()
              .findDeployedLatestProcessDefinitionByKey(definitionKey);
      id = latest.getId();
    }
    if (id == null) {
      return;
    }
    String definition = id;
    FormService formService = context.getProcessEngineConfiguration().getFormService();
    Form form =
        context.runWithoutAuthorization(
            () -> read(() -> formService.getDeployedStartForm(definition)));
    refuseOthers(names, form, "a start of this runbook");
  }

  private static void refuseOthers(Collection<String> names, Form form, String what) {
    for (String name : new TreeSet<>(names)) {
      if (!form.fields().contains(name)) {
        throw new RefusedInputException(
            "The variable '"
                + name
                + "' is not a field of "
                + (form.id() == null ? "the form" : "the form '" + form.id() + "'")
                + ", so "
                + what
                + " cannot carry it; allowed: "
                + (form.fields().isEmpty() ? "none" : String.join(", ", form.fields())));
      }
    }
  }

  /**
   * The most characters the engine keeps in one text variable: its {@code TEXT_} column, in the
   * runtime and the history tables alike.
   */
  public static final int MAX_TEXT = 4000;

  /**
   * Refuses a text longer than the engine keeps, by name, before anything is stored: the engine
   * would fail the whole command with a database error instead.
   *
   * @param variables the variables of a start or a completion (plain or typed values), or null
   * @throws RefusedInputException naming the first variable, by name, whose text is too long
   */
  public static void checkLengths(Object variables) {
    if (!(variables instanceof Map<?, ?> map)) {
      return;
    }
    for (var entry : new TreeMap<>(map).entrySet()) {
      Object value = entry.getValue();
      if (value instanceof TypedValue typed) {
        value = typed.getValue();
      }
      if (value instanceof CharSequence text && text.length() > MAX_TEXT) {
        throw new RefusedInputException(
            "The variable '"
                + entry.getKey()
                + "' is "
                + text.length()
                + " characters long; the engine keeps at most "
                + MAX_TEXT
                + " characters in one");
      }
    }
  }

  private Form read(java.util.function.Supplier<InputStream> deployed) {
    InputStream stream;
    try {
      stream = deployed.get();
    } catch (ProcessEngineException noForm) {
      return new Form(null, Set.of());
    }
    try (InputStream in = stream) {
      return editableFields(json.readTree(in));
    } catch (IOException e) {
      throw new IllegalStateException("The deployed form cannot be read: " + e.getMessage(), e);
    }
  }

  /** The form's id and the keys of its editable fields. */
  static Form editableFields(JsonNode form) {
    Set<String> keys = new TreeSet<>();
    collect(form, keys);
    return new Form(form.path("id").isTextual() ? form.path("id").asText() : null, keys);
  }

  private static void collect(JsonNode node, Set<String> keys) {
    for (JsonNode component : node.path("components")) {
      boolean input =
          component.path("key").isTextual() && !"button".equals(component.path("type").asText());
      boolean locked =
          component.path("readonly").asBoolean(false)
              || component.path("disabled").asBoolean(false);
      if (input && !locked) {
        keys.add(component.path("key").asText());
      }
      collect(component, keys);
    }
  }

  /** A deployed form: its id and the variables it lets a person send. */
  record Form(String id, Set<String> fields) {}
}
