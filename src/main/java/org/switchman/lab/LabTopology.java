package org.switchman.lab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the lab contains: datacenters, sections, discovery services and the SSH fleet with its
 * conftool pools. Deterministic for a given {@link LabConfig}.
 */
public final class LabTopology {

  /** The core datacenters, in conftool order; eqiad starts as the primary. */
  public static final List<String> DATACENTERS = List.of("eqiad", "codfw");

  /** The datacenter that is primary when the lab starts. */
  public static final String PRIMARY_DC = "eqiad";

  /** Every database section the lab knows, in port order. */
  public static final List<String> ALL_SECTIONS =
      List.of("s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "x1", "es4", "es5");

  /** Active/passive discovery records moved by the MediaWiki switchover. */
  public static final List<String> MEDIAWIKI_SERVICES =
      List.of("appservers-rw", "api-rw", "jobrunner", "videoscaler", "parsoid-php");

  /** Active/passive discovery records outside MediaWiki (pooled in the primary DC only). */
  public static final List<String> ACTIVE_PASSIVE_SERVICES = List.of("releases", "docker-registry");

  /** Active/active discovery records (pooled in both DCs). */
  public static final List<String> ACTIVE_ACTIVE_SERVICES =
      List.of("appservers-ro", "api-ro", "restbase", "aqs", "search", "kafka-main");

  /**
   * A fleet host.
   *
   * @param fqdn for example {@code mw1001.eqiad.wmnet}
   * @param address its own loopback address
   * @param dc its datacenter
   * @param cluster its conftool cluster
   * @param services its conftool services (may be empty: not in a pool)
   * @param units the systemd units it runs
   * @param weight its conftool weight
   * @param pooled its initial conftool pooled state
   */
  public record Host(
      String fqdn,
      String address,
      String dc,
      String cluster,
      List<String> services,
      List<String> units,
      int weight,
      String pooled) {

    /** The conftool key of one of its services. */
    public String conftoolKey(String service) {
      return "/conftool/v1/pools/" + dc + "/" + cluster + "/" + service + "/" + fqdn;
    }
  }

  private record Role(
      String cluster,
      String prefix,
      int perDc,
      List<String> services,
      List<String> units,
      int weight,
      String pooled) {}

  private final List<Host> hosts;
  private final List<String> sections;

  /** Builds the topology of a lab configuration. */
  public LabTopology(LabConfig config) {
    this.sections = config.sections();
    List<Role> fixed =
        List.of(
            new Role(
                "api_appserver",
                "mw",
                2,
                List.of("apache2", "nginx"),
                List.of("php-fpm", "apache2", "nginx", "envoyproxy"),
                30,
                "yes"),
            new Role(
                "jobrunner",
                "mw",
                2,
                List.of("jobrunner"),
                List.of("php-fpm", "apache2", "jobrunner", "jobchron", "envoyproxy"),
                20,
                "yes"),
            new Role(
                "videoscaler",
                "mw",
                1,
                List.of("videoscaler"),
                List.of("php-fpm", "apache2", "jobrunner", "envoyproxy"),
                10,
                "yes"),
            new Role(
                "parsoid",
                "wtp",
                2,
                List.of("parsoid-php"),
                List.of("php-fpm", "apache2", "envoyproxy"),
                10,
                "yes"),
            new Role(
                "maintenance",
                "mwmaint",
                1,
                List.of("mwmaint"),
                List.of("php-fpm", "mw-cron", "envoyproxy"),
                1,
                "inactive"),
            new Role(
                "aqs",
                "aqs",
                3,
                List.of("aqs", "cassandra"),
                List.of("cassandra", "aqs"),
                10,
                "yes"),
            new Role(
                "elasticsearch",
                "elastic",
                3,
                List.of("elasticsearch"),
                List.of("elasticsearch", "nginx"),
                10,
                "yes"),
            new Role(
                "zookeeper",
                "conf",
                3,
                List.of("zookeeper"),
                List.of("zookeeper", "etcd"),
                10,
                "yes"),
            new Role("kafka", "kafka", 3, List.of("kafka"), List.of("kafka"), 10, "yes"),
            new Role(
                "snapshot",
                "snapshot",
                1,
                List.of("dumps"),
                List.of("php-fpm", "mw-dumps", "envoyproxy"),
                1,
                "inactive"),
            new Role(
                "mysql",
                "db",
                sections.size(),
                List.of(),
                List.of("mariadb", "pt-heartbeat"),
                0,
                "no"),
            // reference 002: the AFS file server and the services that start after it, in order
            new Role(
                "fileserver",
                "afs",
                1,
                List.of("afs"),
                List.of(
                    "openafs-fileserver",
                    "nscd",
                    "mysql",
                    "postgresql",
                    "apache2",
                    "domtool-server",
                    "cron"),
                10,
                "yes"),
            // the machines whose domtool-slave must be restarted after the file server reboots
            new Role(
                "webserver",
                "web",
                2,
                List.of("apache2"),
                List.of("nscd", "apache2", "domtool-slave"),
                10,
                "yes"),
            // the deployment server, where the switchover takes scap's global lock (reference 001)
            new Role("deployment", "deploy", 1, List.of(), List.of("apache2"), 0, "no"));
    int fixedPerDc = fixed.stream().mapToInt(Role::perDc).sum();
    int appserversPerDc =
        config.fleetSize() == 0 ? 4 : Math.max(1, (config.fleetSize() - 2 * fixedPerDc) / 2);
    List<Role> roles = new ArrayList<>();
    roles.add(
        new Role(
            "appserver",
            "mw",
            appserversPerDc,
            List.of("apache2", "nginx"),
            List.of("php-fpm", "apache2", "nginx", "envoyproxy"),
            30,
            "yes"));
    roles.addAll(fixed);

    List<Host> all = new ArrayList<>();
    int index = 0;
    for (String dc : DATACENTERS) {
      int digit = dcDigit(dc);
      Map<String, Integer> counters = new LinkedHashMap<>();
      for (Role role : roles) {
        for (int n = 0; n < role.perDc(); n++) {
          int number = counters.merge(role.prefix(), 1, Integer::sum);
          String fqdn = role.prefix() + (digit * 1000 + number) + "." + dc + ".wmnet";
          String address = config.loopbackNetwork() + "." + (index / 250) + "." + (index % 250 + 1);
          all.add(
              new Host(
                  fqdn,
                  address,
                  dc,
                  role.cluster(),
                  role.services(),
                  role.units(),
                  role.weight(),
                  role.pooled()));
          index++;
        }
      }
    }
    this.hosts = List.copyOf(all);
  }

  /** 1 for eqiad, 2 for codfw. */
  public static int dcDigit(String dc) {
    int i = DATACENTERS.indexOf(dc);
    if (i < 0) {
      throw new IllegalArgumentException("unknown datacenter " + dc);
    }
    return i + 1;
  }

  /** All fleet hosts, eqiad first. */
  public List<Host> hosts() {
    return hosts;
  }

  /** The sections this lab runs. */
  public List<String> sections() {
    return sections;
  }

  /** The fleet host that stands for the master of a section in a DC (for puppet runs). */
  public Host dbMasterHost(String section, String dc) {
    List<Host> dbs =
        hosts.stream().filter(h -> h.dc().equals(dc) && h.cluster().equals("mysql")).toList();
    return dbs.get(sections.indexOf(section));
  }

  /** The deployment server of a datacenter (scap). */
  public Host deploymentServer(String dc) {
    return firstHost(dc, "deployment");
  }

  /** The first host of a cluster in a datacenter, in the fleet's order. */
  public Host firstHost(String dc, String cluster) {
    return hosts.stream()
        .filter(h -> h.dc().equals(dc) && h.cluster().equals(cluster))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no lab host of " + cluster + " in " + dc));
  }

  /** The host with this FQDN. */
  public Host host(String fqdn) {
    return hosts.stream()
        .filter(h -> h.fqdn().equals(fqdn))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown lab host " + fqdn));
  }

  /** Every discovery record, active/passive first. */
  public static List<String> discoveryServices() {
    List<String> all = new ArrayList<>(MEDIAWIKI_SERVICES);
    all.addAll(ACTIVE_PASSIVE_SERVICES);
    all.addAll(ACTIVE_ACTIVE_SERVICES);
    return all;
  }

  /** Whether a discovery record is pooled in both DCs at start. */
  public static boolean isActiveActive(String service) {
    return ACTIVE_ACTIVE_SERVICES.contains(service);
  }
}
