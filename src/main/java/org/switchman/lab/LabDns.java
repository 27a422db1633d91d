package org.switchman.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * BIND, authoritative for {@code discovery.wmnet} (dynamic updates with the TSIG key only) and for
 * the {@code svc.<dc>.wmnet} zones that the discovery CNAMEs point to and whose addresses the
 * active/active records answer with.
 */
final class LabDns {

  static final String ZONE = "discovery.wmnet";
  static final String TSIG_KEY_NAME = "switchman-lab";

  private final LabConfig config;
  private final ChildProcesses processes;
  private final Path dir;
  private final Path keyFile;
  private volatile ChildProcesses.Child child;
  private volatile boolean refusingUpdates;

  LabDns(LabConfig config, ChildProcesses processes, Path keyFile) {
    this.config = config;
    this.processes = processes;
    this.dir = config.runDir().resolve("dns");
    this.keyFile = keyFile;
  }

  /** Writes the configuration and zones, starts named and waits for a SOA answer. */
  void start() throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("named.conf"), namedConf());
    Files.writeString(dir.resolve(ZONE + ".zone"), discoveryZone());
    for (String dc : LabTopology.DATACENTERS) {
      Files.writeString(dir.resolve("svc." + dc + ".wmnet.zone"), svcZone(dc));
    }
    launch();
  }

  /** Starts named on the existing files (zone journals included). */
  void launch() {
    child =
        processes.start(
            "named",
            List.of(
                RequiredPrograms.path("named"),
                "-g",
                "-n",
                "1",
                "-4",
                "-c",
                dir.resolve("named.conf").toString()),
            dir.resolve("named.log"),
            Map.of());
    Readiness.await(
        "DNS SOA " + ZONE,
        Duration.ofSeconds(20),
        child,
        dir.resolve("named.log"),
        () -> Readiness.dnsSoa(config.dnsPort(), ZONE));
  }

  /** Stops named, keeping its zone files. */
  void halt() {
    ChildProcesses.Child c = child;
    if (c != null) {
      processes.stop(c, Duration.ofSeconds(5));
      child = null;
    }
  }

  /**
   * Makes named answer every dynamic update of {@value #ZONE} with REFUSED ({@code allow-update {
   * none; }}), or accept signed ones again: rewrites {@code named.conf}, reloads it (SIGHUP) and
   * waits until an update shows the new policy. Queries keep working throughout.
   */
  void refuseUpdates(boolean refuse) {
    ChildProcesses.Child c = child;
    if (c == null) {
      throw new IllegalArgumentException("the DNS server is down");
    }
    refusingUpdates = refuse;
    try {
      Files.writeString(dir.resolve("named.conf"), namedConf());
    } catch (IOException e) {
      throw new LabException("cannot rewrite named.conf", e);
    }
    processes.signal(c, "HUP");
    Readiness.await(
        "DNS updates " + (refuse ? "refused" : "accepted"),
        Duration.ofSeconds(10),
        c,
        dir.resolve("named.log"),
        () -> updateRefused() == refuse);
  }

  /** Sends a signed update that only has a prerequisite; the zone's update ACL still applies. */
  private boolean updateRefused() {
    try {
      String out =
          processes.run(
              "nsupdate probe",
              List.of(
                  "sh",
                  "-c",
                  "printf 'server 127.0.0.1 %d\\nzone %s\\nprereq yxdomain %s.\\nsend\\n' \"$1\" \"$2\" \"$3\" | "
                      + RequiredPrograms.path("nsupdate")
                      + " -t 2 -k "
                      + keyFile,
                  "nsupdate-probe",
                  Integer.toString(config.dnsPort()),
                  ZONE,
                  ZONE),
              Duration.ofSeconds(10),
              Map.of());
      return out.contains("REFUSED");
    } catch (LabException e) {
      return e.getMessage().contains("REFUSED");
    }
  }

  boolean running() {
    ChildProcesses.Child c = child;
    return c != null && c.alive();
  }

  private String namedConf() {
    return """
        include "%1$s";
        options {
          directory "%2$s";
          pid-file none;
          session-keyfile none;
          listen-on port %3$d { 127.0.0.1; };
          listen-on-v6 { none; };
          recursion no;
          allow-query { 127.0.0.0/8; };
          allow-transfer { none; };
          notify no;
          dnssec-validation no;
        };
        controls { };
        logging {
          channel default_stderr { stderr; severity warning; };
          category default { default_stderr; };
        };
        zone "%4$s" {
          type primary;
          file "%4$s.zone";
          allow-update { %6$s };
        };
        zone "svc.eqiad.wmnet" { type primary; file "svc.eqiad.wmnet.zone"; };
        zone "svc.codfw.wmnet" { type primary; file "svc.codfw.wmnet.zone"; };
        """
        .formatted(
            keyFile,
            dir,
            config.dnsPort(),
            ZONE,
            TSIG_KEY_NAME,
            refusingUpdates ? "none;" : "key \"" + TSIG_KEY_NAME + "\";");
  }

  private static String soa(String zone) {
    return """
        $ORIGIN %1$s.
        $TTL 300
        @ IN SOA ns.%1$s. hostmaster.wikimedia.org. ( 1 300 60 86400 30 )
        @ IN NS ns.discovery.wmnet.
        """
        .formatted(zone);
  }

  /**
   * An active/passive service's record is a CNAME to the service in the primary DC; an
   * active/active service's record has one A record per DC, since it is pooled in both at start.
   */
  private String discoveryZone() {
    StringBuilder zone = new StringBuilder(soa(ZONE));
    zone.append("ns 300 IN A 127.0.0.1\n");
    long ttl = config.discoveryTtl().toSeconds();
    for (String service : LabTopology.discoveryServices()) {
      if (LabTopology.isActiveActive(service)) {
        for (String dc : LabTopology.DATACENTERS) {
          line(zone, service, ttl, "A", serviceAddress(service, dc));
        }
      } else {
        line(zone, service, ttl, "CNAME", service + ".svc." + LabTopology.PRIMARY_DC + ".wmnet.");
      }
    }
    return zone.toString();
  }

  private static String svcZone(String dc) {
    StringBuilder zone = new StringBuilder(soa("svc." + dc + ".wmnet"));
    for (String service : LabTopology.discoveryServices()) {
      line(zone, service, 300, "A", serviceAddress(service, dc));
    }
    return zone.toString();
  }

  private static void line(StringBuilder zone, String name, long ttl, String type, String data) {
    zone.append(name).append(' ').append(ttl).append(" IN ").append(type).append(' ');
    zone.append(data).append('\n');
  }

  /**
   * The address of {@code {service}.svc.{dc}.wmnet}: as in production, eqiad services are in
   * 10.2.2.0/24 and codfw ones in 10.2.1.0/24; the last byte is the service's place in {@link
   * LabTopology#discoveryServices()}, from 1.
   */
  static String serviceAddress(String service, String dc) {
    int index = LabTopology.discoveryServices().indexOf(service);
    if (index < 0 || !LabTopology.DATACENTERS.contains(dc)) {
      throw new IllegalArgumentException("no lab service " + service + " in " + dc);
    }
    return (dc.equals("eqiad") ? "10.2.2." : "10.2.1.") + (index + 1);
  }
}
