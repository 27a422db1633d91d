package org.switchman.process.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.RepositoryService;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.repository.Deployment;
import org.camunda.bpm.engine.repository.DeploymentBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.support.SimpleBeanDefinitionRegistry;
import org.springframework.context.annotation.AnnotationBeanNameGenerator;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.switchman.audit.InMemoryJournal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.report.RunReports;

/**
 * The deployment guard on a real in-memory engine: one fixture per forbidden construct is refused
 * as a whole, naming the element and the rule, and journaled as refused; every shipped diagram and
 * test fixture is accepted and journaled with each resource's SHA-256; only an administrator (or
 * the application at start) may deploy another version of a shipped runbook.
 */
class DeploymentGuardTest {

  private static final Path PROCESSES = Path.of("processes");
  private static final Path FORMS = Path.of("forms");
  private static final Path TEST_PROCESSES = Path.of("src/test/resources/processes");
  private static final Path FIXTURES = Path.of("src/test/resources/deployment-guard");
  private static final Path CATALOGUE = PROCESSES.resolve("service-catalogue.dmn");
  private static final Set<String> SHIPPED =
      Set.of("dc-switchover", "db-masters-read-only", "db-masters-read-write");

  private static InMemoryJournal journal;
  private static ProcessEngine engine;
  private static RepositoryService repository;

  @BeforeAll
  static void engine() {
    journal = new InMemoryJournal();
    StandaloneInMemProcessEngineConfiguration configuration =
        new StandaloneInMemProcessEngineConfiguration();
    configuration.setProcessEngineName("deployment-guard-" + UUID.randomUUID());
    configuration.setJdbcUrl(
        "jdbc:h2:mem:deployment-guard-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
    configuration.setDatabaseSchemaUpdate("create-drop");
    configuration.setJobExecutorActivate(false);
    configuration.setProcessEnginePlugins(
        List.of(new DeploymentGuardPlugin(journal, diagramBeans(), SHIPPED, null)));
    engine = configuration.buildProcessEngine();
    repository = engine.getRepositoryService();
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @AfterEach
  void logOut() {
    engine.getIdentityService().clearAuthentication();
  }

  // ------------------------------------------------------------------------------- refused

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "script-task.bpmn,                 ScriptTask_Run,     script",
    "script-listener.bpmn,             UserTask_Check,     script",
    "script-io-mapping.bpmn,           UserTask_Check,     script",
    "script-resource.bpmn,             Flow_Scripted,      script",
    "class-delegate.bpmn,              ServiceTask_Run,    class",
    "class-listener.bpmn,              UserTask_Check,     class",
    "get-class-expression.bpmn,        ServiceTask_Run,    expression",
    "engine-services-expression.bpmn,  ServiceTask_Run,    expression",
    "unlisted-bean-delegate.bpmn,      ServiceTask_Run,    delegate-expression",
    "timer-start.bpmn,                 StartEvent_Timer,   start-event",
    "message-start.bpmn,               StartEvent_Message, start-event",
    "signal-start.bpmn,                StartEvent_Signal,  start-event",
    "connector.bpmn,                   ServiceTask_Call,   connector",
    "approval-for-operators.bpmn,      UserTask_GoNoGo,    approval-task",
    "approval-by-expression.bpmn,      UserTask_GoNoGo,    approval-task",
  })
  void aForbiddenConstructRefusesTheWholeDeployment(String fixture, String element, String rule) {
    String name = "guard " + fixture;
    long before = repository.createDeploymentQuery().count();
    asAdmin();

    assertThatThrownBy(
            () -> deploy(name, FIXTURES.resolve(fixture), FORMS.resolve("approval.form")))
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageStartingWith("Deployment refused: ")
        .hasMessageContaining(fixture + ": " + element + ": [" + rule + "] ");

    assertThat(repository.createDeploymentQuery().count()).as("nothing deployed").isEqualTo(before);
    assertThat(
            repository
                .createProcessDefinitionQuery()
                .processDefinitionKey("guard-" + fixture.replace(".bpmn", ""))
                .count())
        .isZero();
    JournalEntry refused = lastDeploymentEntry();
    assertThat(refused.outcome()).isEqualTo(RunReports.REFUSED);
    assertThat(refused.actor()).isEqualTo("admin");
    assertThat(refused.target()).isEqualTo(name);
    assertThat(refused.output())
        .contains(element + ": [" + rule + "]")
        .contains(DeploymentGuard.sha256(bytes(FIXTURES.resolve(fixture))) + "  " + fixture);
  }

  @Test
  void aTimerStartedDiagramReachingTheEngineIsRefusedForEachOfItsThreeElements() {
    asAdmin();
    assertThatThrownBy(() -> deploy("innocent", FIXTURES.resolve("innocent.bpmn")))
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining("innocent.bpmn: s: [start-event] a timer start event")
        .hasMessageContaining(
            "innocent.bpmn: t: [expression] execution.getProcessEngineServices is not allowed")
        .hasMessageContaining(
            "innocent.bpmn: t2: [expression] member access on a literal is not allowed");
    assertThat(engine.getManagementService().createJobQuery().count()).as("no timer job").isZero();
  }

  @Test
  void aDeploymentFromAThreadThatNeverParsedBeforeIsCheckedTheSame() throws InterruptedException {
    Throwable[] thrown = new Throwable[1];
    Thread fresh =
        new Thread(
            () -> {
              try {
                asAdmin();
                deploy("innocent", FIXTURES.resolve("innocent.bpmn"));
              } catch (Throwable refused) {
                thrown[0] = refused;
              } finally {
                engine.getIdentityService().clearAuthentication();
              }
            });
    fresh.start();
    fresh.join();
    assertThat(thrown[0])
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining("innocent.bpmn: s: [start-event]");

    Thread designer =
        new Thread(
            () -> {
              try {
                engine.getIdentityService().setAuthentication("desi", List.of("designers"));
                deploy("switchman-hotfix", PROCESSES.resolve("dc-switchover.bpmn"));
              } catch (Throwable refused) {
                thrown[0] = refused;
              } finally {
                engine.getIdentityService().clearAuthentication();
              }
            });
    thrown[0] = null;
    designer.start();
    designer.join();
    assertThat(thrown[0])
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining("dc-switchover: [shipped-runbook]");
  }

  @Test
  void otherResourceTypesAreRefused() {
    asAdmin();
    DeploymentBuilder builder =
        repository
            .createDeployment()
            .name("guard case")
            .addString("claim.cmmn", "<definitions/>")
            .addString("form.html", "<script>alert(1)</script>");
    assertThatThrownBy(builder::deploy)
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining("claim.cmmn: claim.cmmn: [resource-type]")
        .hasMessageContaining("form.html: form.html: [resource-type]");
  }

  @Test
  void aDecisionFileIsDeployedOnlyAsAValidCatalogueAndOnlyByAnAdministrator() {
    String shipped = new String(bytes(CATALOGUE), java.nio.charset.StandardCharsets.UTF_8);
    long before = repository.createDecisionDefinitionQuery().count();
    asAdmin();
    assertThatThrownBy(
            () ->
                repository
                    .createDeployment()
                    .name("guard rates")
                    .addString("rates.dmn", "<definitions/>")
                    .deploy())
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining(
            "rates.dmn: ServiceCatalogue: [service-catalogue] it is not a readable DMN file");
    String unknownCheck =
        shipped.replace(
            "<text>&quot;kafka-in-sync&quot;</text>", "<text>&quot;kafka-ok&quot;</text>");
    String hugeBatch =
        shipped.replaceFirst(
            "(<outputEntry id=\"OutputEntry_Kafka_BatchMax\">\\s*<text>)\\d+", "$1100000");
    assertThat(hugeBatch).isNotEqualTo(shipped);
    assertThatThrownBy(
            () ->
                repository
                    .createDeployment()
                    .name("guard catalogue")
                    .addString("service-catalogue.dmn", unknownCheck)
                    .deploy())
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining("[service-catalogue] rule ")
        .hasMessageContaining("(kafka): preChecks names the unknown check 'kafka-ok'");
    assertThatThrownBy(
            () ->
                repository
                    .createDeployment()
                    .name("guard catalogue")
                    .addString("service-catalogue.dmn", hugeBatch)
                    .deploy())
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining("(kafka): batchMax");
    JournalEntry refused = lastDeploymentEntry();
    assertThat(refused.outcome()).isEqualTo(RunReports.REFUSED);
    assertThat(refused.output()).contains("[service-catalogue]");

    engine.getIdentityService().setAuthentication("desi", List.of("designers"));
    assertThatThrownBy(
            () ->
                repository
                    .createDeployment()
                    .name("guard catalogue")
                    .addString("service-catalogue.dmn", shipped)
                    .deploy())
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining(
            "service-catalogue.dmn: ServiceCatalogue: [shipped-catalogue] the service catalogue"
                + " ships with Switchman")
        .hasMessageContaining("not desi");
    assertThat(repository.createDecisionDefinitionQuery().count()).isEqualTo(before);

    asAdmin();
    Deployment accepted =
        repository
            .createDeployment()
            .name("guard catalogue")
            .addString("service-catalogue.dmn", shipped.replace("PT1M", "PT2M"))
            .deploy();
    assertThat(
            repository
                .createDecisionDefinitionQuery()
                .deploymentId(accepted.getId())
                .decisionDefinitionKey("ServiceCatalogue")
                .count())
        .isEqualTo(1);
    assertThat(lastDeploymentEntry().outcome()).isEqualTo(RunReports.DEPLOYED);
  }

  @Test
  void aDesignersCopyOfAShippedRunbookIsRefusedAnAdministratorsIsAccepted() {
    engine.getIdentityService().setAuthentication("desi", List.of("designers"));
    assertThatThrownBy(() -> deploy("switchman-hotfix", runbookAndForms()))
        .isInstanceOf(DeploymentRefusedException.class)
        .hasMessageContaining(
            "dc-switchover.bpmn: dc-switchover: [shipped-runbook] dc-switchover "
                + "ships with Switchman (processes/dc-switchover.bpmn); only camunda-admin may deploy "
                + "another version of it, not desi")
        .hasMessageContaining("db-masters-read-only.bpmn: db-masters-read-only: [shipped-runbook]");

    asAdmin();
    Deployment accepted = deploy("switchman-hotfix", runbookAndForms());
    assertThat(
            repository
                .createProcessDefinitionQuery()
                .deploymentId(accepted.getId())
                .processDefinitionKey("dc-switchover")
                .count())
        .isEqualTo(1);
    assertThat(lastDeploymentEntry().actor()).isEqualTo("admin");
  }

  @Test
  void aDesignerMayDeployADiagramOfItsOwn() {
    engine.getIdentityService().setAuthentication("desi", List.of("designers"));
    Deployment accepted = deploy("guard accepted", FIXTURES.resolve("accepted.bpmn"));
    JournalEntry entry = lastDeploymentEntry();
    assertThat(entry.outcome()).isEqualTo(RunReports.DEPLOYED);
    assertThat(entry.actor()).isEqualTo("desi");
    assertThat(entry.target()).isEqualTo(accepted.getId());
  }

  // ------------------------------------------------------------------------------- accepted

  @Test
  void everyShippedDiagramAndTestFixtureIsAcceptedAndJournaledWithItsSha256() {
    List<Path> resources =
        Stream.of(
                files(PROCESSES, ".bpmn"),
                files(PROCESSES, ".dmn"),
                files(FORMS, ".form"),
                files(TEST_PROCESSES, ".bpmn"))
            .flatMap(List::stream)
            .sorted(Comparator.comparing(path -> path.getFileName().toString()))
            .toList();
    assertThat(resources).hasSizeGreaterThan(6);

    Deployment deployment = deploy("switchman shipped", resources.toArray(Path[]::new));

    assertThat(repository.createProcessDefinitionQuery().deploymentId(deployment.getId()).list())
        .extracting(definition -> definition.getKey())
        .contains(
            "dc-switchover", "db-masters-read-only", "db-masters-read-write", "four-eyes-check");
    assertThat(repository.createDecisionDefinitionQuery().deploymentId(deployment.getId()).list())
        .extracting(definition -> definition.getKey())
        .containsExactlyInAnyOrder("ServiceCatalogue", "HostProfiles");
    JournalEntry entry = lastDeploymentEntry();
    assertThat(entry.runId()).isEqualTo(JournalEntry.SYSTEM);
    assertThat(entry.actor())
        .as("no user: the application deploying")
        .isEqualTo(JournalEntry.SYSTEM);
    assertThat(entry.target()).isEqualTo(deployment.getId());
    assertThat(entry.outcome()).isEqualTo(RunReports.DEPLOYED);
    assertThat(entry.action())
        .startsWith("deploy 'switchman shipped': ")
        .contains("dc-switchover.bpmn");
    List<String> expected =
        resources.stream()
            .map(path -> DeploymentGuard.sha256(bytes(path)) + "  " + path.getFileName())
            .toList();
    assertThat(entry.output().lines().toList()).isEqualTo(expected);
  }

  @Test
  void aRedeploymentOfUnchangedFilesDeploysAndJournalsNothing() {
    deploy("unchanged", FIXTURES.resolve("accepted.bpmn"));
    int entries = journal.all().size();
    Deployment again =
        repository
            .createDeployment()
            .name("unchanged")
            .enableDuplicateFiltering(true)
            .addInputStream("accepted.bpmn", stream(FIXTURES.resolve("accepted.bpmn")))
            .deploy();
    assertThat(repository.createDeploymentQuery().deploymentName("unchanged").count()).isEqualTo(1);
    assertThat(again).isNotNull();
    assertThat(journal.all()).hasSize(entries);
  }

  // ------------------------------------------------------------------------------- helpers

  private static void asAdmin() {
    engine.getIdentityService().setAuthentication("admin", List.of("camunda-admin"));
  }

  private static Path[] runbookAndForms() {
    return Stream.of(files(PROCESSES, ".bpmn"), files(FORMS, ".form"))
        .flatMap(List::stream)
        .toArray(Path[]::new);
  }

  private static Deployment deploy(String name, Path... files) {
    DeploymentBuilder builder = repository.createDeployment().name(name);
    for (Path file : files) {
      builder.addInputStream(file.getFileName().toString(), stream(file));
    }
    return builder.deploy();
  }

  private static JournalEntry lastDeploymentEntry() {
    List<JournalEntry> entries = journal.entriesOfRun(JournalEntry.SYSTEM);
    assertThat(entries).isNotEmpty();
    JournalEntry last = entries.get(entries.size() - 1);
    assertThat(last.kind()).isEqualTo(JournalKind.DEPLOYMENT.name());
    return last;
  }

  private static List<Path> files(Path dir, String suffix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream stream(Path file) {
    return new java.io.ByteArrayInputStream(bytes(file));
  }

  /** The beans a diagram may name, from the components the application context would create. */
  static Set<String> diagramBeans() {
    ClassPathScanningCandidateComponentProvider scanner =
        new ClassPathScanningCandidateComponentProvider(true);
    SimpleBeanDefinitionRegistry registry = new SimpleBeanDefinitionRegistry();
    Set<String> names =
        scanner.findCandidateComponents("org.switchman").stream()
            .filter(AnnotatedBeanDefinition.class::isInstance)
            .filter(
                definition ->
                    DiagramBeans.mayBeNamed(
                        AnnotationBeanNameGenerator.INSTANCE.generateBeanName(definition, registry),
                        classOf(definition.getBeanClassName())))
            .map(
                definition ->
                    AnnotationBeanNameGenerator.INSTANCE.generateBeanName(definition, registry))
            .collect(Collectors.toSet());
    assertThat(names)
        .contains("runVariables", "lockDownSectionDelegate")
        .doesNotContain("mutations", "adminCredentials", "runbookLocks", "lockdownStartRule");
    return names;
  }

  private static Class<?> classOf(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
