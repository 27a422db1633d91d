package org.switchman.process.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalOutbox;
import org.switchman.config.ClusterProperties;
import org.switchman.infra.cluster.JdbcNodeRegistry;
import org.switchman.infra.runs.JdbcRunParameters;
import org.switchman.process.RunContexts;

/**
 * The nodes' heartbeats on a real engine and registry (H2), with the intervals shortened: a silent
 * or stopped node's jobs are released once, by one survivor, and journaled under their runs; a live
 * node's jobs are never released and their locks are moved on without touching their revision; a
 * start under a name another process beats under is refused; a node taken for dead that beats again
 * registers afresh.
 */
class ClusterMembershipTest {

  private static final ClusterProperties FAST =
      new ClusterProperties(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(1));

  private final String url = "jdbc:h2:mem:cluster-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private final List<JournalEntry.Draft> journaled = new CopyOnWriteArrayList<>();
  private final JournalOutbox outbox =
      new JournalOutbox() {
        @Override
        public void append(JournalEntry.Draft draft) {
          journaled.add(draft);
        }

        @Override
        public boolean chainWaiting() {
          return true;
        }
      };
  private JdbcTemplate jdbc;
  private JdbcNodeRegistry registry;
  private RunContexts runs;
  private JdbcRunParameters parameters;
  private ProcessEngine engine;
  private ClusterMembership nodeA;
  private final List<ClusterMembership> nodes = new CopyOnWriteArrayList<>();

  @BeforeEach
  void engineAndRegistry() {
    DriverManagerDataSource dataSource = new DriverManagerDataSource(url, "sa", "");
    jdbc = new JdbcTemplate(dataSource);
    registry = new JdbcNodeRegistry(jdbc);
    parameters = new JdbcRunParameters(jdbc, new DataSourceTransactionManager(dataSource));
    runs = new RunContexts(parameters);
    StandaloneInMemProcessEngineConfiguration configuration =
        new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl(url);
    configuration.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
    configuration.setJobExecutorActivate(false);
    configuration.setHistory(ProcessEngineConfiguration.HISTORY_NONE);
    configuration.setProcessEngineName("cluster-" + UUID.randomUUID());
    configuration.setBeans(java.util.Map.of("blocker", new Blocker()));
    // node-a's job executor is this engine's: its interceptor sees the jobs it runs
    nodeA = new ClusterMembership("node-a", registry, FAST, outbox, runs);
    nodes.add(nodeA);
    configuration.setCustomPreCommandInterceptorsTxRequired(
        new java.util.ArrayList<>(List.of(nodeA.runningJobs())));
    engine = configuration.buildProcessEngine();
    engine
        .getRepositoryService()
        .createDeployment()
        .addModelInstance(
            "step.bpmn",
            Bpmn.createExecutableProcess("step")
                .startEvent()
                .serviceTask("ServiceTask_Step")
                .camundaAsyncBefore()
                .camundaExpression("${blocker.pass(execution.getVariable('block'))}")
                .endEvent()
                .done())
        .deploy();
  }

  @AfterEach
  void close() {
    nodes.forEach(ClusterMembership::stop);
    engine.close();
  }

  @Test
  void aSilentNodesJobsAreReleasedOnceByOneSurvivorAndJournaledUnderTheirRuns() throws Exception {
    String run = engine.getRuntimeService().startProcessInstanceByKey("step").getId();
    String other = engine.getRuntimeService().startProcessInstanceByKey("step").getId();
    parameters.freeze(run, "mode", "dry-run");
    // node-a registered, locked the first run's step, and died: it never beats again
    registry.register("node-a", "start-1");
    Job step = job(run);
    lock(step.getId(), "node-a", Instant.now().plusSeconds(3600));
    lock(job(other).getId(), "node-c", Instant.now().plusSeconds(3600));
    ClusterMembership b = join("node-b");
    ClusterMembership c = join("node-c");

    b.beat();
    assertThat(lockOwner(step.getId())).as("not yet silent for dead-after").isEqualTo("node-a");

    Thread.sleep(FAST.deadAfter().plusMillis(200).toMillis());
    b.beat();
    c.beat();

    assertThat(lockOwner(step.getId())).isNull();
    assertThat(lockOwner(job(other).getId())).as("a live node's job").isEqualTo("node-c");
    assertThat(journaled).hasSize(1);
    JournalEntry.Draft failover = journaled.get(0);
    assertThat(failover.runId()).isEqualTo(run);
    assertThat(failover.kind()).isEqualTo("FAILOVER");
    assertThat(failover.step()).isEqualTo("ServiceTask_Step");
    assertThat(failover.mode()).isEqualTo("dry-run");
    assertThat(failover.target()).isEqualTo("node/node-a");
    assertThat(failover.action()).contains(step.getId()).containsPattern("on node node-[bc]$");
    assertThat(registry.find("node-a").orElseThrow().released()).isPresent();
    // released: executable again
    engine.getManagementService().executeJob(step.getId());
    assertThat(
            engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(run).count())
        .isZero();
  }

  @Test
  void aLiveNodesLongStepKeepsItsLockWhichMovesOnWithoutANewRevision() throws Exception {
    ClusterMembership a = join("node-a");
    ClusterMembership b = join("node-b");
    String run =
        engine
            .getRuntimeService()
            .startProcessInstanceByKey("step", java.util.Map.of("block", true))
            .getId();
    // a job locked by node-a whose run it lost (its failure never recorded): it must lose its lock
    // in time, so it is never extended
    String lost = engine.getRuntimeService().startProcessInstanceByKey("step").getId();
    Instant lostUntil =
        Instant.now().plusSeconds(120).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    lock(job(lost).getId(), "node-a", lostUntil);
    Job step = job(run);
    // node-a's job executor takes the step, which runs until released
    configuration().getJobExecutor().setLockOwner("node-a");
    configuration().getJobExecutor().start();
    assertThat(STEP_RUNNING.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    // the step has run for most of the lock time: its lock runs out in a second
    Instant soon = Instant.now().plusSeconds(1);
    lock(step.getId(), "node-a", soon);
    int revision = revision(step.getId());

    for (int beat = 0; beat < 8; beat++) {
      Thread.sleep(100);
      a.beat();
      b.beat();
    }

    assertThat(lockOwner(step.getId())).isEqualTo("node-a");
    assertThat(lockExpiry(step.getId())).isAfter(soon.plus(Duration.ofMinutes(4)));
    assertThat(revision(step.getId())).as("the step's revision").isEqualTo(revision);
    assertThat(lockExpiry(job(lost).getId())).as("a job not running").isEqualTo(lostUntil);
    assertThat(journaled).isEmpty();
    // the engine still ends the step under its revision
    STEP_MAY_END.countDown();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(run).count()
            > 0
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(
            engine.getRuntimeService().createProcessInstanceQuery().processInstanceId(run).count())
        .as("the step ended")
        .isZero();
    configuration().getJobExecutor().shutdown();
  }

  /** The step of the runs started with {@code block}: it waits until the test lets it end. */
  public static final class Blocker {
    public boolean pass(Object block) throws InterruptedException {
      if ("fail".equals(block)) {
        throw new IllegalStateException("the step failed");
      }
      if (Boolean.TRUE.equals(block)) {
        STEP_RUNNING.countDown();
        STEP_MAY_END.await(60, java.util.concurrent.TimeUnit.SECONDS);
      }
      return true;
    }
  }

  private static final java.util.concurrent.CountDownLatch STEP_RUNNING =
      new java.util.concurrent.CountDownLatch(1);
  private static final java.util.concurrent.CountDownLatch STEP_MAY_END =
      new java.util.concurrent.CountDownLatch(1);

  @Test
  void aJobWhoseFailureWasNeverRecordedIsReleasedAndOneAcquiredAgainIsNot() throws Exception {
    ClusterMembership a = join("node-a");
    String lost =
        engine
            .getRuntimeService()
            .startProcessInstanceByKey("step", java.util.Map.of("block", "fail"))
            .getId();
    String again =
        engine
            .getRuntimeService()
            .startProcessInstanceByKey("step", java.util.Map.of("block", "fail"))
            .getId();
    configuration().getJobExecutor().setLockOwner("node-a");
    configuration().getJobExecutor().start();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (retries(job(lost).getId()) == 3 || retries(job(again).getId()) == 3) {
      assertThat(System.nanoTime()).as("both runs failed once").isLessThan(deadline);
      Thread.sleep(50);
    }
    configuration().getJobExecutor().shutdown();
    // as if the database had been away when the first failure was to be recorded: still locked
    // by node-a under the lock of the run that failed; the second acquired again since
    Instant failed = Instant.now();
    lock(job(lost).getId(), "node-a", failed.plus(Duration.ofMinutes(5)).minusSeconds(1));
    lock(job(again).getId(), "node-a", failed.plus(Duration.ofMinutes(5)).plusSeconds(30));
    Thread.sleep(FAST.heartbeatInterval().multipliedBy(2).toMillis());

    a.beat();

    assertThat(lockOwner(job(lost).getId())).isNull();
    assertThat(lockOwner(job(again).getId())).isEqualTo("node-a");
  }

  @Test
  void aStoppedNodesJobsAreReleasedAtTheNextBeat() throws Exception {
    String run = engine.getRuntimeService().startProcessInstanceByKey("step").getId();
    ClusterMembership a = join("node-a");
    ClusterMembership b = join("node-b");
    lock(job(run).getId(), "node-a", Instant.now().plusSeconds(3600));

    a.stop();
    b.beat();

    assertThat(lockOwner(job(run).getId())).isNull();
    assertThat(journaled)
        .singleElement()
        .satisfies(e -> assertThat(e.output()).contains("stopped"));
  }

  @Test
  void aStartUnderANameAnotherProcessBeatsUnderIsRefused() {
    join("node-a");
    ClusterMembership twin = new ClusterMembership("node-a", registry, FAST, outbox, runs);
    nodes.add(twin);

    assertThatThrownBy(() -> twin.join(configuration()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("another process runs as node node-a")
        .hasMessageContaining("switchman.node-name");
  }

  @Test
  void aNodeRestartedAfterACrashJoinsWithoutWaitingForItsOldBeats() throws Exception {
    registry.register("node-a", "crashed-start");
    Thread.sleep(FAST.heartbeatInterval().multipliedBy(2).plusMillis(50).toMillis());
    long t0 = System.nanoTime();

    join("node-a");

    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(150));
    assertThat(registry.find("node-a").orElseThrow().instance()).isNotEqualTo("crashed-start");
  }

  @Test
  void aNodeTakenForDeadThatBeatsAgainRegistersAfresh() {
    ClusterMembership a = join("node-a");
    String first = registry.find("node-a").orElseThrow().instance();
    assertThat(registry.released("node-a", first, "node-b")).isTrue();

    a.beat();

    RegistryRow row = row("node-a");
    assertThat(row.instance()).isNotEqualTo(first);
    assertThat(row.released()).isFalse();
  }

  private ClusterMembership join(String name) {
    ClusterMembership node =
        name.equals("node-a") ? nodeA : new ClusterMembership(name, registry, FAST, outbox, runs);
    nodes.add(node);
    node.join(configuration());
    return node;
  }

  private ProcessEngineConfigurationImpl configuration() {
    return (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
  }

  private Job job(String run) {
    return engine.getManagementService().createJobQuery().processInstanceId(run).singleResult();
  }

  private void lock(String jobId, String owner, Instant until) {
    assertThat(
            jdbc.update(
                "UPDATE ACT_RU_JOB SET LOCK_OWNER_ = ?, LOCK_EXP_TIME_ = ? WHERE ID_ = ?",
                owner,
                Timestamp.from(until),
                jobId))
        .isEqualTo(1);
  }

  private String lockOwner(String jobId) {
    return jdbc.queryForObject(
        "SELECT LOCK_OWNER_ FROM ACT_RU_JOB WHERE ID_ = ?", String.class, jobId);
  }

  private Instant lockExpiry(String jobId) {
    return jdbc.queryForObject(
            "SELECT LOCK_EXP_TIME_ FROM ACT_RU_JOB WHERE ID_ = ?", Timestamp.class, jobId)
        .toInstant();
  }

  private int retries(String jobId) {
    return jdbc.queryForObject(
        "SELECT RETRIES_ FROM ACT_RU_JOB WHERE ID_ = ?", Integer.class, jobId);
  }

  private int revision(String jobId) {
    return jdbc.queryForObject("SELECT REV_ FROM ACT_RU_JOB WHERE ID_ = ?", Integer.class, jobId);
  }

  private record RegistryRow(String instance, boolean released) {}

  private RegistryRow row(String name) {
    return jdbc.queryForObject(
        "SELECT INSTANCE, RELEASED_AT IS NOT NULL FROM SWITCHMAN_NODE WHERE NAME = ?",
        (rs, n) -> new RegistryRow(rs.getString(1), rs.getBoolean(2)),
        name);
  }
}
