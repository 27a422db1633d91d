package org.switchman.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * SSH to the fleet ({@code switchman.ssh.*}). The private key and known_hosts are files; the key is
 * never logged.
 *
 * @param user the login user
 * @param keyFile the private key (OpenSSH format)
 * @param knownHostsFile the known_hosts file; hosts not in it are refused
 * @param hostsFile optional file of {@code fqdn address} lines, for fleets whose names DNS does not
 *     resolve (the lab); without it names are resolved by DNS
 * @param port the SSH port
 * @param connectTimeout how long the TCP connection may take to be accepted
 * @param commandTimeout how long a command may run unless the caller says otherwise
 * @param maxSessions how many commands may run at once across all hosts
 * @param outputCap how many characters of stdout and of stderr are kept
 * @param handshakeTimeout how long each stage after the TCP connection may wait for the host: its
 *     banner (every read of the socket), the key exchange, the authentication, and opening a
 *     session for a command; a host that accepts TCP but never speaks fails within it
 */
@ConfigurationProperties("switchman.ssh")
public record SshProperties(
    String user,
    Path keyFile,
    Path knownHostsFile,
    Path hostsFile,
    Integer port,
    Duration connectTimeout,
    Duration commandTimeout,
    Integer maxSessions,
    Integer outputCap,
    Duration handshakeTimeout) {

  /** Settings with the default handshake timeout (10 s). */
  public SshProperties(
      String user,
      Path keyFile,
      Path knownHostsFile,
      Path hostsFile,
      Integer port,
      Duration connectTimeout,
      Duration commandTimeout,
      Integer maxSessions,
      Integer outputCap) {
    this(
        user,
        keyFile,
        knownHostsFile,
        hostsFile,
        port,
        connectTimeout,
        commandTimeout,
        maxSessions,
        outputCap,
        null);
  }

  @ConstructorBinding
  public SshProperties {
    port = port == null ? 22 : port;
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(5) : connectTimeout;
    commandTimeout = commandTimeout == null ? Duration.ofSeconds(60) : commandTimeout;
    maxSessions = maxSessions == null ? 64 : maxSessions;
    outputCap = outputCap == null ? 64 * 1024 : outputCap;
    handshakeTimeout = handshakeTimeout == null ? Duration.ofSeconds(10) : handshakeTimeout;
  }

  /** Whether SSH is configured at all (a key file is set). */
  public boolean configured() {
    return keyFile != null;
  }

  /**
   * Checks the settings and names the first problem.
   *
   * @throws IllegalStateException naming the property and the file
   */
  public SshProperties validated() {
    if (user == null || user.isBlank()) {
      throw new IllegalStateException("switchman.ssh.user is not set");
    }
    requireReadable("switchman.ssh.key-file", keyFile);
    SecretFiles.requirePrivate("switchman.ssh.key-file", keyFile);
    requireReadable("switchman.ssh.known-hosts-file", knownHostsFile);
    if (hostsFile != null) {
      requireReadable("switchman.ssh.hosts-file", hostsFile);
    }
    if (maxSessions < 1 || outputCap < 1) {
      throw new IllegalStateException("switchman.ssh.max-sessions and output-cap must be positive");
    }
    for (Duration timeout : new Duration[] {connectTimeout, commandTimeout, handshakeTimeout}) {
      if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalStateException(
            "switchman.ssh.connect-timeout, command-timeout and"
                + " handshake-timeout must be positive (an SSH wait without a bound can hang a step)");
      }
    }
    return this;
  }

  private static void requireReadable(String property, Path file) {
    if (file == null) {
      throw new IllegalStateException(property + " is not set");
    }
    if (!java.nio.file.Files.isReadable(file)) {
      throw new IllegalStateException(property + " names " + file + ", which cannot be read");
    }
  }
}
