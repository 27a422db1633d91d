package org.switchman.infra.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchman.audit.InMemoryJournal;
import org.switchman.config.SshProperties;
import org.switchman.infra.Mutations;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.StepInterruptedException;

/**
 * The SSH adapter against hosts that accept TCP and never speak (plain sockets on loopback): each
 * fails at its own handshake timeout, side by side, and an interrupted wait is an interruption, not
 * an unreachable host.
 */
class SshRemoteExecutorTest {

  private static final Duration HANDSHAKE = Duration.ofSeconds(1);

  @TempDir Path dir;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private ServerSocket first;
  private ServerSocket second;
  private SshRemoteExecutor ssh;

  @BeforeEach
  void silentHosts() throws IOException {
    first = silent("127.0.0.1", 0);
    second = silent("127.0.0.2", first.getLocalPort());
    Path key = Files.writeString(dir.resolve("id_ed25519"), "never read: no host gets that far\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "");
    ssh =
        new SshRemoteExecutor(
            new SshProperties(
                "switchman",
                key,
                knownHosts,
                null,
                first.getLocalPort(),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                4,
                1024,
                HANDSHAKE),
            new Mutations(new InMemoryJournal()));
  }

  private ServerSocket silent(String address, int port) throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(address), port), 10);
    Thread acceptor =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try {
                  accepted.add(server.accept());
                } catch (IOException closed) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    return server;
  }

  @AfterEach
  void close() throws IOException {
    ssh.close();
    first.close();
    second.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  @Test
  void twoSilentHostsFailSideBySideAtTheirHandshakeTimeout() {
    long started = System.nanoTime();
    CompletableFuture<Throwable> one =
        CompletableFuture.supplyAsync(
            () -> catchThrowable(() -> ssh.query("127.0.0.1", "true", null)));
    CompletableFuture<Throwable> two =
        CompletableFuture.supplyAsync(
            () -> catchThrowable(() -> ssh.query("127.0.0.2", "true", null)));
    assertThat(one.join())
        .isInstanceOf(RemoteExecutionException.Unreachable.class)
        .hasMessage(
            "127.0.0.1 is unreachable: it accepted the TCP connection but sent no SSH"
                + " banner within PT1S");
    assertThat(two.join())
        .isInstanceOf(RemoteExecutionException.Unreachable.class)
        .hasMessageContaining("127.0.0.2 is unreachable");
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat(millis)
        .as("one handshake timeout, not one after the other")
        .isBetween(HANDSHAKE.toMillis() - 100, 2 * HANDSHAKE.toMillis() - 200);
  }

  @Test
  void aWaitInterruptedByShutdownIsNotAnUnreachableHost() throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    CompletableFuture<Boolean> flagKept = new CompletableFuture<>();
    Thread step =
        new Thread(
            () -> {
              failure.complete(catchThrowable(() -> ssh.query("127.0.0.1", "true", null)));
              flagKept.complete(Thread.currentThread().isInterrupted());
            });
    step.start();
    Thread.sleep(300);
    step.interrupt();
    step.join(5000);
    assertThat(failure.get())
        .isInstanceOf(StepInterruptedException.class)
        .hasMessage("interrupted by shutdown while connecting to 127.0.0.1");
    assertThat(flagKept.get()).as("the interrupt flag stays set").isTrue();
  }
}
