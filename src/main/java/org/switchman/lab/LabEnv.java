package org.switchman.lab;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running lab as its {@code lab.env} describes it ({@link Lab#envVariables()}): the endpoints and
 * files of its servers, and enough of its configuration to rebuild its {@link LabTopology}. Read by
 * the {@code lab-attach} profile, whose application drives a lab started by another process.
 */
public final class LabEnv {

  private final Path file;
  private final Map<String, String> vars;
  private final LabConfig config;

  private LabEnv(Path file, Map<String, String> vars) {
    this.file = file;
    this.vars = vars;
    URI etcd = URI.create(get("LAB_ETCD_ENDPOINTS").split(",")[0].strip());
    int etcdPort = etcd.getPort();
    List<String> sections =
        Arrays.stream(get("LAB_MYSQL_SECTIONS").strip().split("\\s+"))
            .filter(s -> !s.isEmpty())
            .toList();
    this.config =
        new LabConfig(
            file.toAbsolutePath().getParent(),
            file.toAbsolutePath().getParent().resolve("template"),
            get("LAB_LOOPBACK_NETWORK"),
            etcdPort,
            etcdPort + 1,
            integer("LAB_DNS_PORT"),
            integer("LAB_MYSQL_BASE_PORT"),
            integer("LAB_SSH_PORT"),
            sections,
            integer("LAB_FLEET_SIZE"),
            Duration.ofSeconds(integer("LAB_DISCOVERY_TTL_SECONDS")),
            Duration.ofSeconds(5));
  }

  /**
   * Reads a {@code lab.env} as the lab writes it: comment lines and {@code NAME='value'} lines, a
   * quote inside a value written as {@code '\''}.
   *
   * @throws IllegalStateException naming the file and what is wrong with it: missing (the lab is
   *     not running), unreadable, or without a variable the application needs
   */
  public static LabEnv read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "There is no lab.env at "
              + file.toAbsolutePath()
              + ": start"
              + " the lab first (it writes the file once every server is ready), or point"
              + " switchman.lab.env-file at the lab's lab.env.");
    } catch (IOException e) {
      throw new IllegalStateException(
          "Cannot read " + file.toAbsolutePath() + ": " + e.getMessage(), e);
    }
    return new LabEnv(file, parse(text));
  }

  static Map<String, String> parse(String text) {
    Map<String, String> vars = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 1) {
        continue;
      }
      String value = line.substring(eq + 1);
      if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
        value = value.substring(1, value.length() - 1).replace("'\\''", "'");
      }
      vars.put(line.substring(0, eq).strip(), value);
    }
    return vars;
  }

  /** The variable's value; the message names the file and the variable when it is missing. */
  public String get(String name) {
    String value = vars.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          file.toAbsolutePath()
              + " has no "
              + name
              + ": it was"
              + " written by a lab that predates the lab-attach profile; restart the lab.");
    }
    return value;
  }

  private int integer(String name) {
    try {
      return Integer.parseInt(get(name).strip());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          file.toAbsolutePath() + ": " + name + " is not a number: " + get(name));
    }
  }

  /** The lab's configuration (directories, network, ports, sections, fleet size, TTL). */
  public LabConfig config() {
    return config;
  }

  /** The lab's hosts, sections and pools, as the lab built them from the same configuration. */
  public LabTopology topology() {
    return new LabTopology(config);
  }

  public String etcdEndpoint() {
    return get("LAB_ETCD_ENDPOINTS").split(",")[0].strip();
  }

  public String dnsServer() {
    return get("LAB_DNS_SERVER");
  }

  public int dnsPort() {
    return integer("LAB_DNS_PORT");
  }

  public Path tsigKeyFile() {
    return Path.of(get("LAB_TSIG_KEY_FILE"));
  }

  public String sshUser() {
    return get("LAB_SSH_USER");
  }

  public int sshPort() {
    return integer("LAB_SSH_PORT");
  }

  public Path clientKeyFile() {
    return Path.of(get("LAB_SSH_KEY"));
  }

  public Path knownHostsFile() {
    return Path.of(get("LAB_SSH_KNOWN_HOSTS"));
  }

  public Path hostsFile() {
    return Path.of(get("LAB_HOSTS_FILE"));
  }

  public String mysqlAdminUser() {
    return get("LAB_MYSQL_ADMIN_USER");
  }

  public Path mysqlAdminPasswordFile() {
    return Path.of(get("LAB_MYSQL_ADMIN_PASSWORD_FILE"));
  }
}
