package org.switchman.process.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.AuthorizationService;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.authorization.Authorization;
import org.camunda.bpm.engine.authorization.Permissions;
import org.camunda.bpm.engine.authorization.Resources;
import org.camunda.bpm.engine.delegate.Expression;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.camunda.bpm.engine.delegate.VariableScope;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.el.StartProcessVariableScope;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.pvm.runtime.ExecutionImpl;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.report.RunReportCsv;
import org.switchman.audit.report.RunReports;
import org.switchman.config.AdminCredentials;
import org.switchman.config.SwitchmanProperties;
import org.switchman.process.security.AccessModel;
import org.switchman.process.security.IdentityBootstrap;
import org.switchman.support.AppTestSupport;
import org.switchman.support.Rest;
import org.switchman.support.WebSession;

/**
 * Deployments through the engine REST API of the running application (default profile, the
 * administrator and users the test creates): designers cannot deploy outside the lab, and a grant
 * left by a lab start is taken away; the guard answers 400 naming each element of a diagram that
 * starts itself by timer and reaches the engine and the JVM through expressions, and naming each
 * problem of an invalid service catalogue, which ships with the runbooks; an accepted deployment is
 * journaled with its resources' SHA-256; a run's report names the deployment it executed;
 * expressions see only the diagram beans, and a variable of the same name never stands in for one.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DeploymentGuardIT {

  private static final Path FIXTURES = Path.of("src/test/resources/deployment-guard");
  private static final String DEPLOY = "/engine-rest/deployment/create";

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) {
    AppTestSupport.administratorOnly(registry);
  }

  @LocalServerPort int port;

  @Autowired ProcessEngine engine;
  @Autowired AuthorizationService authorizations;
  @Autowired Journal journal;
  @Autowired AdminCredentials adminCredentials;
  @Autowired SwitchmanProperties switchmanProperties;

  private Rest admin;
  private Rest desi;

  /** A user who is only a designer, created by the administrator through REST. */
  @BeforeEach
  void designer() {
    admin = Rest.as(port, "admin", "demo");
    desi = Rest.as(port, "desi", "demo");
    user("desi", "designers");
    user("olivia", "operators");
    user("audrey", "auditors");
  }

  /**
   * Creates the user through REST as the administrator, when missing (there are no demo users
   * here).
   */
  private void user(String id, String group) {
    if (admin.get("/engine-rest/user/" + id + "/profile").status() == 404) {
      assertThat(
              admin
                  .post(
                      "/engine-rest/user/create",
                      "{\"profile\":{\"id\":\""
                          + id
                          + "\",\"firstName\":\""
                          + id
                          + "\",\"lastName\":\"Test\",\"email\":\""
                          + id
                          + "@switchman.invalid\"},\"credentials\":{\"password\":\"demo\"}}")
                  .status())
          .isEqualTo(204);
      assertThat(admin.put("/engine-rest/group/" + group + "/members/" + id).status())
          .isEqualTo(204);
    }
  }

  @Test
  void aDesignerCannotDeployOutsideTheLab() {
    Rest.Reply refused =
        desi.postMultipart(
            DEPLOY,
            Map.of("deployment-name", "desi-own", "data", FIXTURES.resolve("accepted.bpmn")));

    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.json().path("type").asText()).isEqualTo("AuthorizationException");
    assertThat(desi.get("/engine-rest/deployment?name=desi-own").json().size()).isZero();
    assertThat(desi.get("/engine-rest/deployment").status())
        .as("designers still read")
        .isEqualTo(200);
  }

  @Test
  void aLabStartLetsDesignersDeployAndTheNextStartOutsideTheLabTakesItBack() {
    try {
      bootstrap(true);
      assertThat(designersMayDeploy()).isTrue();
      Rest.Reply own =
          desi.postMultipart(
              DEPLOY,
              Map.of("deployment-name", "desi-lab", "data", FIXTURES.resolve("accepted.bpmn")));
      assertThat(own.status()).as(own.body()).isEqualTo(200);

      String latestBefore = latestSwitchoverDeployment();
      Rest.Reply copy =
          desi.postMultipart(
              DEPLOY,
              Map.of(
                  "deployment-name",
                  "switchman-hotfix",
                  "data",
                  Path.of("processes/dc-switchover.bpmn")));
      assertThat(copy.status()).isEqualTo(400);
      assertThat(copy.json().path("type").asText()).isEqualTo("DeploymentRefused");
      assertThat(copy.json().path("message").asText())
          .contains("dc-switchover.bpmn: dc-switchover: [shipped-runbook]", "not desi");
      assertThat(latestSwitchoverDeployment())
          .as("Tasklist still starts the shipped version")
          .isEqualTo(latestBefore);
    } finally {
      bootstrap(false);
    }
    assertThat(designersMayDeploy()).isFalse();
    assertThat(
            desi.postMultipart(
                    DEPLOY,
                    Map.of(
                        "deployment-name", "desi-again", "data", FIXTURES.resolve("accepted.bpmn")))
                .status())
        .isEqualTo(403);
  }

  @Test
  void aSelfStartingDiagramReachingTheEngineIsRefusedWith400NamingEachElement() {
    Rest.Reply refused =
        admin.postMultipart(
            DEPLOY,
            Map.of("deployment-name", "innocent", "data", FIXTURES.resolve("innocent.bpmn")));

    assertThat(refused.status()).isEqualTo(400);
    JsonNode body = refused.json();
    assertThat(body.path("type").asText()).isEqualTo("DeploymentRefused");
    assertThat(body.path("message").asText())
        .startsWith("Deployment refused: ")
        .contains(
            "innocent.bpmn: s: [start-event] a timer start event",
            "innocent.bpmn: t: [expression] execution.getProcessEngineServices is not allowed",
            "innocent.bpmn: t2: [expression] member access on a literal is not allowed");
    assertThat(admin.get("/engine-rest/deployment?name=innocent").json().size()).isZero();
    assertThat(admin.get("/engine-rest/process-definition?key=innocent").json().size()).isZero();
    assertThat(admin.get("/engine-rest/group?member=desi").body()).doesNotContain("camunda-admin");
    assertThat(deploymentEntries())
        .anyMatch(
            e ->
                e.outcome().equals(RunReports.REFUSED)
                    && e.target().equals("innocent")
                    && e.actor().equals("admin")
                    && e.output().contains("t2: [expression]"));
  }

  @Test
  void theServiceCatalogueShipsWithTheRunbooksAndAnInvalidOneIsRefusedWith400() throws IOException {
    JsonNode catalogues = admin.get("/engine-rest/decision-definition?key=ServiceCatalogue").json();
    assertThat(catalogues.size()).as(catalogues.toString()).isEqualTo(1);
    assertThat(catalogues.get(0).path("deploymentId").asText())
        .as("deployed with the runbooks")
        .isEqualTo(latestSwitchoverDeployment());

    Path invalid = Files.createTempFile(Path.of("target"), "catalogue", ".dmn");
    try {
      Files.writeString(
          invalid,
          Files.readString(Path.of("processes/service-catalogue.dmn"))
              .replace(
                  "<text>&quot;kafka-in-sync&quot;</text>", "<text>&quot;kafka-ok&quot;</text>"));
      Rest.Reply refused =
          admin.postMultipart(DEPLOY, Map.of("deployment-name", "catalogue-typo", "data", invalid));
      assertThat(refused.status()).as(refused.body()).isEqualTo(400);
      assertThat(refused.json().path("type").asText()).isEqualTo("DeploymentRefused");
      assertThat(refused.json().path("message").asText())
          .contains(
              "ServiceCatalogue: [service-catalogue] rule ",
              "(kafka): preChecks names the unknown check 'kafka-ok'");
    } finally {
      Files.delete(invalid);
    }
    assertThat(admin.get("/engine-rest/decision-definition?key=ServiceCatalogue").json().size())
        .as("nothing deployed")
        .isEqualTo(1);
  }

  @Test
  void anAcceptedDeploymentIsJournaledWithTheSha256OfEachResource() throws IOException {
    String id = deployAccepted();

    JournalEntry entry =
        deploymentEntries().stream().filter(e -> e.target().equals(id)).findFirst().orElseThrow();
    assertThat(entry.outcome()).isEqualTo(RunReports.DEPLOYED);
    assertThat(entry.actor()).isEqualTo("admin");
    assertThat(entry.action()).isEqualTo("deploy 'guard-accepted': accepted.bpmn");
    assertThat(entry.output())
        .isEqualTo(
            DeploymentGuard.sha256(Files.readAllBytes(FIXTURES.resolve("accepted.bpmn")))
                + "  accepted.bpmn");
    assertThat(journal.verifyRun(JournalEntry.SYSTEM).intact()).isTrue();

    // the deployment at start names each resource by its path on the classpath
    String shipped =
        DeploymentGuard.sha256(Files.readAllBytes(Path.of("processes/dc-switchover.bpmn")));
    assertThat(deploymentEntries())
        .as("the runbooks deployed at start")
        .anyMatch(
            e ->
                e.actor().equals(JournalEntry.SYSTEM)
                    && e.outcome().equals(RunReports.DEPLOYED)
                    && e.output()
                        .lines()
                        .anyMatch(
                            line ->
                                line.startsWith(shipped + "  ")
                                    && line.endsWith("processes/dc-switchover.bpmn")));
  }

  @Test
  void theReportNamesTheDeploymentTheRunExecuted() {
    String deploymentId = deployAccepted();
    String definitionId =
        admin
            .get("/engine-rest/process-definition?deploymentId=" + deploymentId)
            .json()
            .get(0)
            .path("id")
            .asText();
    String run =
        Rest.as(port, "olivia", "demo")
            .post("/engine-rest/process-definition/" + definitionId + "/start", "{}")
            .json()
            .path("id")
            .asText();

    JsonNode deployment =
        Rest.as(port, "audrey", "demo")
            .get("/switchman/api/runs/" + run)
            .json()
            .path("summary")
            .path("deployment");
    assertThat(deployment.path("id").asText()).isEqualTo(deploymentId);
    assertThat(deployment.path("name").asText()).isEqualTo("guard-accepted");
    assertThat(deployment.path("versionTag").asText()).isEqualTo("1.0.0");
    assertThat(deployment.path("deployedBy").asText()).isEqualTo("admin");
    assertThat(deployment.path("deployedAt").asText()).isNotBlank();

    WebSession auditor = new WebSession(port).login("audrey", "demo");
    assertThat(auditor.get("/switchman/runs/" + run).body())
        .contains(
            "<span id=\"deployment-name\">guard-accepted</span>",
            "<span id=\"deployment-id\">" + deploymentId + "</span>",
            "<span id=\"deployment-version-tag\">version tag 1.0.0</span>",
            "<span id=\"deployment-by\">admin</span>");
    List<String> csv =
        auditor.get("/switchman/runs/" + run + "/report.csv").body().lines().toList();
    assertThat(csv.get(0)).isEqualTo(String.join(",", RunReportCsv.COLUMNS));
    assertThat(csv)
        .filteredOn(line -> line.startsWith("deployment,"))
        .singleElement()
        .satisfies(
            line -> {
              assertThat(line.split(",", -1)).hasSize(RunReportCsv.COLUMNS.size());
              assertThat(line)
                  .contains(",guard-accepted,admin," + deploymentId + ",version tag 1.0.0,");
            });
  }

  @Test
  void expressionsSeeOnlyTheDiagramBeans() {
    assertThat(evaluate("${runVariables.list('s1, s2')}")).isEqualTo(List.of("s1", "s2"));
    assertThat(evaluateFailure("${adminCredentials.password()}")).contains("adminCredentials");
    assertThat(evaluateFailure("${mutations}")).contains("mutations");
  }

  @Test
  void aVariableNamedLikeADiagramBeanDoesNotStandInForIt() {
    ExecutionImpl execution = new ExecutionImpl();
    Map<String, Object> variables =
        Map.of("runVariables", "a text", "repoolHostDelegate", "a text", "grace", "PT1S");
    assertThat(evaluate("${runVariables.list('s1, s2')}", execution, variables))
        .isEqualTo(List.of("s1", "s2"));
    assertThat(evaluate("${repoolHostDelegate}", execution, variables))
        .isInstanceOf(JavaDelegate.class);
    assertThat(evaluate("${grace}", execution, variables))
        .as("any other name is still the variable")
        .isEqualTo("PT1S");
  }

  // ------------------------------------------------------------------------------- helpers

  private String deployAccepted() {
    Rest.Reply accepted =
        admin.postMultipart(
            DEPLOY,
            Map.of("deployment-name", "guard-accepted", "data", FIXTURES.resolve("accepted.bpmn")));
    assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
    return accepted.json().path("id").asText();
  }

  private List<JournalEntry> deploymentEntries() {
    return journal.entriesOfRun(JournalEntry.SYSTEM).stream()
        .filter(e -> e.kind().equals(JournalKind.DEPLOYMENT.name()))
        .toList();
  }

  private void bootstrap(boolean lab) {
    MockEnvironment environment = new MockEnvironment();
    if (lab) {
      environment.setActiveProfiles("lab");
    }
    new IdentityBootstrap(adminCredentials, switchmanProperties, environment)
        .postProcessEngineBuild(engine);
  }

  private boolean designersMayDeploy() {
    Authorization grant =
        authorizations
            .createAuthorizationQuery()
            .groupIdIn(AccessModel.DESIGNERS)
            .resourceType(Resources.DEPLOYMENT)
            .resourceId("*")
            .authorizationType(Authorization.AUTH_TYPE_GRANT)
            .singleResult();
    return grant != null && grant.isPermissionGranted(Permissions.CREATE);
  }

  private String latestSwitchoverDeployment() {
    return engine
        .getRepositoryService()
        .createProcessDefinitionQuery()
        .processDefinitionKey("dc-switchover")
        .latestVersion()
        .singleResult()
        .getDeploymentId();
  }

  private Object evaluate(String text) {
    return evaluate(text, StartProcessVariableScope.getSharedInstance(), Map.of());
  }

  /** The expression's value in a scope, with these variables set on it first. */
  private Object evaluate(String text, VariableScope scope, Map<String, Object> variables) {
    ProcessEngineConfigurationImpl configuration =
        (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    Expression expression = configuration.getExpressionManager().createExpression(text);
    Command<Object> command =
        context -> {
          if (!variables.isEmpty()) {
            scope.setVariablesLocal(variables);
          }
          return expression.getValue(scope);
        };
    return configuration.getCommandExecutorTxRequired().execute(command);
  }

  private String evaluateFailure(String text) {
    try {
      Object value = evaluate(text);
      throw new AssertionError(text + " resolved to " + value);
    } catch (RuntimeException expected) {
      return String.valueOf(expected.getMessage());
    }
  }
}
