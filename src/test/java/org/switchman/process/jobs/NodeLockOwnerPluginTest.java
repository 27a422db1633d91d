package org.switchman.process.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.ProcessEngineConfiguration;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.cfg.StandaloneInMemProcessEngineConfiguration;
import org.camunda.bpm.engine.runtime.Job;
import org.camunda.bpm.model.bpmn.Bpmn;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stable lock owner on a real engine: a start releases the jobs its node still held (as a node
 * killed mid-step leaves them), and leaves alone the jobs another node holds.
 */
class NodeLockOwnerPluginTest {

  private final String url = "jdbc:h2:mem:lock-owner-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
  private ProcessEngine engine;

  @AfterEach
  void close() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void aStartReleasesTheJobsItsNodeHeldAndLeavesOtherNodesJobsLocked() throws SQLException {
    engine = start("node-a");
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
    for (int i = 0; i < 3; i++) {
      engine.getRuntimeService().startProcessInstanceByKey("step");
    }
    List<Job> jobs = engine.getManagementService().createJobQuery().list();
    assertThat(jobs).hasSize(3);
    // as the job executors of two nodes leave them when they die mid-step: locked for an hour
    Instant until = Instant.now().plusSeconds(3600);
    lock(jobs.get(0).getId(), "node-a", until);
    lock(jobs.get(1).getId(), "node-a", until);
    lock(jobs.get(2).getId(), "node-b", until);
    engine.close();

    engine = start("node-a");

    assertThat(lockOwner(jobs.get(0).getId())).isNull();
    assertThat(lockOwner(jobs.get(1).getId())).isNull();
    assertThat(lockOwner(jobs.get(2).getId())).isEqualTo("node-b");
    assertThat(lockExpiry(jobs.get(0).getId())).isNull();
    assertThat(((Timestamp) lockExpiry(jobs.get(2).getId())).toInstant().toEpochMilli())
        .isEqualTo(until.toEpochMilli());
    assertThat(
            ((ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration())
                .getJobExecutor()
                .getLockOwner())
        .isEqualTo("node-a");
    // released jobs are executable again: the engine runs them to the end
    engine.getManagementService().executeJob(jobs.get(0).getId());
    assertThat(engine.getManagementService().createJobQuery().count()).isEqualTo(2);
  }

  @Test
  void aBlankOrOverlongNodeNameIsRefusedNamingTheSetting() {
    assertThatThrownBy(() -> new NodeLockOwnerPlugin(" "))
        .hasMessageContaining("switchman.node-name is blank");
    assertThatThrownBy(() -> new NodeLockOwnerPlugin("n".repeat(256)))
        .hasMessageContaining("switchman.node-name is 256 characters long");
  }

  private ProcessEngine start(String nodeName) {
    StandaloneInMemProcessEngineConfiguration configuration =
        new StandaloneInMemProcessEngineConfiguration();
    configuration.setJdbcUrl(url);
    configuration.setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE);
    configuration.setJobExecutorActivate(false);
    configuration.setHistory(ProcessEngineConfiguration.HISTORY_NONE);
    configuration.setProcessEngineName("lock-owner-" + UUID.randomUUID());
    configuration.getProcessEnginePlugins().add(new NodeLockOwnerPlugin(nodeName));
    return configuration.buildProcessEngine();
  }

  private void lock(String jobId, String owner, Instant until) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        PreparedStatement update =
            c.prepareStatement(
                "UPDATE ACT_RU_JOB SET LOCK_OWNER_ = ?, LOCK_EXP_TIME_ = ? WHERE ID_ = ?")) {
      update.setString(1, owner);
      update.setTimestamp(2, Timestamp.from(until));
      update.setString(3, jobId);
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
  }

  private String lockOwner(String jobId) throws SQLException {
    return (String) column(jobId, "LOCK_OWNER_");
  }

  private Object lockExpiry(String jobId) throws SQLException {
    return column(jobId, "LOCK_EXP_TIME_");
  }

  private Object column(String jobId, String column) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        PreparedStatement query =
            c.prepareStatement("SELECT " + column + " FROM ACT_RU_JOB WHERE ID_ = ?")) {
      query.setString(1, jobId);
      try (ResultSet row = query.executeQuery()) {
        assertThat(row.next()).isTrue();
        return row.getObject(1);
      }
    }
  }
}
