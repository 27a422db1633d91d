package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.Rest;

/**
 * Four-eyes over the REST API: the starter of a run cannot claim or complete its approval tasks,
 * whatever the route; with distinct approvers, one approver cannot decide two gates.
 */
@AppWithDemoUsers
class FourEyesIT {

  private static final String GO = Rest.go("looks right");

  @LocalServerPort int port;

  @Autowired Journal journal;

  private Rest alice() {
    return Rest.as(port, "alice", "demo");
  }

  private Rest bob() {
    return Rest.as(port, "bob", "demo");
  }

  private Rest dave() {
    return Rest.as(port, "dave", "demo");
  }

  @Test
  void theStarterCannotApproveHerOwnRunByAnyRoute() {
    String run = start("four-eyes-check");
    String task = openTask(run, "UserTask_FirstGate");

    assertRefused(
        alice().post("/engine-rest/task/" + task + "/claim", "{\"userId\":\"alice\"}"), "alice");
    assertRefused(alice().post("/engine-rest/task/" + task + "/complete", GO), "alice");
    assertRefused(alice().post("/engine-rest/task/" + task + "/submit-form", GO), "alice");
    assertThat(task(task).get("assignee").isNull()).isTrue();

    // nor hand it to someone of her choice, and still not complete it herself
    Rest.Reply handed =
        alice().post("/engine-rest/task/" + task + "/assignee", "{\"userId\":\"bob\"}");
    assertThat(handed.status()).isEqualTo(403);
    assertThat(handed.json().get("type").asText()).isEqualTo("GateRefusal");
    assertRefused(alice().post("/engine-rest/task/" + task + "/complete", GO), "alice");
    assertThat(task(task).get("assignee").isNull()).isTrue();
    assertThat(openTask(run, "UserTask_FirstGate")).isEqualTo(task);

    List<String> comments = comments(task);
    assertThat(comments).hasSize(4);
    assertThat(comments)
        .allSatisfy(
            comment ->
                assertThat(comment)
                    .startsWith("Four-eyes refusal: alice tried to")
                    .contains("alice started this run and cannot approve it"));
    assertThat(comments).anyMatch(c -> c.contains("tried to claim"));

    assertThat(bob().post("/engine-rest/task/" + task + "/complete", GO).status()).isEqualTo(204);
    assertThat(historicAssignee(run, "UserTask_FirstGate")).isEqualTo("bob");

    List<JournalEntry> journaled = journal.entriesOfRun(run);
    assertThat(journaled)
        .filteredOn(e -> e.kind().equals("REFUSAL"))
        .hasSize(4)
        .allSatisfy(
            e -> {
              assertThat(e.actor()).isEqualTo("alice");
              assertThat(e.outcome()).isEqualTo("REFUSED");
              assertThat(e.output()).isEqualTo("alice started this run and cannot approve it");
            });
    assertThat(journaled)
        .filteredOn(e -> e.kind().equals("APPROVAL"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.actor()).isEqualTo("bob");
              assertThat(e.outcome()).isEqualTo("GO");
              assertThat(e.output()).isEqualTo("looks right");
              assertThat(e.step()).isEqualTo("UserTask_FirstGate");
            });
    assertThat(journal.verifyRun(run).intact()).isTrue();
  }

  @Test
  void theStarterCannotBeAssignedHerOwnApproval() {
    String run = start("four-eyes-check");
    String task = openTask(run, "UserTask_FirstGate");
    Rest.Reply handed =
        bob().post("/engine-rest/task/" + task + "/assignee", "{\"userId\":\"alice\"}");
    assertThat(handed.status()).isEqualTo(403);
    assertThat(handed.json().get("message").asText()).contains("for alice");
    // and alice can neither assign it to herself (no one but admins assigns) nor claim it
    // (four-eyes)
    assertThat(
            alice()
                .post("/engine-rest/task/" + task + "/assignee", "{\"userId\":\"alice\"}")
                .status())
        .isEqualTo(403);
    assertRefused(
        alice().post("/engine-rest/task/" + task + "/claim", "{\"userId\":\"alice\"}"), "alice");
    assertThat(task(task).get("assignee").isNull()).isTrue();
  }

  @Test
  void distinctApproversAreRequiredWhenTheProcessSaysSo() {
    String run = start("four-eyes-check");
    String first = openTask(run, "UserTask_FirstGate");
    assertThat(bob().post("/engine-rest/task/" + first + "/complete", GO).status()).isEqualTo(204);

    String second = openTask(run, "UserTask_SecondGate");
    Rest.Reply refused = bob().post("/engine-rest/task/" + second + "/complete", GO);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().get("message").asText())
        .isEqualTo(
            "bob already approved 'First GO/NOGO' of this run; a different approver must"
                + " decide 'Final GO/NOGO'");
    assertThat(
            bob().post("/engine-rest/task/" + second + "/claim", "{\"userId\":\"bob\"}").status())
        .isEqualTo(403);

    assertThat(dave().post("/engine-rest/task/" + second + "/complete", GO).status())
        .isEqualTo(204);
    assertThat(historicAssignee(run, "UserTask_SecondGate")).isEqualTo("dave");
    JsonNode instance = alice().get("/engine-rest/history/process-instance/" + run).json();
    assertThat(instance.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(instance.get("startUserId").asText()).isEqualTo("alice");
  }

  @Test
  void withoutTheOptionOneApproverMayDecideBothGates() {
    String run = start("four-eyes-check-same-approver");
    assertThat(
            bob()
                .post("/engine-rest/task/" + openTask(run, "UserTask_FirstGate") + "/complete", GO)
                .status())
        .isEqualTo(204);
    assertThat(
            bob()
                .post("/engine-rest/task/" + openTask(run, "UserTask_SecondGate") + "/complete", GO)
                .status())
        .isEqualTo(204);
    assertThat(
            alice()
                .get("/engine-rest/history/process-instance/" + run)
                .json()
                .get("state")
                .asText())
        .isEqualTo("COMPLETED");
  }

  private static void assertRefused(Rest.Reply reply, String starter) {
    assertThat(reply.status()).as(reply.body()).isEqualTo(403);
    assertThat(reply.json().get("type").asText()).isEqualTo("FourEyesViolation");
    assertThat(reply.json().get("message").asText())
        .isEqualTo(starter + " started this run and cannot approve it");
  }

  private String start(String key) {
    Rest.Reply reply =
        alice()
            .post(
                "/engine-rest/process-definition/key/" + key + "/start",
                "{\"variables\":{\"reason\":{\"value\":\"four-eyes test\"},\"ticket\":{\"value\":\"T1\"}}}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("id").asText();
  }

  private String openTask(String run, String key) {
    JsonNode tasks =
        Rest.as(port, "admin", "demo")
            .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + key)
            .json();
    assertThat(tasks.size()).as("open %s tasks of %s", key, run).isEqualTo(1);
    return tasks.get(0).get("id").asText();
  }

  private JsonNode task(String id) {
    return Rest.as(port, "admin", "demo").get("/engine-rest/task/" + id).json();
  }

  private List<String> comments(String task) {
    List<String> messages = new ArrayList<>();
    Rest.as(port, "admin", "demo")
        .get("/engine-rest/task/" + task + "/comment")
        .json()
        .forEach(comment -> messages.add(comment.get("message").asText()));
    return messages;
  }

  private String historicAssignee(String run, String key) {
    JsonNode tasks =
        Rest.as(port, "carol", "demo")
            .get("/engine-rest/history/task?processInstanceId=" + run + "&taskDefinitionKey=" + key)
            .json();
    assertThat(tasks.size()).isEqualTo(1);
    return tasks.get(0).get("assignee").asText();
  }
}
