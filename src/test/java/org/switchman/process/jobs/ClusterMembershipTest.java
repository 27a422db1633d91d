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
                .camundaExpression("${true}")
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
    String run = engine.getRuntimeService().startProcessInstanceByKey("step").getId();
    Job step = job(run);
    ClusterMembership a = join("node-a");
    ClusterMembership b = join("node-b");
    // a step that has run for most of the lock time: its lock runs out in a second
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
    assertThat(revision(step.getId())).isEqualTo(revision);
    assertThat(journaled).isEmpty();
    // the engine still ends the job under its revision
    engine.getManagementService().executeJob(step.getId());
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
    ClusterMembership node = new ClusterMembership(name, registry, FAST, outbox, runs);
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
