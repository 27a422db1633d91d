package org.switchman.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Drives {@code dc-switchover} runs through the REST API for end-to-end tests: alice starts, the
 * approvers complete the gates, admin looks around.
 */
public final class SwitchoverRuns {

  private final int port;

  public SwitchoverRuns(int port) {
    this.port = port;
  }

  public static String startBody(String from, String to, String mode) {
    return startBody(from, to, mode, "");
  }

  /**
   * The start body with more variables, given as JSON members that follow the usual ones, such as
   * {@code ,"warmUpCaches":{"value":true}}.
   */
  public static String startBody(String from, String to, String mode, String moreVariables) {
    return "{\"variables\":{\"dcFrom\":{\"value\":\"" + from + "\"},\"dcTo\":{\"value\":\"" + to
        + "\"},\"mode\":{\"value\":\"" + mode + "\"},\"reason\":{\"value\":\"Datacenter switchover test\"},"
        + "\"ticket\":{\"value\":\"T4242\"},\"readOnlyBudget\":{\"value\":\"PT3M\"},"
        + "\"inFlightGrace\":{\"value\":\"PT0S\"}" + moreVariables + "}}";
  }

  /** alice starts a run; the answer is returned whatever its status. */
  public Rest.Reply tryStart(String from, String to, String mode) {
    return Rest.as(port, "alice", "demo").post(
        "/engine-rest/process-definition/key/dc-switchover/start", startBody(from, to, mode));
  }

  /** alice starts a run, which must be accepted; returns its id. */
  public String start(String from, String to, String mode) {
    return start(from, to, mode, "");
  }

  /** alice starts a run with more variables ({@link #startBody(String, String, String, String)}). */
  public String start(String from, String to, String mode, String moreVariables) {
    Rest.Reply reply = Rest.as(port, "alice", "demo").post(
        "/engine-rest/process-definition/key/dc-switchover/start",
        startBody(from, to, mode, moreVariables));
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().path("id").asText();
  }

  public void approve(String run, String gate, String user) {
    JsonNode task = awaitTask(gate);
    assertThat(task.path("processInstanceId").asText()).isEqualTo(run);
    complete(Rest.as(port, user, "demo"), task.path("id").asText(),
        "{\"decision\":{\"value\":\"GO\"},\"comment\":{\"value\":\"GO from " + user + "\"}}");
  }

  public void complete(Rest as, String taskId, String variables) {
    Rest.Reply reply = as.post("/engine-rest/task/" + taskId + "/complete",
        "{\"variables\":" + variables + "}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(204);
  }

  public JsonNode awaitTask(String key) {
    Rest admin = Rest.as(port, "admin", "demo");
    JsonNode[] found = new JsonNode[1];
    await(() -> {
      JsonNode tasks = admin.get("/engine-rest/task?taskDefinitionKey=" + key).json();
      if (tasks.size() > 0) {
        found[0] = tasks.get(0);
        return true;
      }
      return false;
    }, Duration.ofSeconds(90), () -> "task " + key + "; open tasks: "
        + admin.get("/engine-rest/task").body() + "; incidents: " + admin.get("/engine-rest/incident").body());
    return found[0];
  }

  public String variable(JsonNode task, String name) {
    return Rest.as(port, "admin", "demo").get("/engine-rest/task/" + task.path("id").asText()
        + "/variables/" + name).json().path("value").asText();
  }

  public String variable(String run, String name) {
    JsonNode found = Rest.as(port, "admin", "demo").get("/engine-rest/history/variable-instance"
        + "?processInstanceId=" + run + "&variableName=" + name).json();
    return found.get(0).path("value").asText();
  }

  public JsonNode history(String run) {
    return Rest.as(port, "admin", "demo").get("/engine-rest/history/process-instance/" + run).json();
  }

  /** Waits for the run to end, then checks it completed without incidents. */
  public void awaitEnd(String run) {
    await(() -> !history(run).path("state").asText().equals("ACTIVE"), Duration.ofSeconds(120),
        () -> "run " + run + " to end");
    JsonNode incidents = Rest.as(port, "admin", "demo").get("/engine-rest/incident").json();
    assertThat(incidents.size()).as(incidents.toString()).isZero();
    assertThat(history(run).path("state").asText()).isEqualTo("COMPLETED");
  }

  public static void await(BooleanSupplier condition, Duration limit, Supplier<String> what) {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("timed out waiting for " + what.get());
  }
}
