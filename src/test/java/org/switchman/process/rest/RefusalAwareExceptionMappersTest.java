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
