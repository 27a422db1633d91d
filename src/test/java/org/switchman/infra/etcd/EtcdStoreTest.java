package org.switchman.infra.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.switchman.config.EtcdProperties;
import org.switchman.runbook.port.StepInterruptedException;

class EtcdStoreTest {

  @Test
  void aWaitInterruptedByShutdownIsNotAnUnreachableEtcd() {
    try (EtcdStore store =
        new EtcdStore(
            new EtcdProperties(
                List.of("http://127.0.0.1:9"), Duration.ofSeconds(30), Duration.ofSeconds(30)))) {
      CompletableFuture<String> never = new CompletableFuture<>();
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> store.await(never, "read /conftool/x"))
            .isInstanceOf(StepInterruptedException.class)
            .hasMessage("interrupted by shutdown while waiting for etcd to read /conftool/x");
        assertThat(Thread.currentThread().isInterrupted()).as("the flag stays set").isTrue();
        assertThat(never).as("the call is abandoned").isCancelled();
      } finally {
        Thread.interrupted();
      }
    }
  }
}
