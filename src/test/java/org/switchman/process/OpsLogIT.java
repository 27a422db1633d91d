package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalHead;
import org.switchman.infra.opslog.FileAndWebhookOpsLog;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.Rest;
import org.switchman.support.WebSession;

/**
 * Every run writes the ops log (start, each decision, end, with user, reason and ticket, then the
 * journal's head) and counts in the metrics; the run report shows the head published at its end.
 */
@AppWithDemoUsers
class OpsLogIT {

  private static final String GO = Rest.go("checked the plan");

  @LocalServerPort int port;

  @org.springframework.beans.factory.annotation.Value("${switchman.data-dir}")
  java.nio.file.Path dataDir;

  @Autowired FileAndWebhookOpsLog opsLog;

  @Autowired Journal journal;

  @Test
  void aRunLeavesItsLinesInTheOpsLog() throws Exception {
    Rest alice = Rest.as(port, "alice", "demo");
    String run =
        alice
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"ops log check\"},\"ticket\":{\"value\":\"T777\"}}}")
            .json()
            .get("id")
            .asText();
    for (String gate : List.of("UserTask_FirstGate", "UserTask_SecondGate")) {
      String task =
          Rest.as(port, "admin", "demo")
              .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + gate)
              .json()
              .get(0)
              .get("id")
              .asText();
      String approver = gate.equals("UserTask_FirstGate") ? "bob" : "dave";
      assertThat(
              Rest.as(port, approver, "demo")
                  .post("/engine-rest/task/" + task + "/complete", GO)
                  .status())
          .isEqualTo(204);
    }
    assertThat(opsLog.drain(Duration.ofSeconds(10))).isTrue();

    List<String> lines =
        Files.readAllLines(dataDir.resolve("ops.log")).stream()
            .filter(line -> line.contains(" " + run + " "))
            .toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0))
        .contains("alice: four-eyes-check " + run + " run started", "(T777: ops log check)");
    assertThat(lines.get(1))
        .contains(
            "bob: four-eyes-check "
                + run
                + " decision: GO at 'First GO/NOGO':"
                + " checked the plan");
    assertThat(lines.get(2))
        .contains("dave: four-eyes-check " + run + " decision: GO at 'Final GO/NOGO'");
    assertThat(lines.get(3))
        .contains("dave: four-eyes-check " + run + " run ended: ended at Run finished");

    // the journal's head follows the run's end, and the run report shows it against the journal now
    assertThat(lines.get(4))
        .containsPattern(
            "system: four-eyes-check " + run + " journal head: seq=\\d+ hash=[0-9a-f]{64}$");
    JournalHead published = JournalHead.parse(lines.get(4)).orElseThrow();
    JournalEntry approval =
        journal.entriesOfRun(run).stream()
            .filter(e -> e.kind().equals("APPROVAL"))
            .reduce((first, second) -> second)
            .orElseThrow();
    assertThat(published.seq()).isGreaterThanOrEqualTo(approval.seq());
    assertThat(journal.entry(published.seq()).orElseThrow().hash()).isEqualTo(published.hash());
    JsonNode head =
        Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json().get("journalHead");
    assertThat(head.get("atRunEnd").get("seq").asLong()).isEqualTo(published.seq());
    assertThat(head.get("atRunEnd").get("hash").asText()).isEqualTo(published.hash());
    assertThat(head.get("unchanged").asBoolean()).isTrue();
    assertThat(head.get("now").get("seq").asLong()).isGreaterThanOrEqualTo(published.seq());
    String page = new WebSession(port).login("carol", "demo").get("/switchman/runs/" + run).body();
    assertThat(page)
        .contains(
            "id=\"journal-head-at-end\"",
            published.toString(),
            "entry " + published.seq() + " still carries this hash");

    String metrics = Rest.as(port, "carol", "demo").get("/actuator/prometheus").body();
    assertThat(metrics)
        .containsPattern(
            "switchman_runs_ended_total\\{[^}]*outcome=\"completed\",runbook=\"four-eyes-check\"[^}]*} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "switchman_task_wait_seconds_count\\{[^}]*runbook=\"four-eyes-check\",task=\"UserTask_FirstGate\"[^}]*} [1-9]");
    assertThat(metrics).contains("switchman_runs_started_total{");
  }
}
