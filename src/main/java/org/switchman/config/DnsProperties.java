package org.switchman.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The authoritative DNS server of the discovery zone ({@code switchman.dns.*}).
 *
 * @param server its address
 * @param port its port
 * @param zone the discovery zone, {@code discovery.wmnet} by default
 * @param tsigKeyFile a BIND {@code key} clause (name, algorithm, secret) that signs updates
 * @param timeout how long a query or update may take
 */
@ConfigurationProperties("switchman.dns")
public record DnsProperties(
    String server, Integer port, String zone, Path tsigKeyFile, Duration timeout) {

  public DnsProperties {
    port = port == null ? 53 : port;
    zone = zone == null ? "discovery.wmnet" : zone;
    timeout = timeout == null ? Duration.ofSeconds(3) : timeout;
  }

  public boolean configured() {
    return server != null && !server.isBlank();
  }

  /**
   * @throws IllegalStateException naming the property
   */
  public DnsProperties validated() {
    if (!configured()) {
      throw new IllegalStateException("switchman.dns.server is not set");
    }
    if (tsigKeyFile == null || !Files.isReadable(tsigKeyFile)) {
      throw new IllegalStateException(
          "switchman.dns.tsig-key-file names " + tsigKeyFile + ", which cannot be read");
    }
    SecretFiles.requirePrivate("switchman.dns.tsig-key-file", tsigKeyFile);
    return this;
  }
}
