package org.switchman.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Drives {@code dc-switchover} runs through the REST API for end-to-end tests: alice starts, the
 * approvers complete the gates, admin looks around.
 */
public final class SwitchoverRuns {

  private static final int START_ATTEMPTS = 4;

  private final int port;

  public SwitchoverRuns(int port) {
    this.port = port;
  }

  public static String startBody(String from, String to, String mode) {
    return startBody(from, to, mode, Map.of());
  }

  /**
   * The start body: the usual variables (a 3-minute read-only budget, no in-flight grace), with
   * {@code overrides} replacing or adding to them, such as {@code warmUpCaches=true}.
   */
  public static String startBody(
      String from, String to, String mode, Map<String, Object> overrides) {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("dcFrom", from);
    values.put("dcTo", to);
    values.put("mode", mode);
    values.put("reason", "Datacenter switchover test");
    values.put("ticket", "T4242");
    values.put("readOnlyBudget", "PT3M");
    values.put("inFlightGrace", "PT0S");
    values.putAll(overrides);
    return Rest.variables(values);
  }

  /** alice starts a run; the answer is returned whatever its status. */
  public Rest.Reply tryStart(String from, String to, String mode) {
    return Rest.as(port, "alice", "demo")
        .post("/engine-rest/process-definition/key/dc-switchover/start", startBody(from, to, mode));
  }

  /** alice starts a run, which must be accepted; returns its id. */
  public String start(String from, String to, String mode) {
    return start(from, to, mode, Map.of());
  }

  /** alice starts a run with other variables ({@link #startBody(String, String, String, Map)}). */
  public String start(String from, String to, String mode, Map<String, Object> overrides) {
    Rest.Reply reply = null;
    // a 503 rolled the start back ("repeat it once the server answers"): a loaded machine's etcd
    // may miss the read timeout now and then; a user repeats, and so does this helper, a few times
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      reply =
          Rest.as(port, "alice", "demo")
              .post(
                  "/engine-rest/process-definition/key/dc-switchover/start",
                  startBody(from, to, mode, overrides));
      if (reply.status() != 503) {
        break;
      }
      pause(Duration.ofSeconds(1));
    }
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().path("id").asText();
  }

  /** Injects a lab fault through {@code /lab/api/faults} as admin; returns its id. */
  public String inject(String faultJson) {
    Rest.Reply reply = Rest.as(port, "admin", "demo").post("/lab/api/faults", faultJson);
    assertThat(reply.status()).as(reply.body()).isLessThan(300);
    return reply.json().path("id").asText();
  }

  /**
   * Checks that two steps of a run ran side by side: each started before the other ended (their one
   * activity instance each, from the history).
   */
  public void assertSideBySide(String run, String oneStep, String otherStep) {
    Instant[] one = ran(run, oneStep);
    Instant[] other = ran(run, otherStep);
    assertThat(one[0])
        .as(oneStep + " " + List.of(one) + " and " + otherStep + " " + List.of(other) + " overlap")
        .isBefore(other[1]);
    assertThat(other[0])
        .as(oneStep + " " + List.of(one) + " and " + otherStep + " " + List.of(other) + " overlap")
        .isBefore(one[1]);
  }

  /** When the run's one activity instance of a step started and ended. */
  private Instant[] ran(String run, String step) {
    JsonNode found =
        Rest.as(port, "admin", "demo")
            .get(
                "/engine-rest/history/activity-instance?processInstanceId="
                    + run
                    + "&activityId="
                    + step)
            .json();
    assertThat(found).as(step + " ran once in run " + run).hasSize(1);
    return new Instant[] {
      engineTime(found.get(0).path("startTime").asText()),
      engineTime(found.get(0).path("endTime").asText())
    };
  }

  /** A time as the engine's REST API writes it, such as {@code 2026-12-01T20:40:00.123+0000}. */
  public static Instant engineTime(String text) {
    return OffsetDateTime.parse(text, ENGINE_TIME).toInstant();
  }

  private static final DateTimeFormatter ENGINE_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

  /** Clears one lab fault. */
  public void clear(String fault) {
    assertThat(Rest.as(port, "admin", "demo").delete("/lab/api/faults/" + fault).status())
        .isLessThan(300);
  }

  /** alice answers an operator decision ({@code retry}, {@code abort}, {@code skip}). */
  public void decide(JsonNode task, String decision, String justification) {
    complete(
        Rest.as(port, "alice", "demo"),
        task.path("id").asText(),
        "{\"decision\":{\"value\":\""
            + decision
            + "\"}"
            + (justification == null
                ? ""
                : ",\"justification\":{\"value\":\"" + justification + "\"}")
            + "}");
  }

  /** Waits for the run to end without incidents, with the given outcome. */
  public void awaitOutcome(String run, String outcome) {
    awaitEnd(run);
    assertThat(variable(run, "outcome")).isEqualTo(outcome);
  }

  public void approve(String run, String gate, String user) {
    JsonNode task = awaitTask(gate);
    assertThat(task.path("processInstanceId").asText()).isEqualTo(run);
    complete(
        Rest.as(port, user, "demo"),
        task.path("id").asText(),
        "{\"decision\":{\"value\":\"GO\"},\"comment\":{\"value\":\"GO from " + user + "\"}}");
  }

  public void complete(Rest as, String taskId, String variables) {
    Rest.Reply reply =
        as.post("/engine-rest/task/" + taskId + "/complete", "{\"variables\":" + variables + "}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(204);
  }

  /**
   * Ticks every step of the open checklists of manual steps (of any run), through REST as {@value
   * Checklists#OPERATOR} of operators would in Tasklist: for the tests that drive runs past them
   * and are about something else.
   *
   * @return whether a checklist was open
   */
  public boolean tickChecklists() {
    JsonNode open =
        Rest.as(port, "admin", "demo")
            .get(
                "/engine-rest/task?taskDefinitionKeyIn="
                    + Checklists.PREPARATION
                    + ","
                    + Checklists.FOLLOW_UP)
            .json();
    for (JsonNode task : open) {
      complete(
          Rest.as(port, Checklists.OPERATOR, "demo"),
          task.path("id").asText(),
          Rest.values(
              Checklists.allTicked(Checklists.of(task.path("taskDefinitionKey").asText()))));
    }
    return !open.isEmpty();
  }

  /**
   * Waits for an open task with that key; checklists of manual steps that open meanwhile are ticked
   * ({@link #tickChecklists}).
   */
  public JsonNode awaitTask(String key) {
    Rest admin = Rest.as(port, "admin", "demo");
    JsonNode[] found = new JsonNode[1];
    await(
        () -> {
          if (!key.equals(Checklists.PREPARATION) && !key.equals(Checklists.FOLLOW_UP)) {
            tickChecklists();
          }
          JsonNode tasks = admin.get("/engine-rest/task?taskDefinitionKey=" + key).json();
          if (tasks.size() > 0) {
            found[0] = tasks.get(0);
            return true;
          }
          return false;
        },
        Duration.ofSeconds(90),
        () ->
            "task "
                + key
                + "; open tasks: "
                + admin.get("/engine-rest/task").body()
                + "; incidents: "
                + admin.get("/engine-rest/incident").body());
    return found[0];
  }

  public String variable(JsonNode task, String name) {
    return Rest.as(port, "admin", "demo")
        .get("/engine-rest/task/" + task.path("id").asText() + "/variables/" + name)
        .json()
        .path("value")
        .asText();
  }

  public String variable(String run, String name) {
    JsonNode found =
        Rest.as(port, "admin", "demo")
            .get(
                "/engine-rest/history/variable-instance"
                    + "?processInstanceId="
                    + run
                    + "&variableName="
                    + name)
            .json();
    return found.get(0).path("value").asText();
  }

  public JsonNode history(String run) {
    return Rest.as(port, "admin", "demo")
        .get("/engine-rest/history/process-instance/" + run)
        .json();
  }

  /**
   * Waits for the run to end, ticking the checklists of manual steps that open meanwhile ({@link
   * #tickChecklists}), then checks it completed without incidents.
   */
  public void awaitEnd(String run) {
    await(
        () -> {
          tickChecklists();
          return !history(run).path("state").asText().equals("ACTIVE");
        },
        Duration.ofMinutes(5),
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

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
