package org.switchman.process.rest;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.ProcessEngineException;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.port.InfrastructureUnavailableException;
import org.switchman.runbook.port.RunbookLock;

/** What the REST API answers for the refusals it knows, however deep in the cause chain. */
class RefusalAwareExceptionMappersTest {

  @Test
  void aRequestThatCollidedWithAConcurrentChangeIsAConflictThatSaysNothingWasDone() {
    Response answer =
        RefusalAwareExceptionMappers.refusalOrNull(
            new ProcessEngineException(
                "wrapped",
                new OptimisticLockingException("ENGINE-03005 Execution of 'DELETE ...' failed")));
    assertThat(answer.getStatus()).isEqualTo(409);
    assertThat(answer.getEntity())
        .isEqualTo(
            Map.of(
                "type",
                "ConcurrentChange",
                "message",
                "The run changed while this request was handled (a step or another person acted"
                    + " at the same moment); nothing of this request was done. Look at the run"
                    + " again and repeat the request if it still applies."));
  }

  @Test
  void aServerThatDidNotAnswerIsUnavailableAndSaysTheRequestWasRolledBack() {
    Response answer =
        RefusalAwareExceptionMappers.refusalOrNull(
            new ProcessEngineException(
                "listener failed",
                new InfrastructureUnavailableException(
                    "etcd (http://127.0.0.1:2379) did not answer within PT3S to read"
                        + " /conftool/v1/mediawiki-config/common/WMFMasterDatacenter",
                    new java.util.concurrent.TimeoutException())));
    assertThat(answer.getStatus()).isEqualTo(503);
    assertThat(answer.getEntity())
        .isEqualTo(
            Map.of(
                "type",
                "InfrastructureUnavailable",
                "message",
                "etcd (http://127.0.0.1:2379) did not answer within PT3S to read"
                    + " /conftool/v1/mediawiki-config/common/WMFMasterDatacenter; the engine rolled"
                    + " this request back. Repeat it once the server answers."));
  }

  @Test
  void anEngineDatabaseThatDidNotAnswerIsUnavailableAndSaysToLookBeforeRepeating() {
    java.sql.SQLException broken =
        new java.sql.SQLException("An I/O error occurred while sending to the backend.", "08006");
    Response answer =
        RefusalAwareExceptionMappers.refusalOrNull(
            new ProcessEngineException(
                "ENGINE-03083 Exception while executing Batch Database Operations",
                new org.apache.ibatis.exceptions.PersistenceException(
                    "### Error querying", broken)));
    assertThat(answer.getStatus()).isEqualTo(503);
    assertThat(answer.getEntity())
        .isEqualTo(
            Map.of(
                "type",
                "EngineDatabaseUnavailable",
                "message",
                "The engine's database did not answer (An I/O error occurred while sending to the"
                    + " backend.). If it failed while committing, part of this request may be"
                    + " done: look at the run again before you repeat it."));
    assertThat(
            RefusalAwareExceptionMappers.refusalOrNull(
                new java.sql.SQLTransientConnectionException(
                    "HikariPool-1 - Connection is not available, request timed out after 10000ms.")))
        .extracting(Response::getStatus)
        .isEqualTo(503);
    assertThat(
            RefusalAwareExceptionMappers.refusalOrNull(
                new ProcessEngineException(
                    "x",
                    new java.sql.SQLException("canceling statement due to user request", "57014"))))
        .extracting(Response::getStatus)
        .isEqualTo(503);
    assertThat(
            RefusalAwareExceptionMappers.refusalOrNull(
                new ProcessEngineException(
                    "x", new java.sql.SQLException("duplicate key value", "23505"))))
        .as("a constraint violation is not an outage")
        .isNull();
  }

  @Test
  void aHeldLockDeeperInTheChainWinsOverTheCollision() {
    RunbookLock.LockHeldException held =
        new RunbookLock.LockHeldException(
            "dc-switchover",
            "mediawiki",
            List.of(new RunbookLock.Holder("run-1", "alice", Instant.EPOCH)));
    Response answer =
        RefusalAwareExceptionMappers.refusalOrNull(new OptimisticLockingException("x", held));
    assertThat(answer.getStatus()).isEqualTo(409);
    assertThat(((Map<?, ?>) answer.getEntity()).get("type")).isEqualTo("RunbookLocked");
  }

  @Test
  void anythingElseIsLeftToCamunda() {
    assertThat(RefusalAwareExceptionMappers.refusalOrNull(new ProcessEngineException("boom")))
        .isNull();
  }
}
