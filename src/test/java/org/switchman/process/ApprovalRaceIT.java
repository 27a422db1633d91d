package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.infra.Mutations;
import org.switchman.support.AppTestSupport;
import org.switchman.support.FakeSite;
import org.switchman.support.Rest;
import org.switchman.support.SwitchoverRuns;
import org.switchman.support.WebappSession;

/**
 * Approvals that race: two approvers completing the same GO/NOGO at once, and a GO given at the
 * instant the approval expires. The job executor runs as in production; the sites are in memory
 * ({@link FakeSite}), the approval timeout is two seconds.
 */
@ActiveProfiles("lab")
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "switchman.switchover.approval-timeout=PT2S",
      "switchman.switchover.approval-reminder=PT1S"
    })
class ApprovalRaceIT {

  @TestConfiguration
  static class Site {
    @Bean
    FakeSite fakeSite(Mutations mutations) {
      return new FakeSite(mutations);
    }
  }

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry registry) {
    AppTestSupport.demoUsers(registry);
    FakeSite.settings().forEach((k, v) -> registry.add(k, () -> v));
  }

  private static final String GO = Rest.go("GO from %s");

  @LocalServerPort int port;
  @Autowired Journal journal;
  @Autowired FakeSite site;

  @Test
  void twoApproversAtOnceMakeOneApprovalAndTheOtherHearsWhoWon() throws Exception {
    race(
        8,
        (approver, task) ->
            Rest.as(port, approver, "demo")
                .post("/engine-rest/task/" + task + "/complete", GO.formatted(approver)));
  }

  @Test
  void theWebappsApiAnswersTheLoserTheSameWay() throws Exception {
    Map<String, WebappSession> tasklist =
        Map.of(
            "bob",
            WebappSession.login(port, "bob", "demo"),
            "dave",
            WebappSession.login(port, "dave", "demo"));
    race(
        4,
        (approver, task) ->
            tasklist.get(approver).post("/task/" + task + "/submit-form", GO.formatted(approver)));
  }

  /** Rounds of bob and dave completing the same first gate behind a barrier, each on a new run. */
  private void race(int rounds, java.util.function.BiFunction<String, String, Rest.Reply> complete)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < rounds; round++) {
        String run = start();
        String task = openTask(run, "UserTask_FirstGate");
        CyclicBarrier barrier = new CyclicBarrier(2);
        Map<String, Future<Rest.Reply>> replies = new java.util.LinkedHashMap<>();
        for (String approver : List.of("bob", "dave")) {
          replies.put(
              approver,
              pool.submit(
                  () -> {
                    barrier.await();
                    return complete.apply(approver, task);
                  }));
        }
        Map<String, Rest.Reply> answered = new java.util.LinkedHashMap<>();
        for (var reply : replies.entrySet()) {
          answered.put(reply.getKey(), reply.getValue().get());
        }
        List<String> winners =
            answered.entrySet().stream()
                .filter(e -> e.getValue().status() == 204)
                .map(Map.Entry::getKey)
                .toList();
        assertThat(winners).as("round %d: %s", round, answered).hasSize(1);
        String winner = winners.get(0);
        String loser = winner.equals("bob") ? "dave" : "bob";
        Rest.Reply lost = answered.get(loser);
        assertThat(lost.status()).as(lost.body()).isEqualTo(409);
        assertThat(lost.json().get("type").asText()).isEqualTo("TaskNoLongerOpen");
        assertThat(lost.json().get("message").asText())
            .startsWith("'First GO/NOGO' was already completed by " + winner + " at ")
            .endsWith("your decision was not recorded");

        assertThat(historicAssignee(run, "UserTask_FirstGate")).isEqualTo(winner);
        assertThat(journal.entriesOfRun(run))
            .filteredOn(e -> e.kind().equals("APPROVAL"))
            .singleElement()
            .satisfies(
                e -> {
                  assertThat(e.actor()).isEqualTo(winner);
                  assertThat(e.output()).isEqualTo("GO from " + winner);
                });
        // the run went on once: the second gate is open, and only once
        assertThat(openTask(run, "UserTask_SecondGate")).isNotNull();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aGoGivenAsTheApprovalExpiresIsEitherTheApprovalOrTheExpiryNeverBoth() throws Exception {
    int approved = 0;
    int expired = 0;
    int rounds = 15;
    for (int round = 0; round < rounds; round++) {
      String run = startLockdown();
      String task = taskOf(run);
      Instant due = expiryDue(run);
      // from just before the due instant to about when the job executor picks the timer up
      Instant at = due.plusMillis(-100 + round * 1000L / rounds);
      Thread.sleep(Math.max(0, Duration.between(Instant.now(), at).toMillis()));
      Rest.Reply reply =
          Rest.as(port, "bob", "demo")
              .post("/engine-rest/task/" + task + "/complete", GO.formatted("bob"));
      // ended, and its lock released (which happens just after the end commits)
      SwitchoverRuns.await(
          () ->
              !state(run).equals("ACTIVE") && site.holders("dc-switchover", "mediawiki").isEmpty(),
          Duration.ofSeconds(30),
          () -> "run " + run + " to end");

      List<JournalEntry> entries = journal.entriesOfRun(run);
      long approvals = entries.stream().filter(e -> e.kind().equals("APPROVAL")).count();
      long expiries = entries.stream().filter(e -> e.kind().equals("EXPIRY")).count();
      assertThat(approvals + expiries).as("round %d (%s): %s", round, reply, entries).isEqualTo(1);
      if (reply.status() == 204) {
        approved++;
        assertThat(approvals).isOne();
        assertThat(state(run)).isEqualTo("COMPLETED");
        assertThat(variable(run, "outcome")).isNotEqualTo("nogo");
      } else {
        expired++;
        assertThat(reply.status()).as(reply.body()).isEqualTo(409);
        assertThat(reply.json().get("type").asText()).isEqualTo("TaskNoLongerOpen");
        assertThat(reply.json().get("message").asText())
            .contains("'GO/NOGO' is no longer open: the run closed it at");
        assertThat(expiries).isOne();
        assertThat(variable(run, "outcome")).isEqualTo("nogo");
      }
      assertThat(journal.verifyRun(run).intact()).isTrue();
    }
    System.out.printf(
        "GO at the expiry instant, %d rounds: %d approved, %d expired%n",
        rounds, approved, expired);
    assertThat(approved + expired).isEqualTo(rounds);
  }

  // --- helpers

  private String start() {
    Rest.Reply reply =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"race\"},\"ticket\":{\"value\":\"T1\"}}}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("id").asText();
  }

  private String startLockdown() {
    Rest.Reply reply =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/db-masters-read-only/start",
                "{\"variables\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},\"mode\":{\"value\":\"live\"},"
                    + "\"reason\":{\"value\":\"expiry race\"},\"ticket\":{\"value\":\"T9\"}}}");
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("id").asText();
  }

  private Instant expiryDue(String run) {
    JsonNode jobs =
        admin()
            .get("/engine-rest/job?processInstanceId=" + run + "&activityId=Timer_GoNoGoExpired")
            .json();
    assertThat(jobs.size()).as(jobs.toString()).isEqualTo(1);
    return SwitchoverRuns.engineTime(jobs.get(0).get("dueDate").asText());
  }

  private String taskOf(String run) {
    return openTask(run, "UserTask_GoNoGo");
  }

  private String state(String run) {
    return admin().get("/engine-rest/history/process-instance/" + run).json().get("state").asText();
  }

  private String variable(String run, String name) {
    JsonNode found =
        admin()
            .get(
                "/engine-rest/history/variable-instance?processInstanceId="
                    + run
                    + "&variableName="
                    + name)
            .json();
    return found.size() == 0 ? null : found.get(0).path("value").asText();
  }

  private Rest admin() {
    return Rest.as(port, "admin", "demo");
  }

  private String openTask(String run, String key) {
    JsonNode tasks =
        admin()
            .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + key)
            .json();
    assertThat(tasks.size()).as("open %s tasks of %s", key, run).isEqualTo(1);
    return tasks.get(0).get("id").asText();
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
