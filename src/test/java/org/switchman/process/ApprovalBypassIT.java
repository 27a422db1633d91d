package org.switchman.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.switchman.audit.Journal;
import org.switchman.runbook.port.RunParameters;
import org.switchman.support.AppWithDemoUsers;
import org.switchman.support.Rest;
import org.switchman.support.WebappSession;

/**
 * Every standard Camunda path around an approval, tried by each kind of user through {@code
 * /engine-rest} and through the webapps' own API with a Tasklist session: each is refused with 403
 * (or 400 for input), and the run is left as it was.
 *
 * <p>Users: alice (operators and approvers, the starter), olga (operators only), bob (approvers),
 * carol (auditors), desi (designers only).
 */
@AppWithDemoUsers
class ApprovalBypassIT {

  private static final String GO = Rest.go("fine");
  private static final String FIXTURE_START =
      "{\"variables\":{\"reason\":{\"value\":\"gate test\"},\"ticket\":{\"value\":\"T1\"}}}";
  private static final List<String> EVERYONE = List.of("alice", "olga", "bob", "carol", "desi");

  @LocalServerPort int port;

  @Autowired RunParameters parameters;

  @Autowired Journal journal;

  private Rest as(String user) {
    return Rest.as(port, user, "demo");
  }

  private Rest admin() {
    return as("admin");
  }

  @BeforeEach
  void users() {
    ensureUser("olga", "operators");
    ensureUser("desi", "designers");
  }

  @Test
  void startingARunPastItsGatesIsRefusedToEveryone() {
    long before = runs("dc-switchover");
    String body =
        "{\"variables\":{\"dcFrom\":{\"value\":\"eqiad\"},\"dcTo\":{\"value\":\"codfw\"},"
            + "\"mode\":{\"value\":\"live\"},\"reason\":{\"value\":\"skip the gates\"},\"ticket\":{\"value\":\"T1\"}},"
            + "\"startInstructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"SubProcess_ReadOnlyWindow\"}]}";
    for (String user : EVERYONE) {
      assertForbidden(
          as(user).post("/engine-rest/process-definition/key/dc-switchover/start", body), user);
    }
    for (String user : List.of("alice", "olga")) {
      assertForbidden(webapp(user).post("/process-definition/key/dc-switchover/start", body), user);
    }
    assertThat(runs("dc-switchover")).isEqualTo(before);
  }

  @Test
  void startingWithoutListenersOrMappingsIsRefused() {
    long before = runs("four-eyes-check");
    for (String flag : List.of("skipCustomListeners", "skipIoMappings")) {
      String atStart =
          "{\"variables\":{\"reason\":{\"value\":\"x\"},\"ticket\":{\"value\":\"T1\"}},\""
              + flag
              + "\":true}";
      assertForbidden(
          as("alice").post("/engine-rest/process-definition/key/four-eyes-check/start", atStart),
          "alice");
      String atActivity =
          "{\"variables\":{\"reason\":{\"value\":\"x\"},\"ticket\":{\"value\":\"T1\"}},\""
              + flag
              + "\":true,\"startInstructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"UserTask_FirstGate\"}]}";
      assertForbidden(
          as("olga").post("/engine-rest/process-definition/key/four-eyes-check/start", atActivity),
          "olga");
      assertForbidden(
          webapp("olga").post("/process-definition/key/four-eyes-check/start", atActivity), "olga");
    }
    assertThat(runs("four-eyes-check")).isEqualTo(before);
  }

  @Test
  void restartingAnEndedRunIsRefused() {
    String run = start("four-eyes-check");
    assertThat(
            as("bob")
                .post("/engine-rest/task/" + openTask(run, "UserTask_FirstGate") + "/complete", GO)
                .status())
        .isEqualTo(204);
    assertThat(
            as("dave")
                .post("/engine-rest/task/" + openTask(run, "UserTask_SecondGate") + "/complete", GO)
                .status())
        .isEqualTo(204);
    String definition =
        admin()
            .get("/engine-rest/history/process-instance/" + run)
            .json()
            .get("processDefinitionId")
            .asText();
    long before = runs("four-eyes-check");
    String restart =
        "{\"processInstanceIds\":[\""
            + run
            + "\"],\"instructions\":[{\"type\":"
            + "\"startBeforeActivity\",\"activityId\":\"EndEvent_RunFinished\"}]}";
    for (String user : EVERYONE) {
      assertForbidden(
          as(user).post("/engine-rest/process-definition/" + definition + "/restart", restart),
          user);
      assertForbidden(
          as(user)
              .post("/engine-rest/process-definition/" + definition + "/restart-async", restart),
          user);
    }
    assertForbidden(
        webapp("alice").post("/process-definition/" + definition + "/restart", restart), "alice");
    assertThat(runs("four-eyes-check")).isEqualTo(before);
  }

  @Test
  void modifyingOrMigratingARunIsRefused() {
    String run = start("four-eyes-check");
    String definition =
        admin().get("/engine-rest/process-instance/" + run).json().get("definitionId").asText();
    String move =
        "{\"instructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"UserTask_SecondGate\"},"
            + "{\"type\":\"cancel\",\"activityId\":\"UserTask_FirstGate\"}]}";
    String batch =
        "{\"processDefinitionId\":\""
            + definition
            + "\",\"processInstanceIds\":[\""
            + run
            + "\"],"
            + "\"instructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"UserTask_SecondGate\"}]}";
    String migration =
        "{\"migrationPlan\":{\"sourceProcessDefinitionId\":\""
            + definition
            + "\","
            + "\"targetProcessDefinitionId\":\""
            + definition
            + "\",\"instructions\":[{\"sourceActivityIds\":"
            + "[\"UserTask_FirstGate\"],\"targetActivityIds\":[\"UserTask_SecondGate\"]}]},"
            + "\"processInstanceIds\":[\""
            + run
            + "\"]}";
    for (String user : EVERYONE) {
      assertForbidden(
          as(user).post("/engine-rest/process-instance/" + run + "/modification", move), user);
      assertForbidden(
          as(user).post("/engine-rest/process-instance/" + run + "/modification-async", move),
          user);
      assertForbidden(as(user).post("/engine-rest/modification/execute", batch), user);
      assertForbidden(as(user).post("/engine-rest/migration/execute", migration), user);
    }
    assertForbidden(
        webapp("alice").post("/process-instance/" + run + "/modification", move), "alice");
    assertForbidden(webapp("olga").post("/migration/execute", migration), "olga");
    assertThat(openTask(run, "UserTask_FirstGate")).isNotNull();
  }

  @Test
  void bpmnErrorsAndEscalationsFromATaskAreRefused() {
    String run = start("decision-check");
    String task = openTask(run, "UserTask_DecideOnFailure");
    for (String user : EVERYONE) {
      assertForbidden(
          as(user)
              .post(
                  "/engine-rest/task/" + task + "/bpmnError",
                  "{\"errorCode\":\"SWITCHOVER_ABORTED\"}"),
          user);
      assertForbidden(
          as(user)
              .post(
                  "/engine-rest/task/" + task + "/bpmnEscalation",
                  "{\"escalationCode\":\"ESCALATED\"}"),
          user);
    }
    assertForbidden(
        webapp("olga")
            .post("/task/" + task + "/bpmnError", "{\"errorCode\":\"SWITCHOVER_ABORTED\"}"),
        "olga");
    assertThat(openTask(run, "UserTask_DecideOnFailure")).isEqualTo(task);
    assertThat(journal.entriesOfRun(run)).noneMatch(e -> e.kind().equals("DECISION"));
  }

  @Test
  void whoWorksATaskCannotBeChangedByHand() {
    String run = start("four-eyes-check");
    String task = openTask(run, "UserTask_FirstGate");
    for (String user : EVERYONE) {
      Rest rest = as(user);
      assertForbidden(
          rest.post(
              "/engine-rest/task/" + task + "/identity-links",
              "{\"groupId\":\"operators\",\"type\":\"candidate\"}"),
          user);
      assertForbidden(
          rest.post(
              "/engine-rest/task/" + task + "/identity-links/delete",
              "{\"groupId\":\"approvers\",\"type\":\"candidate\"}"),
          user);
      assertForbidden(
          rest.post("/engine-rest/task/" + task + "/delegate", "{\"userId\":\"bob\"}"), user);
      assertForbidden(
          rest.post("/engine-rest/task/" + task + "/assignee", "{\"userId\":\"carol\"}"), user);
      assertForbidden(
          rest.post("/engine-rest/task/" + task + "/claim", "{\"userId\":\"dave\"}"), user);
    }
    WebappSession olga = webapp("olga");
    assertForbidden(olga.post("/task/" + task + "/assignee", "{\"userId\":\"olga\"}"), "olga");
    assertForbidden(
        olga.post(
            "/task/" + task + "/identity-links",
            "{\"groupId\":\"operators\",\"type\":\"candidate\"}"),
        "olga");
    JsonNode links = admin().get("/engine-rest/task/" + task + "/identity-links").json();
    assertThat(links).hasSize(1);
    assertThat(links.get(0).get("groupId").asText()).isEqualTo("approvers");
    assertThat(admin().get("/engine-rest/task/" + task).json().get("assignee").isNull()).isTrue();
  }

  @Test
  void onlyApproversApproveAndOnlyOperatorsDecide() {
    String run = start("four-eyes-check");
    String approval = openTask(run, "UserTask_FirstGate");
    // olga is an operator without the approver role; carol an auditor; desi a designer
    for (String user : List.of("olga", "carol", "desi")) {
      assertForbidden(
          as(user)
              .post("/engine-rest/task/" + approval + "/assignee", "{\"userId\":\"" + user + "\"}"),
          user);
      assertForbidden(
          as(user)
              .post("/engine-rest/task/" + approval + "/claim", "{\"userId\":\"" + user + "\"}"),
          user);
      assertForbidden(as(user).post("/engine-rest/task/" + approval + "/submit-form", GO), user);
    }
    assertForbidden(webapp("olga").post("/task/" + approval + "/submit-form", GO), "olga");
    assertThat(openTask(run, "UserTask_FirstGate")).isEqualTo(approval);

    String decisionRun = start("decision-check");
    String decision = openTask(decisionRun, "UserTask_DecideOnFailure");
    String skip =
        "{\"variables\":{\"decision\":{\"value\":\"skip\"},\"justification\":{\"value\":\"known\"}}}";
    for (String user : List.of("bob", "carol", "desi")) {
      assertForbidden(
          as(user)
              .post("/engine-rest/task/" + decision + "/claim", "{\"userId\":\"" + user + "\"}"),
          user);
      assertForbidden(as(user).post("/engine-rest/task/" + decision + "/submit-form", skip), user);
    }
    assertThat(openTask(decisionRun, "UserTask_DecideOnFailure")).isEqualTo(decision);
    // the rightful people still can: bob claims and approves, olga decides
    assertThat(
            as("bob")
                .post("/engine-rest/task/" + approval + "/claim", "{\"userId\":\"bob\"}")
                .status())
        .isEqualTo(204);
    assertThat(as("bob").post("/engine-rest/task/" + approval + "/submit-form", GO).status())
        .isEqualTo(204);
    assertThat(as("olga").post("/engine-rest/task/" + decision + "/submit-form", skip).status())
        .isEqualTo(204);
    assertThat(journal.entriesOfRun(decisionRun))
        .anyMatch(e -> e.kind().equals("DECISION") && e.actor().equals("olga"));
  }

  @Test
  void aCompletionCarriesOnlyItsFormsFields() {
    String run = start("four-eyes-check");
    String task = openTask(run, "UserTask_FirstGate");
    String forged =
        "{\"variables\":{\"decision\":{\"value\":\"GO\"},\"mode\":{\"value\":\"live\"}}}";
    Rest.Reply refused = as("bob").post("/engine-rest/task/" + task + "/submit-form", forged);
    assertThat(refused.status()).as(refused.body()).isEqualTo(400);
    assertThat(refused.json().get("message").asText())
        .contains("'mode'")
        .contains("allowed: comment, decision");
    assertThat(as("bob").post("/engine-rest/task/" + task + "/complete", forged).status())
        .isEqualTo(400);
    Rest.Reply viaWebapp = webapp("bob").post("/task/" + task + "/submit-form", forged);
    assertThat(viaWebapp.status()).as(viaWebapp.body()).isEqualTo(400);
    assertThat(viaWebapp.body()).contains("'mode'");
    // no run-wide value, nor a decision option of the diagram, can be overwritten by a completion
    for (String name :
        List.of(
            "activeDatacenter",
            "starter",
            "preChecks",
            "plan",
            "originalTtls",
            "readOnlyBudget",
            "dcFrom",
            "skipAllowed",
            "abortAllowed")) {
      Rest.Reply tampered =
          as("bob")
              .post(
                  "/engine-rest/task/" + task + "/submit-form",
                  "{\"variables\":{\"decision\":{\"value\":\"GO\"},\""
                      + name
                      + "\":{\"value\":\"forged\"}}}");
      assertThat(tampered.status()).as(name).isEqualTo(400);
      assertThat(tampered.json().get("message").asText()).contains("'" + name + "'");
    }
    assertThat(openTask(run, "UserTask_FirstGate")).isEqualTo(task);
    assertThat(admin().get("/engine-rest/process-instance/" + run + "/variables/mode").status())
        .isEqualTo(404);
    assertThat(
            admin().get("/engine-rest/process-instance/" + run + "/variables/preChecks").status())
        .isEqualTo(404);

    String decisionRun = start("decision-check");
    String decision = openTask(decisionRun, "UserTask_DecideOnFailure");
    String withFlag =
        "{\"variables\":{\"decision\":{\"value\":\"abort\"},\"justification\":{\"value\":\"x\"},"
            + "\"abortAllowed\":{\"value\":true}}}";
    assertThat(as("olga").post("/engine-rest/task/" + decision + "/submit-form", withFlag).status())
        .isEqualTo(400);
    // abort is not offered by the diagram, whatever a variable says
    Rest.Reply abort =
        as("olga")
            .post(
                "/engine-rest/task/" + decision + "/submit-form",
                "{\"variables\":{\"decision\":{\"value\":\"abort\"},\"justification\":{\"value\":\"x\"}}}");
    assertThat(abort.status()).as(abort.body()).isEqualTo(400);
    assertThat(abort.json().get("message").asText()).contains("Abort is not offered");
    assertThat(openTask(decisionRun, "UserTask_DecideOnFailure")).isEqualTo(decision);
  }

  @Test
  void aStartCarriesOnlyItsFormsFieldsAndTheStarterIsTheAuthenticatedUser() {
    long before = runs("four-eyes-check");
    Rest.Reply spoofed =
        as("alice")
            .post(
                "/engine-rest/process-definition/key/four-eyes-check/start",
                "{\"variables\":{\"reason\":{\"value\":\"x\"},\"ticket\":{\"value\":\"T1\"},\"starter\":{\"value\":\"bob\"}}}");
    assertThat(spoofed.status()).as(spoofed.body()).isEqualTo(400);
    assertThat(spoofed.json().get("message").asText()).contains("'starter'");
    Rest.Reply viaWebapp =
        webapp("alice")
            .post(
                "/process-definition/key/four-eyes-check/submit-form",
                "{\"variables\":{\"reason\":{\"value\":\"x\"},\"ticket\":{\"value\":\"T1\"},\"activeDatacenter\":{\"value\":\"codfw\"}}}");
    assertThat(viaWebapp.status()).as(viaWebapp.body()).isEqualTo(400);
    assertThat(viaWebapp.body()).contains("'activeDatacenter'");
    assertThat(runs("four-eyes-check")).isEqualTo(before);

    String run = start("four-eyes-check");
    assertThat(parameters.get(run, "starter")).contains("alice");
  }

  @Test
  void whatAnAdministratorDoesToARunIsJournaledInIt() {
    String run = start("four-eyes-check");
    String move =
        "{\"instructions\":[{\"type\":\"startBeforeActivity\",\"activityId\":\"UserTask_SecondGate\"},"
            + "{\"type\":\"cancel\",\"activityId\":\"UserTask_FirstGate\"}]}";
    assertThat(
            admin().post("/engine-rest/process-instance/" + run + "/modification", move).status())
        .isEqualTo(204);
    assertThat(openTask(run, "UserTask_SecondGate")).isNotNull();
    assertThat(admin().delete("/engine-rest/process-instance/" + run).status()).isEqualTo(204);
    assertThat(journal.entriesOfRun(run))
        .filteredOn(e -> e.kind().equals("ADMIN"))
        .extracting(e -> e.actor() + " " + e.action())
        .anyMatch(a -> a.startsWith("admin ModifyProcessInstance"))
        .anyMatch(a -> a.startsWith("admin DeleteProcessInstance"));
    JsonNode report = as("carol").get("/switchman/api/runs/" + run).json();
    assertThat(report.path("journal").toString())
        .contains("ModifyProcessInstance by camunda-admin admin");
  }

  // --- helpers

  private void assertForbidden(Rest.Reply reply, String user) {
    assertThat(reply.status()).as(user + ": " + reply.body()).isEqualTo(403);
    // the engine's refusal, not a CSRF or login failure in front of it
    assertThat(reply.json().path("message").asText())
        .as(user + ": " + reply.body())
        .isNotBlank()
        .doesNotContain("CSRF");
  }

  private WebappSession webapp(String user) {
    return WebappSession.login(port, user, "demo");
  }

  private String start(String key) {
    Rest.Reply reply =
        as("alice").post("/engine-rest/process-definition/key/" + key + "/start", FIXTURE_START);
    assertThat(reply.status()).as(reply.body()).isEqualTo(200);
    return reply.json().get("id").asText();
  }

  private long runs(String key) {
    return admin()
        .get("/engine-rest/history/process-instance/count?processDefinitionKey=" + key)
        .json()
        .get("count")
        .asLong();
  }

  private String openTask(String run, String key) {
    JsonNode tasks =
        admin()
            .get("/engine-rest/task?processInstanceId=" + run + "&taskDefinitionKey=" + key)
            .json();
    assertThat(tasks.size()).as("open %s tasks of %s", key, run).isEqualTo(1);
    return tasks.get(0).get("id").asText();
  }

  private void ensureUser(String id, String group) {
    if (admin().get("/engine-rest/user/" + id + "/profile").status() == 404) {
      Rest.Reply created =
          admin()
              .post(
                  "/engine-rest/user/create",
                  "{\"profile\":{\"id\":\""
                      + id
                      + "\",\"firstName\":\""
                      + id
                      + "\",\"lastName\":\"Test\",\"email\":\""
                      + id
                      + "@switchman.invalid\"},\"credentials\":{\"password\":\"demo\"}}");
      assertThat(created.status()).as(created.body()).isEqualTo(204);
      Function<String, Rest.Reply> member =
          g -> Rest.as(port, "admin", "demo").put("/engine-rest/group/" + g + "/members/" + id);
      assertThat(member.apply(group).status()).isEqualTo(204);
    }
  }
}
