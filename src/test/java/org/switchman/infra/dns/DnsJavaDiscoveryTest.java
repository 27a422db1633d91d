package org.switchman.infra.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.switchman.audit.InMemoryJournal;
import org.switchman.config.DnsProperties;
import org.switchman.infra.Mutations;
import org.switchman.runbook.port.StepInterruptedException;

class DnsJavaDiscoveryTest {

  @TempDir Path dir;

  @Test
  void aQueryInterruptedByShutdownIsNotADnsServerThatDidNotAnswer() throws Exception {
    Path key =
        Files.writeString(
            dir.resolve("lab.key"),
            "key \"switchman-lab\" {\n" + "\talgorithm hmac-sha256;\n\tsecret \"c2VjcmV0\";\n};\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    try (ServerSocket silent = new ServerSocket()) {
      silent.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      DnsJavaDiscovery dns =
          new DnsJavaDiscovery(
              new DnsProperties(
                  "127.0.0.1",
                  silent.getLocalPort(),
                  "discovery.wmnet",
                  key,
                  Duration.ofSeconds(30)),
              new Mutations(new InMemoryJournal()));
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> dns.read("api-rw"))
            .isInstanceOf(StepInterruptedException.class)
            .hasMessage(
                "interrupted by shutdown while waiting for the DNS server to answer to"
                    + " query api-rw.discovery.wmnet.");
        assertThat(Thread.currentThread().isInterrupted()).as("the flag stays set").isTrue();
      } finally {
        Thread.interrupted();
      }
    }
  }
}
