package org.switchman.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Where and how big a lab is: its directories, loopback addresses, ports and sizes.
 *
 * <p>Two instances on one machine never collide when they differ in every port and in the loopback
 * network: {@link #demo(Path)} and {@link #forTests(Path)} are such a pair.
 *
 * @param labDir the lab directory; {@code lab.env} is written here and the runtime files
 *     (configuration, data, logs) live in {@code labDir/run}, which is removed on stop and kept
 *     when the start fails; Unix sockets live in the short {@link #socketDir()}
 * @param templateCacheDir where the MariaDB template datadir is cached, keyed by MariaDB version;
 *     it survives a stop
 * @param loopbackNetwork the first two octets of the fleet's loopback /16, for example {@code
 *     127.10}; each host gets its own address in it
 * @param etcdPort the etcd client port on 127.0.0.1
 * @param etcdPeerPort the etcd peer port on 127.0.0.1
 * @param dnsPort the authoritative DNS port (UDP and TCP) on 127.0.0.1
 * @param mysqlBasePort MariaDB master of section {@code i} in DC {@code d} listens on {@code
 *     mysqlBasePort + 10*i + d} ({@code i} is the index in {@link LabTopology#ALL_SECTIONS}, {@code
 *     d} 1 for eqiad and 2 for codfw)
 * @param sshPort the SSH port on every fleet address
 * @param sections the database sections to start, a subset of {@link LabTopology#ALL_SECTIONS}
 * @param fleetSize the number of SSH hosts; {@code 0} means the default demo fleet
 * @param discoveryTtl the TTL of the discovery records at start (30 s in the lab, 300 s prod-like)
 * @param rebootDuration how long a rebooted host stays unreachable
 */
public record LabConfig(
    Path labDir,
    Path templateCacheDir,
    String loopbackNetwork,
    int etcdPort,
    int etcdPeerPort,
    int dnsPort,
    int mysqlBasePort,
    int sshPort,
    List<String> sections,
    int fleetSize,
    Duration discoveryTtl,
    Duration rebootDuration) {

  /** The fleet size used by benchmarks. */
  public static final int BENCHMARK_FLEET_SIZE = 1000;

  public LabConfig {
    Objects.requireNonNull(labDir, "labDir");
    Objects.requireNonNull(templateCacheDir, "templateCacheDir");
    Objects.requireNonNull(discoveryTtl, "discoveryTtl");
    Objects.requireNonNull(rebootDuration, "rebootDuration");
    labDir = labDir.toAbsolutePath().normalize();
    templateCacheDir = templateCacheDir.toAbsolutePath().normalize();
    if (!loopbackNetwork.matches("127\\.\\d{1,3}")) {
      throw new IllegalArgumentException(
          "loopbackNetwork must look like 127.N: " + loopbackNetwork);
    }
    sections = List.copyOf(sections);
    for (String section : sections) {
      if (!LabTopology.ALL_SECTIONS.contains(section)) {
        throw new IllegalArgumentException("unknown section " + section);
      }
    }
    if (fleetSize < 0 || fleetSize > 5000) {
      throw new IllegalArgumentException(
          "fleetSize must be 0 (default) or up to 5000: " + fleetSize);
    }
  }

  /**
   * The demo lab of the {@code lab} profile, on the endpoints in README, "The lab".
   *
   * @param dataDir {@code switchman.data-dir}; the lab lives in {@code dataDir/lab}
   */
  public static LabConfig demo(Path dataDir) {
    Path labDir = dataDir.resolve("lab");
    return new LabConfig(
        labDir,
        labDir.resolve("template"),
        "127.10",
        23790,
        23791,
        15353,
        33000,
        2222,
        LabTopology.ALL_SECTIONS,
        0,
        Duration.ofSeconds(30),
        Duration.ofSeconds(5));
  }

  /**
   * The integration-test lab: every port and the loopback network differ from {@link #demo(Path)},
   * so that tests run while a demo is up.
   *
   * @param buildDir the Maven {@code target} directory
   */
  public static LabConfig forTests(Path buildDir) {
    return new LabConfig(
        buildDir.resolve("lab-it"),
        buildDir.resolve("lab-template"),
        "127.20",
        24790,
        24791,
        16353,
        34000,
        2223,
        LabTopology.ALL_SECTIONS,
        0,
        Duration.ofSeconds(30),
        Duration.ofSeconds(3));
  }

  /** The same lab with prod-like discovery TTLs (300 s). */
  public LabConfig prodLike() {
    return withDiscoveryTtl(Duration.ofSeconds(300));
  }

  /** The same lab with another TTL for the discovery records at start. */
  public LabConfig withDiscoveryTtl(Duration ttl) {
    return new LabConfig(
        labDir,
        templateCacheDir,
        loopbackNetwork,
        etcdPort,
        etcdPeerPort,
        dnsPort,
        mysqlBasePort,
        sshPort,
        sections,
        fleetSize,
        ttl,
        rebootDuration);
  }

  /**
   * The same lab with another fleet size.
   *
   * @param hosts the total number of SSH hosts (the appserver clusters grow), or 0 for the default
   *     demo fleet
   */
  public LabConfig withFleetSize(int hosts) {
    return new LabConfig(
        labDir,
        templateCacheDir,
        loopbackNetwork,
        etcdPort,
        etcdPeerPort,
        dnsPort,
        mysqlBasePort,
        sshPort,
        sections,
        hosts,
        discoveryTtl,
        rebootDuration);
  }

  /** The same lab with only these database sections. */
  public LabConfig withSections(List<String> chosen) {
    return new LabConfig(
        labDir,
        templateCacheDir,
        loopbackNetwork,
        etcdPort,
        etcdPeerPort,
        dnsPort,
        mysqlBasePort,
        sshPort,
        chosen,
        fleetSize,
        discoveryTtl,
        rebootDuration);
  }

  /**
   * The same lab moved to another directory, loopback network and port set, so that it can run next
   * to this one.
   *
   * @param dir the new lab directory
   * @param network the new loopback network, such as {@code 127.30}
   * @param portOffset added to every port
   */
  public LabConfig relocated(Path dir, String network, int portOffset) {
    return new LabConfig(
        dir,
        templateCacheDir,
        network,
        etcdPort + portOffset,
        etcdPeerPort + portOffset,
        dnsPort + portOffset,
        mysqlBasePort + portOffset,
        sshPort + portOffset,
        sections,
        fleetSize,
        discoveryTtl,
        rebootDuration);
  }

  /** The runtime directory, removed on stop. */
  public Path runDir() {
    return labDir.resolve("run");
  }

  /**
   * The short directory for Unix sockets, whose paths may not exceed 107 bytes however deep the lab
   * directory lies: {@code /tmp/switchman-lab-<hash of labDir>}, removed on stop.
   */
  public Path socketDir() {
    return LabSocketDir.of(labDir);
  }

  /** The shell variables file for operators and scripts. */
  public Path envFile() {
    return labDir.resolve("lab.env");
  }

  /** The MariaDB port of a section's master in a datacenter. */
  public int mysqlPort(String section, String dc) {
    return mysqlBasePort + 10 * LabTopology.ALL_SECTIONS.indexOf(section) + LabTopology.dcDigit(dc);
  }

  /** The etcd client URL. */
  public String etcdEndpoint() {
    return "http://127.0.0.1:" + etcdPort;
  }
}
