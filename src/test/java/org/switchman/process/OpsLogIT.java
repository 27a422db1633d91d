package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.infra.opslog.FileAndWebhookOpsLog;
import org.switchman.support.AppTestSupport;
import org.switchman.support.Rest;

/** Every run writes the ops log (start, each decision, end, with user, reason and ticket) and counts in the metrics. */
@ActiveProfiles("lab")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class OpsLogIT {

  private static final String GO = "{\"variables\":{\"decision\":{\"value\":\"GO\"},"
      + "\"comment\":{\"value\":\"checked the plan\"}}}";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    AppTestSupport.demoUsers(registry);
  }

  @LocalServerPort
  int port;

  @Autowired
  FileAndWebhookOpsLog opsLog;

  @Test
  void aRunLeavesItsLinesInTheOpsLog() throws Exception {
    Rest alice = Rest.as(port, "alice", "demo");
    String run = alice.post("/engine-rest/process-definition/key/four-eyes-check/start",
        "{\"variables\":{\"reason\":{\"value\":\"ops log check\"},\"ticket\":{\"value\":\"T777\"}}}")
        .json().get("id").asText();
    for (String gate : List.of("UserTask_FirstGate", "UserTask_SecondGate")) {
      String task = Rest.as(port, "admin", "demo")
          .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + gate)
          .json().get(0).get("id").asText();
      String approver = gate.equals("UserTask_FirstGate") ? "bob" : "dave";
      assertThat(Rest.as(port, approver, "demo").post("/engine-rest/task/" + task + "/complete", GO)
          .status()).isEqualTo(204);
    }
    assertThat(opsLog.drain(Duration.ofSeconds(10))).isTrue();

    List<String> lines = Files.readAllLines(AppTestSupport.DATA_DIR.resolve("ops.log")).stream()
        .filter(line -> line.contains(" " + run + " ")).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).contains("alice: four-eyes-check " + run + " run started",
        "(T777: ops log check)");
    assertThat(lines.get(1)).contains("bob: four-eyes-check " + run + " decision: GO at 'First GO/NOGO':"
        + " checked the plan");
    assertThat(lines.get(2)).contains("dave: four-eyes-check " + run + " decision: GO at 'Final GO/NOGO'");
    assertThat(lines.get(3)).contains("dave: four-eyes-check " + run + " run ended: ended at Run finished");

    String metrics = Rest.as(port, "carol", "demo").get("/actuator/prometheus").body();
    assertThat(metrics).containsPattern(
        "switchman_runs_ended_total\\{[^}]*outcome=\"completed\",runbook=\"four-eyes-check\"[^}]*} [1-9]");
    assertThat(metrics).containsPattern(
        "switchman_task_wait_seconds_count\\{[^}]*runbook=\"four-eyes-check\",task=\"UserTask_FirstGate\"[^}]*} [1-9]");
    assertThat(metrics).contains("switchman_runs_started_total{");
  }
}
