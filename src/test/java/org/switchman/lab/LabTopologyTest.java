package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LabTopologyTest {

  private final LabConfig demo = LabConfig.demo(Path.of("data"));
  private final LabConfig tests = LabConfig.forTests(Path.of("target"));

  @Test
  void mysqlPortsFollowTheDesignFormula() {
    assertThat(demo.mysqlPort("s1", "eqiad")).isEqualTo(33001);
    assertThat(demo.mysqlPort("s1", "codfw")).isEqualTo(33002);
    assertThat(demo.mysqlPort("s8", "eqiad")).isEqualTo(33071);
    assertThat(demo.mysqlPort("x1", "codfw")).isEqualTo(33082);
    assertThat(demo.mysqlPort("es5", "codfw")).isEqualTo(33102);
    assertThat(demo.etcdEndpoint()).isEqualTo("http://127.0.0.1:23790");
    assertThat(demo.dnsPort()).isEqualTo(15353);
    assertThat(demo.sshPort()).isEqualTo(2222);
    assertThat(demo.discoveryTtl().toSeconds()).isEqualTo(30);
    assertThat(demo.prodLike().discoveryTtl().toSeconds()).isEqualTo(300);
  }

  @Test
  void theTestLabSharesNoPortAndNoAddressWithTheDemo() {
    Set<Integer> demoPorts = ports(demo);
    Set<Integer> testPorts = ports(tests);
    assertThat(demoPorts).doesNotContainAnyElementsOf(testPorts);
    Set<String> demoAddresses = addresses(demo);
    assertThat(addresses(tests)).doesNotContainAnyElementsOf(demoAddresses);
    assertThat(tests.labDir()).isNotEqualTo(demo.labDir());
  }

  @Test
  void theDefaultFleetHasEveryClusterInBothDcsWithUniqueNamesAndAddresses() {
    LabTopology topology = new LabTopology(demo);
    List<LabTopology.Host> hosts = topology.hosts();
    assertThat(hosts).hasSizeLessThan(100);
    assertThat(hosts.stream().map(LabTopology.Host::fqdn).distinct()).hasSize(hosts.size());
    assertThat(hosts.stream().map(LabTopology.Host::address).distinct()).hasSize(hosts.size());
    for (String dc : LabTopology.DATACENTERS) {
      for (String cluster :
          List.of(
              "appserver",
              "api_appserver",
              "jobrunner",
              "videoscaler",
              "parsoid",
              "maintenance",
              "snapshot",
              "aqs",
              "elasticsearch",
              "zookeeper",
              "kafka",
              "mysql",
              "fileserver",
              "webserver")) {
        assertThat(hosts).anyMatch(h -> h.dc().equals(dc) && h.cluster().equals(cluster));
      }
    }
    assertThat(topology.host("mw1001.eqiad.wmnet").address()).isEqualTo("127.10.0.1");
    assertThat(topology.host("aqs2001.codfw.wmnet").units()).contains("cassandra");
    assertThat(topology.host("mw2001.codfw.wmnet").conftoolKey("apache2"))
        .isEqualTo("/conftool/v1/pools/codfw/appserver/apache2/mw2001.codfw.wmnet");
    assertThat(hosts)
        .allMatch(
            h ->
                h.fqdn().matches("[a-z]+[12]\\d{3}\\.(eqiad|codfw)\\.wmnet")
                    && h.fqdn().contains("." + h.dc() + ".")
                    && h.fqdn().matches("[a-z]+" + LabTopology.dcDigit(h.dc()) + ".*"));
  }

  @Test
  void theFileServerItsWebServersAndTheDeploymentServerComeLastInEachDc() {
    LabTopology topology = new LabTopology(demo);
    LabTopology.Host afs = topology.host("afs1001.eqiad.wmnet");
    assertThat(afs.cluster()).isEqualTo("fileserver");
    assertThat(afs.services()).containsExactly("afs");
    assertThat(afs.units())
        .containsExactly(
            "openafs-fileserver",
            "nscd",
            "mysql",
            "postgresql",
            "apache2",
            "domtool-server",
            "cron");
    assertThat(afs.weight()).isEqualTo(10);
    assertThat(afs.pooled()).isEqualTo("yes");
    assertThat(afs.conftoolKey("afs"))
        .isEqualTo("/conftool/v1/pools/eqiad/fileserver/afs/afs1001.eqiad.wmnet");
    for (String web :
        List.of(
            "web1001.eqiad.wmnet",
            "web1002.eqiad.wmnet",
            "web2001.codfw.wmnet",
            "web2002.codfw.wmnet")) {
      LabTopology.Host host = topology.host(web);
      assertThat(host.cluster()).isEqualTo("webserver");
      assertThat(host.services()).containsExactly("apache2");
      assertThat(host.units()).containsExactly("nscd", "apache2", "domtool-slave");
      assertThat(host.weight()).isEqualTo(10);
      assertThat(host.pooled()).isEqualTo("yes");
    }
    for (String dc : LabTopology.DATACENTERS) {
      List<String> clusters =
          topology.hosts().stream()
              .filter(h -> h.dc().equals(dc))
              .map(LabTopology.Host::cluster)
              .toList();
      assertThat(clusters.subList(clusters.size() - 4, clusters.size()))
          .containsExactly("fileserver", "webserver", "webserver", "deployment");
      assertThat(clusters.stream().filter("fileserver"::equals)).hasSize(1);
    }
    assertThat(topology.host("afs2001.codfw.wmnet").dc()).isEqualTo("codfw");
    // the hosts that were there before them keep their names
    assertThat(topology.host("db1011.eqiad.wmnet").cluster()).isEqualTo("mysql");
    assertThat(topology.host("mw1004.eqiad.wmnet").cluster()).isEqualTo("appserver");
    assertThat(topology.host("mw1005.eqiad.wmnet").cluster()).isEqualTo("api_appserver");
    assertThat(topology.hosts()).hasSize(80);
    assertThat(topology.deploymentServer("eqiad").fqdn()).isEqualTo("deploy1001.eqiad.wmnet");
  }

  @Test
  void theBenchmarkFleetHasAThousandHosts() {
    LabTopology topology = new LabTopology(demo.withFleetSize(LabConfig.BENCHMARK_FLEET_SIZE));
    assertThat(topology.hosts().size()).isBetween(999, 1000);
    assertThat(topology.hosts().stream().map(LabTopology.Host::address).distinct())
        .hasSize(topology.hosts().size());
  }

  @Test
  void discoveryHasActivePassiveAndActiveActiveServices() {
    assertThat(LabTopology.discoveryServices())
        .contains(
            "appservers-rw",
            "api-rw",
            "jobrunner",
            "videoscaler",
            "parsoid-php",
            "appservers-ro",
            "api-ro",
            "restbase",
            "aqs");
    assertThat(LabTopology.isActiveActive("restbase")).isTrue();
    assertThat(LabTopology.isActiveActive("appservers-rw")).isFalse();
    assertThat(LabTopology.ACTIVE_PASSIVE_SERVICES).isNotEmpty();
  }

  @Test
  void badConfigurationIsRefused() {
    assertThatThrownBy(() -> demo.withSections(List.of("s9")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("s9");
    assertThatThrownBy(() -> demo.relocated(Path.of("x"), "10.0", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LabTopology.dcDigit("esams"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static Set<Integer> ports(LabConfig config) {
    Set<Integer> ports =
        new HashSet<>(
            Set.of(config.etcdPort(), config.etcdPeerPort(), config.dnsPort(), config.sshPort()));
    for (String section : config.sections()) {
      for (String dc : LabTopology.DATACENTERS) {
        ports.add(config.mysqlPort(section, dc));
      }
    }
    return ports;
  }

  private static Set<String> addresses(LabConfig config) {
    Set<String> addresses = new HashSet<>();
    new LabTopology(config.withFleetSize(LabConfig.BENCHMARK_FLEET_SIZE))
        .hosts()
        .forEach(h -> addresses.add(h.address()));
    return addresses;
  }
}
