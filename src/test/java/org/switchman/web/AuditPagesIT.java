package org.switchman.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.IdentityService;
import org.camunda.bpm.engine.identity.User;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.switchman.audit.report.RunReportCsv;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.Rest;
import org.switchman.support.WebSession;

/**
 * The audit pages over HTTP, without a browser: who may see and do what, the runs list's filters
 * and paging, the report and its exports, bad input, and a journal tampered with through JDBC.
 */
@AppWithDemoUsers
class AuditPagesIT {

  private static final String GO = Rest.go("plan checked by %s");

  @LocalServerPort int port;

  @Autowired JdbcTemplate jdbc;

  @Autowired IdentityService identity;

  @Autowired org.switchman.audit.Journal journal;

  private String run;

  /**
   * A finished four-eyes run: alice started it and was refused at her own gate, bob and dave said
   * GO.
   */
  @BeforeEach
  void finishedRun() {
    Rest alice = Rest.as(port, "alice", "demo");
    run =
        alice
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"audit pages check\"},\"ticket\":{\"value\":\"T900\"},"
                    + "\"mode\":{\"value\":\"dry-run\"}}}")
            .json()
            .get("id")
            .asText();
    String first = task("UserTask_FirstGate");
    assertThat(
            alice.post("/engine-rest/task/" + first + "/complete", GO.formatted("alice")).status())
        .isEqualTo(403);
    assertThat(
            Rest.as(port, "bob", "demo")
                .post("/engine-rest/task/" + first + "/complete", GO.formatted("bob"))
                .status())
        .isEqualTo(204);
    assertThat(
            Rest.as(port, "dave", "demo")
                .post(
                    "/engine-rest/task/" + task("UserTask_SecondGate") + "/complete",
                    GO.formatted("dave"))
                .status())
        .isEqualTo(204);
  }

  // ------------------------------------------------------------------------------- authorization

  private List<String> pages() {
    return List.of(
        "/switchman/runs",
        "/switchman/runs/" + run,
        "/switchman/runs/" + run + "/live",
        "/switchman/runs/" + run + "/report.json",
        "/switchman/runs/" + run + "/report.csv",
        "/switchman/runs/" + run + "/diagram.bpmn",
        "/switchman/journal/verify",
        "/switchman/locks",
        "/switchman/ops-log");
  }

  private List<String> apis() {
    return List.of(
        "/switchman/api/runs",
        "/switchman/api/runs/" + run,
        "/switchman/api/runs/" + run + "/live",
        "/switchman/api/journal/verify",
        "/switchman/api/locks",
        "/switchman/api/ops-log");
  }

  @Test
  void anonymousIsSentToTheLoginPageOrGets401() {
    WebSession anonymous = new WebSession(port);
    for (String page : pages()) {
      Rest.Reply reply = anonymous.get(page);
      assertThat(reply.status()).as(page).isEqualTo(302);
      assertThat(reply.location()).as(page).endsWith("/switchman/login");
    }
    for (String api : apis()) {
      assertThat(anonymous.get(api).status()).as(api).isEqualTo(401);
      assertThat(Rest.anonymous(port).get(api).status()).as(api).isEqualTo(401);
    }
    anonymous.get("/switchman/login");
    Rest.Reply release = anonymous.postForm("/switchman/locks/release", releaseForm("why"));
    assertThat(release.status()).isEqualTo(302);
    assertThat(release.location()).endsWith("/switchman/login");
    assertThat(anonymous.postJson("/switchman/api/locks/release", "{}").status()).isEqualTo(401);
    // (not a real user: a wrong password makes the engine delay that user's next logins)
    assertThat(Rest.as(port, "nobody", "wrong").get("/switchman/api/runs").status()).isEqualTo(401);
    assertThat(new WebSession(port).get("/switchman/login").status()).isEqualTo(200);
    assertThat(new WebSession(port).get("/switchman/assets/switchman.css").status()).isEqualTo(200);
  }

  @Test
  void readersSeeEveryPageAndOnlyAnAdminMayForceReleaseALock() {
    for (String user : List.of("carol", "alice", "bob", "admin")) {
      WebSession session = new WebSession(port).login(user, "demo");
      for (String path : concat(pages(), apis())) {
        assertThat(session.get(path).status()).as(user + " " + path).isEqualTo(200);
      }
      session.get("/switchman/locks");
      Rest.Reply release = session.postForm("/switchman/locks/release", releaseForm("stuck lock"));
      Rest.Reply api = session.postJson("/switchman/api/locks/release", releaseJson("stuck lock"));
      if (user.equals("admin")) {
        // allowed: the request reaches the lock table, which has no such lock here
        assertThat(release.status()).isEqualTo(302);
        assertThat(release.location()).endsWith("/switchman/locks");
        assertThat(session.get("/switchman/locks").body()).contains("Lock not released");
        assertThat(api.status()).as(api.body()).isEqualTo(400);
        assertThat(api.json().path("message").asText()).contains("Lock not released");
      } else {
        assertThat(release.status()).as(user).isEqualTo(403);
        assertThat(api.status()).as(user).isEqualTo(403);
      }
      assertThat(Rest.as(port, user, "demo").get("/switchman/api/runs").status()).isEqualTo(200);
    }
    Rest carol = Rest.as(port, "carol", "demo");
    assertThat(carol.post("/switchman/api/locks/release", releaseJson("carol tries")).status())
        .isEqualTo(403);
    assertThat(
            Rest.as(port, "admin", "demo")
                .post("/switchman/api/locks/release", "{\"runbook\":\"x\"}")
                .json()
                .path("message")
                .asText())
        .contains("a reason is required");
  }

  @Test
  void aUserOutsideTheReadingGroupsIsRefused() {
    if (identity.createUserQuery().userId("erin").count() == 0) {
      User erin = identity.newUser("erin");
      erin.setPassword("designs");
      identity.saveUser(erin);
      identity.createMembership("erin", "designers");
    }
    WebSession erin = new WebSession(port).login("erin", "designs");
    for (String path : concat(pages(), apis())) {
      assertThat(erin.get(path).status()).as(path).isEqualTo(403);
    }
  }

  @Test
  void aSessionPostWithoutTheCsrfTokenIsRefusedAndLogoutEndsTheSession() {
    WebSession admin = new WebSession(port).login("admin", "demo");
    assertThat(admin.postForm("/switchman/locks/release", releaseForm("no token"), false).status())
        .isEqualTo(403);
    admin.get("/switchman/runs");
    Rest.Reply logout = admin.postForm("/switchman/logout", Map.of());
    assertThat(logout.location())
        .as(logout.status() + " " + logout.body())
        .endsWith("/switchman/login?logout");
    assertThat(admin.get("/switchman/runs").status()).isEqualTo(302);
  }

  @Test
  void anAuditorCanNeitherStartNorDecideNorCancelARun() {
    Rest carol = Rest.as(port, "carol", "demo");
    String open =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"carol looks\"},\"ticket\":{\"value\":\"T901\"}}}")
            .json()
            .get("id")
            .asText();
    String task =
        Rest.as(port, "admin", "demo")
            .get("/engine-rest/task?processInstanceId=" + open)
            .json()
            .get(0)
            .get("id")
            .asText();
    assertThat(
            carol.post("/engine-rest/task/" + task + "/complete", GO.formatted("carol")).status())
        .isEqualTo(403);
    assertThat(
            carol.post("/engine-rest/task/" + task + "/claim", "{\"userId\":\"carol\"}").status())
        .isEqualTo(403);
    assertThat(carol.delete("/engine-rest/process-instance/" + open).status()).isEqualTo(403);
    assertThat(
            carol.post("/engine-rest/process-definition/key/four-eyes-check/start", "{}").status())
        .isEqualTo(403);
    assertThat(
            Rest.as(port, "admin", "demo").delete("/engine-rest/process-instance/" + open).status())
        .isEqualTo(204);
  }

  // ------------------------------------------------------------------------------- runs list

  @Test
  void theRunsListFiltersAndPages() {
    Rest carol = Rest.as(port, "carol", "demo");
    JsonNode mine =
        carol
            .get("/switchman/api/runs?runbook=four-eyes-check&user=alice&outcome=completed")
            .json();
    assertThat(ids(mine)).contains(run);
    JsonNode first = mine.path("runs").get(0);
    assertThat(first.path("startedBy").asText()).isEqualTo("alice");
    assertThat(first.path("outcome").asText()).isEqualTo("completed");
    assertThat(ids(carol.get("/switchman/api/runs?user=bob").json())).doesNotContain(run);
    assertThat(ids(carol.get("/switchman/api/runs?outcome=running").json())).doesNotContain(run);
    assertThat(ids(carol.get("/switchman/api/runs?runbook=dc-switchover").json()))
        .doesNotContain(run);
    assertThat(carol.get("/switchman/api/runs?from=2999-01-01").json().path("total").asLong())
        .isZero();

    JsonNode one = carol.get("/switchman/api/runs?runbook=four-eyes-check&limit=1").json();
    assertThat(one.path("runs")).hasSize(1);
    assertThat(one.path("total").asLong()).isGreaterThanOrEqualTo(2);
    JsonNode second =
        carol.get("/switchman/api/runs?runbook=four-eyes-check&limit=1&offset=1").json();
    assertThat(ids(second)).doesNotContainAnyElementsOf(ids(one));

    Rest.Reply badOutcome = carol.get("/switchman/api/runs?outcome=Not%20Valid!");
    assertThat(badOutcome.status()).isEqualTo(400);
    assertThat(badOutcome.json().path("message").asText()).contains("outcome must be a word");
    Rest.Reply badDay = carol.get("/switchman/api/runs?from=yesterday");
    assertThat(badDay.json().path("message").asText()).contains("from must be a day");
    assertThat(carol.get("/switchman/api/runs?limit=5000").status()).isEqualTo(400);

    String page =
        new WebSession(port).login("carol", "demo").get("/switchman/runs?user=alice").body();
    assertThat(page).contains("data-run=\"" + run + "\"", "audit pages check", "T900", "dry-run");
    assertThat(
            new WebSession(port).login("carol", "demo").get("/switchman/runs?to=nonsense").body())
        .contains("to must be a day");
  }

  // ------------------------------------------------------------------------------- report

  @Test
  void theReportShowsTheApprovalsTheRefusalAndThePathAndExportsAsJsonAndCsv() {
    WebSession carol = new WebSession(port).login("carol", "demo");
    JsonNode report = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json();
    assertThat(report.path("format").asText()).isEqualTo("switchman-run-report/1");
    assertThat(report.path("summary").path("reason").asText()).isEqualTo("audit pages check");
    List<String> approvals = new ArrayList<>();
    report
        .path("approvals")
        .forEach(a -> approvals.add(a.path("user").asText() + " " + a.path("decision").asText()));
    assertThat(approvals).containsExactly("alice REFUSED", "bob GO", "dave GO");
    assertThat(report.path("approvals").get(1).path("comment").asText())
        .isEqualTo("plan checked by bob");
    assertThat(texts(report.path("visitedActivityIds")))
        .contains(
            "StartEvent_RunRequested",
            "UserTask_FirstGate",
            "UserTask_SecondGate",
            "EndEvent_RunFinished");
    assertThat(texts(report.path("timeline"), "activityId"))
        .containsSubsequence("UserTask_FirstGate", "UserTask_SecondGate", "EndEvent_RunFinished");
    assertThat(report.path("journalCheck").path("intact").asBoolean()).isTrue();

    String page = carol.get("/switchman/runs/" + run).body();
    assertThat(page)
        .contains(
            "id=\"approvals\"",
            ">bob<",
            ">dave<",
            "plan checked by dave",
            "REFUSED",
            "hash chain intact",
            "/camunda/app/cockpit/default/#/process-instance/" + run);

    Rest.Reply json = carol.get("/switchman/runs/" + run + "/report.json");
    assertThat(json.json().path("summary").path("runId").asText()).isEqualTo(run);
    Rest.Reply csv = carol.get("/switchman/runs/" + run + "/report.csv");
    List<List<String>> rows = Csv.parse(csv.body());
    assertThat(rows.get(0)).isEqualTo(RunReportCsv.COLUMNS);
    assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(RunReportCsv.COLUMNS.size()));
    assertThat(rows.stream().filter(row -> row.get(0).equals("approval")).map(row -> row.get(7)))
        .containsExactly("alice", "bob", "dave");
    assertThat(rows.get(1).get(0)).isEqualTo("run");
    assertThat(carol.get("/switchman/runs/" + run + "/diagram.bpmn").body())
        .contains("id=\"four-eyes-check\"");

    Rest.Reply missing = Rest.as(port, "carol", "demo").get("/switchman/api/runs/no-such-run");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().path("message").asText()).isEqualTo("There is no run no-such-run");
    Rest.Reply missingPage = carol.get("/switchman/runs/no-such-run");
    assertThat(missingPage.status()).isEqualTo(404);
    assertThat(missingPage.body()).contains("There is no run no-such-run");
  }

  private long change(String key, String target, String outcome, String output) {
    return journal
        .append(
            new org.switchman.audit.JournalEntry.Draft(
                run,
                "ServiceTask_SetReadOnly",
                "alice",
                "live",
                "ETCD_WRITE",
                target,
                "set " + target + " false -> true",
                outcome,
                output,
                null,
                null,
                key))
        .seq();
  }

  @Test
  void theReportShowsReconciledAndUnknownChanges() {
    long intent = change(run + "/a:1/ReadOnly/x/1", "ReadOnly", "INTENT", null);
    long unknown =
        change(
            run + "/a:1/ReadOnly/x/1",
            "ReadOnly",
            "UNKNOWN",
            "UnansweredChangeException: etcd did not answer within PT3S");
    long reconciled =
        change(
            run + "/a:1/ReadOnly/x/1",
            "ReadOnly",
            "RECONCILED",
            "applied\nsettles entry "
                + intent
                + " (INTENT) and entry "
                + unknown
                + " (UNKNOWN)\nobserved: ReadOnly holds true");
    long orphan = change(run + "/a:2/Other/x/1", "Other", "INTENT", null);

    JsonNode report = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + run).json();
    JsonNode settled = report.path("reconciliations").get(0);
    assertThat(settled.path("cause").asText()).isEqualTo("unknown");
    assertThat(settled.path("intentSeq").asLong()).isEqualTo(intent);
    assertThat(settled.path("unknownSeq").asLong()).isEqualTo(unknown);
    assertThat(settled.path("reconciledSeq").asLong()).isEqualTo(reconciled);
    assertThat(settled.path("result").asText()).isEqualTo("applied");
    assertThat(settled.path("idempotencyKey").asText()).isEqualTo(run + "/a:1/ReadOnly/x/1");
    assertThat(report.path("reconciliations").get(1).path("cause").asText())
        .isEqualTo("no-outcome");
    assertThat(report.path("reconciliations").get(1).path("reconciledSeq").isIntegralNumber())
        .as("not settled")
        .isFalse();
    assertThat(report.path("reconciliations").get(1).path("intentSeq").asLong()).isEqualTo(orphan);
    assertThat(texts(report.path("journal"), "idempotencyKey")).contains(run + "/a:2/Other/x/1");

    String page = new WebSession(port).login("carol", "demo").get("/switchman/runs/" + run).body();
    assertThat(page)
        .contains(
            "id=\"reconciliations\"",
            "Reconciled changes",
            "2 (1 unknown after a timeout, 1 without an outcome, 0 found done when a step ran again); 1 not settled yet",
            "entry "
                + intent
                + ": UNKNOWN (entry "
                + unknown
                + "): UnansweredChangeException: etcd did not answer",
            "applied (entry " + reconciled + ",",
            "entry " + orphan + ": INTENT without an outcome",
            "not settled yet",
            "class=\"reconciliation-applied\"",
            "outcome-UNKNOWN",
            "outcome-RECONCILED");
  }

  @Test
  void theOpsLogPageShowsTheRunsLines() throws Exception {
    Rest carol = Rest.as(port, "carol", "demo");
    JsonNode lines = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      lines = carol.get("/switchman/api/ops-log?run=" + run).json();
      if (lines.path("total").asLong() >= 5) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(lines.path("total").asLong()).isEqualTo(5);
    assertThat(texts(lines.path("events"), "kind"))
        .containsExactly("JOURNAL_HEAD", "RUN_ENDED", "DECISION", "DECISION", "RUN_STARTED");
    assertThat(lines.path("events").get(0).path("detail").asText())
        .matches("seq=\\d+ hash=[0-9a-f]{64}");
    String page =
        new WebSession(port).login("carol", "demo").get("/switchman/ops-log?run=" + run).body();
    assertThat(page)
        .contains(
            "run started",
            "T900",
            "audit pages check",
            "GO at &#39;First GO/NOGO&#39;",
            "journal head");
  }

  @Test
  void anIncidentShowsOnTheReportAndCountsAsAFailedStep() {
    String open =
        Rest.as(port, "alice", "demo")
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"incident check\"},\"ticket\":{\"value\":\"T902\"}}}")
            .json()
            .get("id")
            .asText();
    Rest admin = Rest.as(port, "admin", "demo");
    double before = failedSteps();
    String execution =
        admin
            .get("/engine-rest/execution?processInstanceId=" + open)
            .json()
            .get(0)
            .get("id")
            .asText();
    assertThat(
            admin
                .post(
                    "/engine-rest/execution/" + execution + "/create-incident",
                    "{\"incidentType\":\"failedJob\",\"configuration\":\"x\",\"message\":\"ssh: connection refused\"}")
                .status())
        .isEqualTo(200);
    JsonNode report = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + open).json();
    assertThat(report.path("incidents"))
        .singleElement()
        .satisfies(
            incident -> {
              assertThat(incident.path("message").asText()).isEqualTo("ssh: connection refused");
              assertThat(incident.path("state").asText()).isEqualTo("open");
              assertThat(incident.path("activityId").asText()).isEqualTo("UserTask_FirstGate");
            });
    assertThat(failedSteps()).isEqualTo(before + 1);
    assertThat(admin.delete("/engine-rest/process-instance/" + open).status()).isEqualTo(204);
    JsonNode cancelled = Rest.as(port, "carol", "demo").get("/switchman/api/runs/" + open).json();
    assertThat(cancelled.path("summary").path("outcome").asText()).isEqualTo("cancelled");
  }

  private double failedSteps() {
    String metrics = Rest.as(port, "admin", "demo").get("/actuator/prometheus").body();
    return metrics
        .lines()
        .filter(
            line ->
                line.startsWith("switchman_steps_failed_total{")
                    && line.contains("cause=\"incident\"")
                    && line.contains("runbook=\"four-eyes-check\"")
                    && line.contains("step=\"UserTask_FirstGate\""))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
        .sum();
  }

  // ------------------------------------------------------------------------------- tampering

  @Test
  void anEntryChangedOrDeletedWithJdbcIsReportedAtThatEntry() {
    Rest carol = Rest.as(port, "carol", "demo");
    assertThat(carol.get("/switchman/api/journal/verify").json().path("intact").asBoolean())
        .isTrue();
    List<Long> seqs =
        jdbc.queryForList(
            "SELECT SEQ FROM SWITCHMAN_JOURNAL WHERE RUN_ID = ? ORDER BY SEQ", Long.class, run);
    assertThat(seqs).hasSizeGreaterThanOrEqualTo(2);
    long changed = seqs.get(1);
    String action =
        jdbc.queryForObject(
            "SELECT ACTION FROM SWITCHMAN_JOURNAL WHERE SEQ = ?", String.class, changed);
    try {
      jdbc.update(
          "UPDATE SWITCHMAN_JOURNAL SET ACTION = ? WHERE SEQ = ?", "complete nothing", changed);
      // entries already found intact are read again by a full check (on request, or every 10
      // minutes)
      JsonNode whole = carol.get("/switchman/api/journal/verify?full=true").json();
      assertThat(whole.path("intact").asBoolean()).isFalse();
      assertThat(whole.path("firstBrokenSeq").asLong()).isEqualTo(changed);
      assertThat(whole.path("problem").asText()).contains("was changed");
      assertThat(
              carol
                  .get("/switchman/api/journal/verify?run=" + run)
                  .json()
                  .path("firstBrokenSeq")
                  .asLong())
          .isEqualTo(changed);
      WebSession auditor = new WebSession(port).login("carol", "demo");
      assertThat(auditor.get("/switchman/journal/verify?full=true").body())
          .contains("Broken at entry <strong id=\"broken-seq\">" + changed + "</strong>");
      assertThat(auditor.get("/switchman/runs/" + run).body())
          .contains("BROKEN at entry " + changed);
    } finally {
      jdbc.update("UPDATE SWITCHMAN_JOURNAL SET ACTION = ? WHERE SEQ = ?", action, changed);
    }
    assertThat(carol.get("/switchman/api/journal/verify").json().path("intact").asBoolean())
        .isTrue();

    long deleted = seqs.get(0);
    Map<String, Object> row =
        jdbc.queryForMap("SELECT * FROM SWITCHMAN_JOURNAL WHERE SEQ = ?", deleted);
    try {
      jdbc.update("DELETE FROM SWITCHMAN_JOURNAL WHERE SEQ = ?", deleted);
      JsonNode whole = carol.get("/switchman/api/journal/verify?full=true").json();
      assertThat(whole.path("firstBrokenSeq").asLong()).isEqualTo(deleted);
      assertThat(whole.path("problem").asText()).contains("entry " + deleted + " is missing");
    } finally {
      List<String> columns = new ArrayList<>(row.keySet());
      jdbc.update(
          "INSERT INTO SWITCHMAN_JOURNAL ("
              + String.join(", ", columns)
              + ") VALUES ("
              + String.join(", ", columns.stream().map(c -> "?").toList())
              + ")",
          columns.stream().map(row::get).toArray());
    }
    assertThat(carol.get("/switchman/api/journal/verify").json().path("intact").asBoolean())
        .isTrue();
  }

  // ------------------------------------------------------------------------------- helpers

  private String task(String key) {
    return Rest.as(port, "admin", "demo")
        .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + key)
        .json()
        .get(0)
        .get("id")
        .asText();
  }

  private Map<String, String> releaseForm(String reason) {
    return Map.of(
        "runbook", "four-eyes-check", "target", "nothing", "runId", run, "reason", reason);
  }

  private String releaseJson(String reason) {
    return "{\"runbook\":\"four-eyes-check\",\"target\":\"nothing\",\"runId\":\""
        + run
        + "\",\"reason\":\""
        + reason
        + "\"}";
  }

  private static List<String> ids(JsonNode page) {
    return texts(page.path("runs"), "runId");
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(node -> out.add(node.asText()));
    return out;
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(node -> out.add(node.path(field).asText()));
    return out;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
