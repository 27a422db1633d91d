package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The lab, checked part by part with the real clients: etcdctl, dig, nsupdate, mysql, ssh. */
@ExtendWith(LabExtension.class)
class LabIT {

  private final Lab lab;

  LabIT(Lab lab) {
    this.lab = lab;
  }

  // ---------------------------------------------------------------- etcd

  @Test
  void etcdHoldsTheConftoolData() {
    assertThat(
            Cli.etcdctl(
                    lab,
                    "get",
                    "--print-value-only",
                    "/conftool/v1/pools/eqiad/appserver/apache2/mw1001.eqiad.wmnet")
                .out()
                .strip())
        .isEqualTo("{\"pooled\":\"yes\",\"weight\":30}");
    assertThat(
            Cli.etcdctl(
                    lab,
                    "get",
                    "--print-value-only",
                    "/conftool/v1/pools/codfw/aqs/cassandra/aqs2001.codfw.wmnet")
                .out()
                .strip())
        .isEqualTo("{\"pooled\":\"yes\",\"weight\":10}");
    assertThat(
            Cli.etcdctl(
                    lab,
                    "get",
                    "--print-value-only",
                    "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter")
                .out()
                .strip())
        .isEqualTo("{\"val\":\"eqiad\"}");
    for (String dc : LabTopology.DATACENTERS) {
      assertThat(
              Cli.etcdctl(
                      lab,
                      "get",
                      "--print-value-only",
                      "/conftool/v1/mediawiki-config/" + dc + "/ReadOnly")
                  .out()
                  .strip())
          .isEqualTo("{\"val\":false}");
    }
    assertThat(
            Cli.etcdctl(
                    lab, "get", "--print-value-only", "/conftool/v1/discovery/appservers-rw/eqiad")
                .out()
                .strip())
        .isEqualTo("{\"pooled\":true,\"references\":[],\"ttl\":30}");
    assertThat(
            Cli.etcdctl(
                    lab, "get", "--print-value-only", "/conftool/v1/discovery/appservers-rw/codfw")
                .out())
        .contains("\"pooled\":false");
    assertThat(
            Cli.etcdctl(lab, "get", "--print-value-only", "/conftool/v1/discovery/aqs/codfw").out())
        .contains("\"pooled\":true");
    String clusters =
        Cli.etcdctl(lab, "get", "--prefix", "--keys-only", "/conftool/v1/pools/codfw/").out();
    for (String cluster :
        new String[] {
          "appserver",
          "api_appserver",
          "jobrunner",
          "videoscaler",
          "parsoid",
          "maintenance",
          "aqs",
          "elasticsearch",
          "zookeeper",
          "kafka"
        }) {
      assertThat(clusters).contains("/conftool/v1/pools/codfw/" + cluster + "/");
    }
  }

  // ---------------------------------------------------------------- DNS

  @Test
  void discoveryRecordsAreCnamesToTheActiveDcWithTheLabTtl() {
    String answer = Cli.dig(lab, "api-rw.discovery.wmnet").out();
    assertThat(answer)
        .containsPattern(
            "api-rw\\.discovery\\.wmnet\\.\\s+30\\s+IN\\s+CNAME\\s+api-rw\\.svc\\.eqiad\\.wmnet\\.");
    assertThat(Cli.dig(lab, "api-rw.svc.eqiad.wmnet").out())
        .containsPattern("api-rw\\.svc\\.eqiad\\.wmnet\\.\\s+300\\s+IN\\s+A\\s+10\\.2\\.2\\.");
    assertThat(Cli.dig(lab, "api-rw.svc.codfw.wmnet").out()).contains("10.2.1.");
    assertThat(Cli.dig(lab, "discovery.wmnet", "SOA").out()).contains("SOA");
  }

  @Test
  void activeActiveRecordsAnswerTheServiceAddressOfEveryDc() {
    String eqiad = Cli.dig(lab, "+short", "restbase.svc.eqiad.wmnet").out().strip();
    String codfw = Cli.dig(lab, "+short", "restbase.svc.codfw.wmnet").out().strip();
    assertThat(eqiad).matches("10\\.2\\.2\\.\\d+");
    assertThat(codfw).isEqualTo(eqiad.replace("10.2.2.", "10.2.1."));
    String answer = Cli.dig(lab, "restbase.discovery.wmnet", "A").out();
    assertThat(answer)
        .containsPattern(
            "restbase\\.discovery\\.wmnet\\.\\s+30\\s+IN\\s+A\\s+" + eqiad.replace(".", "\\."))
        .containsPattern(
            "restbase\\.discovery\\.wmnet\\.\\s+30\\s+IN\\s+A\\s+" + codfw.replace(".", "\\."))
        .doesNotContain("CNAME");
  }

  @Test
  void dynamicUpdatesNeedTheTsigKey() {
    String record = "releases.discovery.wmnet";
    Cli.Result unsigned =
        Cli.nsupdate(
            lab,
            false,
            "update delete "
                + record
                + " CNAME\nupdate add "
                + record
                + " 10 CNAME releases.svc.codfw.wmnet.");
    assertThat(unsigned.exit()).isNotZero();
    assertThat(unsigned.all()).contains("REFUSED");
    assertThat(Cli.dig(lab, record).out()).contains("releases.svc.eqiad.wmnet.");

    try {
      Cli.Result signed =
          Cli.nsupdate(
              lab,
              true,
              "update delete "
                  + record
                  + " CNAME\nupdate add "
                  + record
                  + " 10 CNAME releases.svc.codfw.wmnet.");
      assertThat(signed.exit()).as(signed.all()).isZero();
      assertThat(Cli.dig(lab, record).out())
          .containsPattern(
              "releases\\.discovery\\.wmnet\\.\\s+10\\s+IN\\s+CNAME\\s+releases\\.svc\\.codfw\\.wmnet\\.");
    } finally {
      Cli.Result back =
          Cli.nsupdate(
              lab,
              true,
              "update delete "
                  + record
                  + " CNAME\nupdate add "
                  + record
                  + " 30 CNAME releases.svc.eqiad.wmnet.");
      assertThat(back.exit()).as(back.all()).isZero();
    }
    assertThat(Cli.dig(lab, record).out())
        .containsPattern("\\s30\\s+IN\\s+CNAME\\s+releases\\.svc\\.eqiad");
  }

  // ---------------------------------------------------------------- MariaDB

  @Test
  void everySectionHasAWritableEqiadMasterAndAReadOnlyCodfwMaster() {
    for (String section : lab.config().sections()) {
      assertThat(Cli.mysql(lab, section, "eqiad", "SELECT @@read_only, @@server_id").out().strip())
          .isEqualTo("0\t" + lab.mysqlServerId(section, "eqiad"));
      assertThat(Cli.mysql(lab, section, "codfw", "SELECT @@read_only, @@server_id").out().strip())
          .isEqualTo("1\t" + lab.mysqlServerId(section, "codfw"));
    }
  }

  @Test
  void replicationFlowsBothWaysInEverySection() {
    for (String section : lab.config().sections()) {
      String fromEqiad = UUID.randomUUID().toString();
      String fromCodfw = UUID.randomUUID().toString();
      assertThat(
              Cli.mysql(
                      lab,
                      section,
                      "eqiad",
                      "INSERT INTO wiki.edits (dc, section, payload)"
                          + " VALUES ('eqiad', '"
                          + section
                          + "', '"
                          + fromEqiad
                          + "')")
                  .exit())
          .isZero();
      // the admin user may write through read_only, as the switchover's own checks do
      assertThat(
              Cli.mysql(
                      lab,
                      section,
                      "codfw",
                      "INSERT INTO wiki.edits (dc, section, payload)"
                          + " VALUES ('codfw', '"
                          + section
                          + "', '"
                          + fromCodfw
                          + "')")
                  .exit())
          .isZero();
      awaitTrue(
          "row from eqiad on codfw " + section,
          Duration.ofSeconds(10),
          () ->
              Cli.mysql(
                      lab,
                      section,
                      "codfw",
                      "SELECT COUNT(*) FROM wiki.edits WHERE payload='" + fromEqiad + "'")
                  .out()
                  .strip()
                  .equals("1"));
      awaitTrue(
          "row from codfw on eqiad " + section,
          Duration.ofSeconds(10),
          () ->
              Cli.mysql(
                      lab,
                      section,
                      "eqiad",
                      "SELECT COUNT(*) FROM wiki.edits WHERE payload='" + fromCodfw + "'")
                  .out()
                  .strip()
                  .equals("1"));
    }
  }

  @Test
  void heartbeatsOfBothDcsReachBothMastersAndKeepAdvancing() throws InterruptedException {
    String query = "SELECT MAX(ts) FROM heartbeat.heartbeat WHERE datacenter='%s' AND shard='s3'";
    for (String dc : LabTopology.DATACENTERS) {
      String onEqiad = Cli.mysql(lab, "s3", "eqiad", query.formatted(dc)).out().strip();
      String onCodfw = Cli.mysql(lab, "s3", "codfw", query.formatted(dc)).out().strip();
      assertThat(onEqiad).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
      assertThat(onCodfw).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}");
    }
    // the codfw master is read-only, yet its privileged pt-heartbeat keeps writing
    String before = Cli.mysql(lab, "s3", "eqiad", query.formatted("codfw")).out().strip();
    Thread.sleep(1500);
    String after = Cli.mysql(lab, "s3", "eqiad", query.formatted("codfw")).out().strip();
    assertThat(after).isGreaterThan(before);
    assertThat(
            Cli.mysql(
                    lab,
                    "s3",
                    "codfw",
                    "SELECT datacenter, shard FROM heartbeat.heartbeat"
                        + " WHERE server_id="
                        + lab.mysqlServerId("s3", "eqiad"))
                .out()
                .strip())
        .isEqualTo("eqiad\ts3");
  }

  @Test
  void readOnlyBlocksTheApplicationUser() {
    Cli.Result onCodfw =
        Cli.mysqlAs(
            lab,
            lab.mysqlAppUser(),
            lab.mysqlAppPassword(),
            "s1",
            "codfw",
            "INSERT INTO wiki.edits (dc, section, payload) VALUES ('codfw', 's1', 'app')");
    assertThat(onCodfw.exit()).isNotZero();
    assertThat(onCodfw.err()).contains("read-only");
    Cli.Result onEqiad =
        Cli.mysqlAs(
            lab,
            lab.mysqlAppUser(),
            lab.mysqlAppPassword(),
            "s1",
            "eqiad",
            "INSERT INTO wiki.edits (dc, section, payload) VALUES ('eqiad', 's1', 'app')");
    assertThat(onEqiad.exit()).as(onEqiad.err()).isZero();
    assertThat(Cli.mysql(lab, "s1", "eqiad", "SHOW GRANTS FOR 'switchman_app'@'%'").out())
        .doesNotContain("SUPER")
        .doesNotContain("READ_ONLY ADMIN")
        .doesNotContain("ALL PRIVILEGES");
  }

  @Test
  void theWriteLoadKeepsWritingOnTheReadWriteMaster() throws InterruptedException {
    String count = "SELECT COUNT(*) FROM wiki.edits WHERE dc='eqiad' AND payload LIKE 'xxx%'";
    long before = Long.parseLong(Cli.mysql(lab, "s5", "eqiad", count).out().strip());
    Thread.sleep(2500);
    long after = Long.parseLong(Cli.mysql(lab, "s5", "eqiad", count).out().strip());
    assertThat(after).isGreaterThan(before);
    assertThat(
            Cli.mysql(
                    lab,
                    "s5",
                    "codfw",
                    "SELECT COUNT(*) FROM wiki.edits WHERE dc='codfw'" + " AND payload LIKE 'xxx%'")
                .out()
                .strip())
        .isEqualTo("0");
  }

  // ---------------------------------------------------------------- SSH fleet

  @Test
  void fleetHostsAnswerWithStrictHostKeyChecking() {
    for (String fqdn :
        new String[] {
          "mw1001.eqiad.wmnet",
          "aqs2003.codfw.wmnet",
          lab.topology().hosts().get(lab.topology().hosts().size() - 1).fqdn()
        }) {
      Cli.Result result = Cli.ssh(lab, fqdn, "hostname -f");
      assertThat(result.exit()).as(result.all()).isZero();
      assertThat(result.out().strip()).isEqualTo(fqdn);
    }
    // by name, through the lab's ssh_config
    Cli.Result byName =
        Cli.run(
            java.util.List.of(
                "ssh",
                "-F",
                lab.envVariables().get("LAB_SSH_CONFIG"),
                "elastic1002.eqiad.wmnet",
                "hostname"));
    assertThat(byName.out().strip()).as(byName.all()).isEqualTo("elastic1002");
    assertThat(lab.hostsFile())
        .content()
        .contains("mw1001.eqiad.wmnet " + lab.topology().host("mw1001.eqiad.wmnet").address());
  }

  @Test
  void systemctlKeepsPerHostState() {
    String host = "mw1002.eqiad.wmnet";
    assertThat(Cli.ssh(lab, host, "systemctl is-active php-fpm").out().strip()).isEqualTo("active");
    assertThat(Cli.ssh(lab, host, "systemctl stop php-fpm").exit()).isZero();
    Cli.Result stopped = Cli.ssh(lab, host, "systemctl is-active php-fpm");
    assertThat(stopped.out().strip()).isEqualTo("inactive");
    assertThat(stopped.exit()).isEqualTo(3);
    assertThat(Cli.ssh(lab, "mw1003.eqiad.wmnet", "systemctl is-active php-fpm").out().strip())
        .isEqualTo("active");
    assertThat(Cli.ssh(lab, host, "systemctl start php-fpm.service").exit()).isZero();
    assertThat(Cli.ssh(lab, host, "systemctl is-active php-fpm").exit()).isZero();
    assertThat(Cli.ssh(lab, host, "systemctl restart nosuchunit").err())
        .contains("Unit nosuchunit.service not found");
  }

  @Test
  void puppetCanBeDisabledAndEnabledWithAReason() {
    String host = "mwmaint1001.eqiad.wmnet";
    assertThat(Cli.ssh(lab, host, "run-puppet-agent").out()).contains("Applied catalog");
    assertThat(Cli.ssh(lab, host, "disable-puppet 'switchover T123'").exit()).isZero();
    Cli.Result skipped = Cli.ssh(lab, host, "run-puppet-agent");
    assertThat(skipped.exit()).isNotZero();
    assertThat(skipped.out()).contains("administratively disabled (Reason: 'switchover T123')");
    assertThat(Cli.ssh(lab, host, "enable-puppet 'other reason'").exit()).isNotZero();
    assertThat(Cli.ssh(lab, host, "enable-puppet 'switchover T123'").exit()).isZero();
    assertThat(Cli.ssh(lab, host, "run-puppet-agent").exit()).isZero();
  }

  @Test
  void depoolAndPoolChangeTheHostsConftoolEntry() {
    String host = "mw2001.codfw.wmnet";
    String key = "/conftool/v1/pools/codfw/appserver/apache2/" + host;
    try {
      Cli.Result depool = Cli.ssh(lab, host, "depool");
      assertThat(depool.exit()).as(depool.all()).isZero();
      assertThat(depool.out())
          .contains("codfw/appserver/apache2/" + host + ": pooled changed yes => no");
      assertThat(Cli.etcdctl(lab, "get", "--print-value-only", key).out().strip())
          .isEqualTo("{\"pooled\":\"no\",\"weight\":30}");
      assertThat(
              Cli.etcdctl(
                      lab,
                      "get",
                      "--print-value-only",
                      "/conftool/v1/pools/codfw/appserver/nginx/" + host)
                  .out())
          .contains("\"pooled\":\"no\"");
    } finally {
      assertThat(Cli.ssh(lab, host, "pool").exit()).isZero();
    }
    assertThat(Cli.etcdctl(lab, "get", "--print-value-only", key).out().strip())
        .isEqualTo("{\"pooled\":\"yes\",\"weight\":30}");
  }

  @Test
  void cassandraElasticsearchZookeeperAndKafkaChecks() {
    String status = Cli.ssh(lab, "aqs1001.eqiad.wmnet", "nodetool status").out();
    assertThat(status).contains("Datacenter: eqiad");
    assertThat(status.lines().filter(l -> l.startsWith("UN  ")).count()).isEqualTo(3);
    assertThat(Cli.ssh(lab, "aqs1001.eqiad.wmnet", "nodetool compactionstats").out())
        .contains("pending tasks: 0");
    assertThat(
            Cli.ssh(lab, "elastic2001.codfw.wmnet", "curl -s localhost:9200/_cluster/health?pretty")
                .out())
        .contains("\"status\" : \"green\"")
        .contains("\"number_of_nodes\" : 3");
    String leader = "conf1003.eqiad.wmnet";
    assertThat(Cli.ssh(lab, leader, "echo srvr | nc localhost 2181").out())
        .contains("Mode: leader");
    assertThat(Cli.ssh(lab, "conf1001.eqiad.wmnet", "echo srvr | nc localhost 2181").out())
        .contains("Mode: follower");
    assertThat(Cli.ssh(lab, "conf1001.eqiad.wmnet", "echo ruok | nc localhost 2181").out())
        .isEqualTo("imok");
    String urp = "kafka topics --describe --under-replicated-partitions";
    assertThat(Cli.ssh(lab, "kafka1001.eqiad.wmnet", urp).out()).isEmpty();

    try {
      assertThat(Cli.ssh(lab, "aqs1002.eqiad.wmnet", "nodetool drain").exit()).isZero();
      assertThat(Cli.ssh(lab, "aqs1002.eqiad.wmnet", "systemctl stop cassandra").exit()).isZero();
      assertThat(Cli.ssh(lab, "aqs1001.eqiad.wmnet", "nodetool status -r").out())
          .containsPattern("DN  aqs1002\\.eqiad\\.wmnet");
      assertThat(Cli.ssh(lab, "elastic1001.eqiad.wmnet", "systemctl stop elasticsearch").exit())
          .isZero();
      assertThat(
              Cli.ssh(
                      lab,
                      "elastic1002.eqiad.wmnet",
                      "curl -s localhost:9200/_cluster/health?pretty")
                  .out())
          .contains("\"status\" : \"yellow\"")
          .contains("\"number_of_nodes\" : 2");
      assertThat(Cli.ssh(lab, leader, "systemctl stop zookeeper").exit()).isZero();
      assertThat(Cli.ssh(lab, "conf1002.eqiad.wmnet", "echo srvr | nc localhost 2181").out())
          .contains("Mode: leader");
      assertThat(Cli.ssh(lab, "kafka1002.eqiad.wmnet", "systemctl stop kafka").exit()).isZero();
      assertThat(Cli.ssh(lab, "kafka1001.eqiad.wmnet", urp).out())
          .contains("Replicas: 1001,1002,1003")
          .contains("Isr: 1001,1003");
    } finally {
      Cli.ssh(lab, "aqs1002.eqiad.wmnet", "systemctl start cassandra");
      Cli.ssh(lab, "elastic1001.eqiad.wmnet", "systemctl start elasticsearch");
      Cli.ssh(lab, leader, "systemctl start zookeeper");
      Cli.ssh(lab, "kafka1002.eqiad.wmnet", "systemctl start kafka");
    }
    assertThat(
            Cli.ssh(lab, "aqs1003.eqiad.wmnet", "nodetool status")
                .out()
                .lines()
                .filter(l -> l.startsWith("UN  "))
                .count())
        .isEqualTo(3);
  }

  @Test
  void etcdClusterHealthNamesTheMembersThatAreDown() {
    String check =
        "/usr/local/bin/nrpe_etcd_cluster_health --url https://conf2001.codfw.wmnet:2379";
    Cli.Result healthy = Cli.ssh(lab, "conf2001.codfw.wmnet", check);
    assertThat(healthy.exit()).isZero();
    assertThat(healthy.out().strip()).isEqualTo("OK - all 3 members are healthy");
    try {
      assertThat(Cli.ssh(lab, "conf2002.codfw.wmnet", "systemctl stop etcd").exit()).isZero();
      Cli.Result down = Cli.ssh(lab, "conf2001.codfw.wmnet", check);
      assertThat(down.exit()).isEqualTo(2);
      assertThat(down.out().strip())
          .isEqualTo("CRITICAL - 1 of 3 members unhealthy: conf2002.codfw.wmnet");
    } finally {
      Cli.ssh(lab, "conf2002.codfw.wmnet", "systemctl start etcd");
    }
    assertThat(Cli.ssh(lab, "conf2001.codfw.wmnet", check).exit()).isZero();
  }

  @Test
  void rebootMakesTheHostUnreachableForAWhile() {
    String host = "mw1003.eqiad.wmnet";
    String bootBefore = Cli.ssh(lab, host, "uptime -s").out().strip();
    assertThat(Cli.ssh(lab, host, "systemctl stop apache2").exit()).isZero();
    assertThat(Cli.ssh(lab, host, "reboot").exit()).isZero();
    awaitTrue(
        "host down",
        Duration.ofSeconds(5),
        () -> Cli.ssh(lab, host, "true").err().contains("Connection refused"));
    // a neighbour in the same sshd group is reachable while the host is down (after the few
    // milliseconds in which its sshd restarts without the host's address)
    awaitTrue(
        "neighbour reachable",
        Duration.ofSeconds(2),
        () -> Cli.ssh(lab, "mw1004.eqiad.wmnet", "hostname").exit() == 0);
    awaitTrue("host back", Duration.ofSeconds(20), () -> Cli.ssh(lab, host, "true").exit() == 0);
    assertThat(Cli.ssh(lab, host, "uptime -s").out().strip()).isNotEqualTo(bootBefore);
    assertThat(Cli.ssh(lab, host, "systemctl is-active apache2").out().strip()).isEqualTo("active");
  }

  // ---------------------------------------------------------------- faults

  @Test
  void slowBootKeepsTheHostDownLonger() {
    String host = "wtp1001.eqiad.wmnet";
    LabFault fault =
        lab.faults()
            .inject(new LabFault.Request(LabFault.Kind.BOOT_SLOW, host, null, null, null, 8, null));
    try {
      assertThat(Cli.ssh(lab, host, "reboot").exit()).isZero();
      awaitTrue(
          "host down",
          Duration.ofSeconds(5),
          () -> Cli.ssh(lab, host, "true").err().contains("Connection refused"));
      long down = System.nanoTime();
      sleep(4000); // longer than the lab's default boot (3 s in tests)
      assertThat(Cli.ssh(lab, host, "true").err()).contains("Connection refused");
      awaitTrue("host back", Duration.ofSeconds(20), () -> Cli.ssh(lab, host, "true").exit() == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - down)).isGreaterThan(Duration.ofSeconds(6));
    } finally {
      lab.faults().clear(fault.id());
    }
  }

  @Test
  void unreachableHostTimesOutUntilCleared() {
    String host = "mw1004.eqiad.wmnet";
    LabFault fault = lab.faults().inject(request(LabFault.Kind.HOST_UNREACHABLE, host));
    try {
      Cli.Result result = Cli.ssh(lab, host, "true");
      assertThat(result.exit()).isEqualTo(255);
      assertThat(result.err()).contains("timed out");
      assertThat(result.took()).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(Cli.ssh(lab, host, "true").exit()).isZero();
  }

  @Test
  void refusingHostRefusesUntilCleared() {
    String host = "mw1005.eqiad.wmnet";
    LabFault fault = lab.faults().inject(request(LabFault.Kind.HOST_REFUSING, host));
    try {
      assertThat(Cli.ssh(lab, host, "true").err()).contains("Connection refused");
      assertThat(lab.faults().active()).contains(fault);
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(Cli.ssh(lab, host, "true").exit()).isZero();
    assertThat(lab.faults().active()).doesNotContain(fault);
  }

  @Test
  void changedHostKeyIsRejectedByStrictChecking() {
    String host = "mw1007.eqiad.wmnet";
    LabFault fault = lab.faults().inject(request(LabFault.Kind.HOST_KEY_CHANGED, host));
    try {
      Cli.Result result = Cli.ssh(lab, host, "true");
      assertThat(result.exit()).isEqualTo(255);
      assertThat(result.err()).contains("REMOTE HOST IDENTIFICATION HAS CHANGED");
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(Cli.ssh(lab, host, "true").exit()).isZero();
  }

  @Test
  void restartFaults() {
    String host = "mw1006.eqiad.wmnet";
    LabFault slow =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.RESTART_SLOW, host, "php-fpm", null, null, 5, null));
    try {
      Cli.Result restart = Cli.ssh(lab, host, "systemctl restart php-fpm");
      assertThat(restart.exit()).isZero();
      assertThat(restart.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
    } finally {
      lab.faults().clear(slow.id());
    }
    // an ssh round trip alone took 4.3 s once, with three test JVMs busy: the fault adds 5 s
    assertThat(Cli.ssh(lab, host, "systemctl restart php-fpm").took())
        .isLessThan(Duration.ofSeconds(5));

    LabFault fails =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.RESTART_FAILS, host, "apache2", null, null, null, null));
    try {
      Cli.Result restart = Cli.ssh(lab, host, "systemctl restart apache2");
      assertThat(restart.exit()).isEqualTo(1);
      assertThat(restart.out()).contains("Job for apache2.service failed");
      assertThat(Cli.ssh(lab, host, "systemctl is-active apache2").out().strip())
          .isEqualTo("failed");
    } finally {
      lab.faults().clear(fails.id());
    }
    assertThat(Cli.ssh(lab, host, "systemctl restart apache2").exit()).isZero();

    LabFault attempts =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.RESTART_NEEDS_ATTEMPTS, host, "nginx", null, null, null, 3));
    try {
      assertThat(Cli.ssh(lab, host, "systemctl restart nginx").exit()).isEqualTo(1);
      assertThat(Cli.ssh(lab, host, "systemctl start nginx").exit()).isEqualTo(1);
      assertThat(Cli.ssh(lab, host, "systemctl start nginx").exit()).isZero();
      assertThat(Cli.ssh(lab, host, "systemctl is-active nginx").out().strip()).isEqualTo("active");
    } finally {
      lab.faults().clear(attempts.id());
    }
  }

  @Test
  void serviceLosesItsRegistrationAfterARestart() {
    String host = "mw1008.eqiad.wmnet";
    String check = "check-service-registration php-fpm";
    assertThat(Cli.ssh(lab, host, check).exit()).isZero();
    LabFault fault =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.REGISTRATION_LOST, host, "php-fpm", null, null, null, null));
    try {
      assertThat(Cli.ssh(lab, host, check).exit())
          .as("still registered before the restart")
          .isZero();
      assertThat(Cli.ssh(lab, host, "systemctl restart php-fpm").exit()).isZero();
      assertThat(Cli.ssh(lab, host, "systemctl is-active php-fpm").exit()).isZero();
      Cli.Result lost = Cli.ssh(lab, host, check);
      assertThat(lost.exit()).isEqualTo(1);
      assertThat(lost.out()).contains("NOT registered");
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(Cli.ssh(lab, host, "systemctl restart php-fpm").exit()).isZero();
    assertThat(Cli.ssh(lab, host, check).exit()).isZero();
  }

  @Test
  void cassandraJoiningAndPendingCompactions() {
    LabFault joining =
        lab.faults().inject(request(LabFault.Kind.CASSANDRA_JOINING, "aqs2002.codfw.wmnet"));
    LabFault compactions =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.COMPACTIONS_PENDING,
                    "aqs2003.codfw.wmnet",
                    null,
                    null,
                    null,
                    null,
                    587));
    try {
      assertThat(Cli.ssh(lab, "aqs2001.codfw.wmnet", "nodetool status -r").out())
          .containsPattern("UJ  aqs2002\\.codfw\\.wmnet");
      assertThat(Cli.ssh(lab, "aqs2003.codfw.wmnet", "nodetool compactionstats").out())
          .contains("pending tasks: 587");
    } finally {
      lab.faults().clear(joining.id());
      lab.faults().clear(compactions.id());
    }
    assertThat(Cli.ssh(lab, "aqs2001.codfw.wmnet", "nodetool status -r").out())
        .containsPattern("UN  aqs2002\\.codfw\\.wmnet");
    assertThat(Cli.ssh(lab, "aqs2003.codfw.wmnet", "nodetool compactionstats").out())
        .contains("pending tasks: 0");
  }

  @Test
  void aLongJobIsReportedUntilItEndsOrIsCleared() {
    String scaler = lab.topology().firstHost("eqiad", "videoscaler").fqdn();
    String check = "nrpe_long_running_jobs";
    assertThat(Cli.ssh(lab, scaler, check).out()).isEqualTo("OK - no long-running job\n");

    LabFault transcode =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.LONG_JOB_RUNNING, scaler, null, null, null, 3, null));
    Cli.Result running = Cli.ssh(lab, scaler, check);
    assertThat(running.exit()).isEqualTo(2);
    assertThat(running.out())
        .matches(
            "CRITICAL - 1 job that must not be killed is running: webVideoTranscode since"
                + " \\S+Z, expected to end at \\S+Z\n");
    awaitTrue(
        "the transcode ends by itself",
        Duration.ofSeconds(10),
        () -> Cli.ssh(lab, scaler, check).exit() == 0);
    lab.faults().clear(transcode.id());

    LabFault dump =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.LONG_JOB_RUNNING, scaler, "dumpBackups", null, null, null, null));
    try {
      assertThat(Cli.ssh(lab, scaler, check).out())
          .contains("dumpBackups since", "until it finishes");
    } finally {
      lab.faults().clear(dump.id());
    }
    assertThat(Cli.ssh(lab, scaler, check).exit()).isZero();
    assertThatThrownBy(
            () ->
                lab.faults()
                    .inject(
                        new LabFault.Request(
                            LabFault.Kind.LONG_JOB_RUNNING,
                            scaler,
                            "x; rm -rf /",
                            null,
                            null,
                            null,
                            null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unit (the job) must be letters, digits and ._- only");
  }

  @Test
  void elasticsearchYellow() {
    String health = "curl -s localhost:9200/_cluster/health?pretty";
    LabFault fault =
        lab.faults().inject(request(LabFault.Kind.ELASTICSEARCH_YELLOW, "elastic2002.codfw.wmnet"));
    try {
      assertThat(Cli.ssh(lab, "elastic2001.codfw.wmnet", health).out())
          .contains("\"status\" : \"yellow\"");
      assertThat(Cli.ssh(lab, "elastic1001.eqiad.wmnet", health).out())
          .contains("\"status\" : \"green\"");
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(Cli.ssh(lab, "elastic2001.codfw.wmnet", health).out())
        .contains("\"status\" : \"green\"");
  }

  @Test
  void replicationDelayAndStoppedReplica() {
    LabFault delay =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.REPLICATION_DELAY, null, null, "s2", "codfw", 3600, null));
    String marker = UUID.randomUUID().toString();
    try {
      assertThat(Cli.mysql(lab, "s2", "codfw", "SHOW SLAVE STATUS\\G", true).out())
          .contains("SQL_Delay: 3600");
      Cli.mysql(
          lab,
          "s2",
          "eqiad",
          "INSERT INTO wiki.edits (dc, section, payload) VALUES"
              + " ('eqiad', 's2', '"
              + marker
              + "')");
      sleep(2000);
      assertThat(
              Cli.mysql(
                      lab,
                      "s2",
                      "codfw",
                      "SELECT COUNT(*) FROM wiki.edits WHERE payload='" + marker + "'")
                  .out()
                  .strip())
          .isEqualTo("0");
    } finally {
      lab.faults().clear(delay.id());
    }
    awaitTrue(
        "delayed row arrives once cleared",
        Duration.ofSeconds(10),
        () ->
            Cli.mysql(
                    lab,
                    "s2",
                    "codfw",
                    "SELECT COUNT(*) FROM wiki.edits WHERE payload='" + marker + "'")
                .out()
                .strip()
                .equals("1"));

    LabFault stopped =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.REPLICATION_STOPPED, null, null, "x1", "codfw", null, null));
    try {
      assertThat(Cli.mysql(lab, "x1", "codfw", "SHOW SLAVE STATUS\\G", true).out())
          .contains("Slave_SQL_Running: No");
    } finally {
      lab.faults().clear(stopped.id());
    }
    awaitTrue(
        "replica running again",
        Duration.ofSeconds(10),
        () ->
            Cli.mysql(lab, "x1", "codfw", "SHOW SLAVE STATUS\\G", true)
                .out()
                .contains("Slave_SQL_Running: Yes"));
  }

  @Test
  void etcdDownAndDnsDown() {
    LabFault etcdDown = lab.faults().inject(request(LabFault.Kind.ETCD_DOWN, null));
    try {
      assertThat(
              Cli.etcdctl(lab, "get", "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter")
                  .exit())
          .isNotZero();
    } finally {
      lab.faults().clear(etcdDown.id());
    }
    assertThat(
            Cli.etcdctl(
                    lab,
                    "get",
                    "--print-value-only",
                    "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter")
                .out())
        .contains("eqiad");

    LabFault dnsDown = lab.faults().inject(request(LabFault.Kind.DNS_DOWN, null));
    try {
      Cli.Result dig = Cli.dig(lab, "api-rw.discovery.wmnet");
      assertThat(dig.exit()).isNotZero();
      assertThat(dig.all()).contains("no servers could be reached");
    } finally {
      lab.faults().clear(dnsDown.id());
    }
    assertThat(Cli.dig(lab, "api-rw.discovery.wmnet").out()).contains("CNAME");
  }

  @Test
  void silentHostAcceptsButNeverSendsItsBanner() {
    String host = "mw2002.codfw.wmnet";
    LabFault fault = lab.faults().inject(request(LabFault.Kind.HOST_SILENT, host));
    try {
      Cli.Result result = Cli.ssh(lab, host, "true");
      assertThat(result.exit()).isEqualTo(255);
      // connected, then ssh's own ConnectTimeout (3 s) ran out waiting for the banner
      assertThat(result.err()).contains("banner exchange").doesNotContain("refused");
      assertThat(result.took()).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(Cli.ssh(lab, host, "true").exit()).isZero();
  }

  @Test
  void slowCommandTakesLongerOnlyForItsPrefixAndHost() {
    String host = "mw2003.codfw.wmnet";
    LabFault fault =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.COMMAND_SLOW,
                    host,
                    null,
                    null,
                    null,
                    5,
                    null,
                    "systemctl restart"));
    try {
      Cli.Result slow = Cli.ssh(lab, host, "systemctl restart php-fpm");
      assertThat(slow.exit()).as(slow.all()).isZero();
      assertThat(slow.took()).isGreaterThanOrEqualTo(Duration.ofSeconds(5));
      assertThat(Cli.ssh(lab, host, "systemctl is-active php-fpm").took())
          .isLessThan(Duration.ofSeconds(5));
      assertThat(Cli.ssh(lab, "mw2004.codfw.wmnet", "systemctl restart php-fpm").took())
          .isLessThan(Duration.ofSeconds(5));
    } finally {
      lab.faults().clear(fault.id());
    }
    assertThat(Cli.ssh(lab, host, "systemctl restart php-fpm").took())
        .isLessThan(Duration.ofSeconds(5));
    assertThat(lab.faults().active()).doesNotContain(fault);
  }

  @Test
  void etcdPartitionCutsClientsOffWhileLeasesExpire() throws Exception {
    String key = "/lab-it/partition/" + UUID.randomUUID();
    String lease =
        Cli.etcdctl(lab, "lease", "grant", "4")
            .out()
            .replaceAll("(?s).*lease ([0-9a-f]+) granted.*", "$1");
    assertThat(Cli.etcdctl(lab, "put", "--lease=" + lease, key, "held").exit()).isZero();
    ProcessBuilder keepAliveCommand =
        new ProcessBuilder(
                "etcdctl", "--endpoints=" + lab.etcdEndpoint(), "lease", "keep-alive", lease)
            .redirectErrorStream(true);
    keepAliveCommand.environment().put("ETCDCTL_API", "3");
    Process keepAlive = keepAliveCommand.start();
    try {
      // the keep-alives run once the first is answered (a busy machine starts etcdctl late)
      java.io.BufferedReader said =
          new java.io.BufferedReader(
              new java.io.InputStreamReader(
                  keepAlive.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
      String first = said.readLine();
      assertThat(first).as("etcdctl lease keep-alive").contains("keepalived with TTL");
      Thread drain =
          new Thread(
              () -> {
                try {
                  while (said.readLine() != null) {
                    // keep its pipe from filling up
                  }
                } catch (java.io.IOException ended) {
                  // the process ended
                }
              });
      drain.setDaemon(true);
      drain.start();
      sleep(5000); // longer than the lease: the keep-alives hold it
      assertThat(Cli.etcdctl(lab, "get", "--print-value-only", key).out().strip())
          .isEqualTo("held");
      LabFault partition = lab.faults().inject(request(LabFault.Kind.ETCD_PARTITION, null));
      try {
        Cli.Result cut = Cli.etcdctl(lab, "get", key);
        assertThat(cut.exit()).isNotZero();
        assertThat(cut.took()).as("timed out, not refused").isGreaterThan(Duration.ofSeconds(1));
        sleep(5500);
      } finally {
        lab.faults().clear(partition.id());
      }
      assertThat(Cli.etcdctl(lab, "get", "--print-value-only", key).out().strip())
          .as("the lease expired behind the partition")
          .isEmpty();
      assertThat(Cli.etcdctl(lab, "lease", "timetolive", lease).out()).contains("already expired");
    } finally {
      keepAlive.destroy();
      keepAlive.waitFor();
    }
  }

  @Test
  void pausedEtcdAnswersNothingUntilCleared() {
    String key = "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter";
    LabFault paused = lab.faults().inject(request(LabFault.Kind.ETCD_PAUSED, null));
    try {
      Cli.Result frozen = Cli.etcdctl(lab, "get", key);
      assertThat(frozen.exit()).isNotZero();
      assertThat(frozen.all()).contains("deadline exceeded");
    } finally {
      lab.faults().clear(paused.id());
    }
    assertThat(Cli.etcdctl(lab, "get", "--print-value-only", key).out()).contains("eqiad");
  }

  @Test
  void refusingDnsRefusesUpdatesButAnswersQueries() {
    String record = "docker-registry.discovery.wmnet";
    String update =
        "update delete "
            + record
            + " CNAME\nupdate add "
            + record
            + " 10 CNAME docker-registry.svc.codfw.wmnet.";
    LabFault fault = lab.faults().inject(request(LabFault.Kind.DNS_REFUSING, null));
    try {
      Cli.Result refused = Cli.nsupdate(lab, true, update);
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.all()).contains("REFUSED");
      assertThat(Cli.dig(lab, record).out()).contains("docker-registry.svc.eqiad.wmnet.");
    } finally {
      lab.faults().clear(fault.id());
    }
    try {
      Cli.Result accepted = Cli.nsupdate(lab, true, update);
      assertThat(accepted.exit()).as(accepted.all()).isZero();
      assertThat(Cli.dig(lab, record).out()).contains("docker-registry.svc.codfw.wmnet.");
    } finally {
      Cli.nsupdate(
          lab,
          true,
          "update delete "
              + record
              + " CNAME\nupdate add "
              + record
              + " 30 CNAME docker-registry.svc.eqiad.wmnet.");
    }
  }

  @Test
  void downMasterIsStoppedAndComesBackReplicating() {
    LabFault down =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.DB_MASTER_DOWN, null, null, "s4", "codfw", null, null));
    String marker = UUID.randomUUID().toString();
    try {
      Cli.Result refused = Cli.mysql(lab, "s4", "codfw", "SELECT 1");
      assertThat(refused.exit()).isNotZero();
      assertThat(refused.err()).contains("Can't connect");
      assertThat(
              Cli.mysql(
                      lab,
                      "s4",
                      "eqiad",
                      "INSERT INTO wiki.edits (dc, section, payload)"
                          + " VALUES ('eqiad', 's4', '"
                          + marker
                          + "')")
                  .exit())
          .isZero();
    } finally {
      lab.faults().clear(down.id());
    }
    assertThat(Cli.mysql(lab, "s4", "codfw", "SELECT @@read_only").out().strip()).isEqualTo("1");
    awaitTrue(
        "row written meanwhile arrives",
        Duration.ofSeconds(15),
        () ->
            Cli.mysql(
                    lab,
                    "s4",
                    "codfw",
                    "SELECT COUNT(*) FROM wiki.edits WHERE payload='" + marker + "'")
                .out()
                .strip()
                .equals("1"));
    String fromCodfw = UUID.randomUUID().toString();
    assertThat(
            Cli.mysql(
                    lab,
                    "s4",
                    "codfw",
                    "INSERT INTO wiki.edits (dc, section, payload)"
                        + " VALUES ('codfw', 's4', '"
                        + fromCodfw
                        + "')")
                .exit())
        .isZero();
    awaitTrue(
        "eqiad replicates from the restarted master",
        Duration.ofSeconds(15),
        () ->
            Cli.mysql(
                    lab,
                    "s4",
                    "eqiad",
                    "SELECT COUNT(*) FROM wiki.edits WHERE payload='" + fromCodfw + "'")
                .out()
                .strip()
                .equals("1"));
    String heartbeat = "SELECT MAX(ts) FROM heartbeat.heartbeat WHERE datacenter='codfw'";
    String before = Cli.mysql(lab, "s4", "eqiad", heartbeat).out().strip();
    awaitTrue(
        "the restarted master's heartbeat advances",
        Duration.ofSeconds(10),
        () -> Cli.mysql(lab, "s4", "eqiad", heartbeat).out().strip().compareTo(before) > 0);
  }

  @Test
  void pausedMasterNeverGreetsUntilCleared() {
    LabFault paused =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.DB_MASTER_PAUSED, null, null, "s6", "codfw", null, null));
    try {
      Cli.Result frozen =
          Cli.run(
              java.util.List.of(
                  "mysql",
                  "-h",
                  "127.0.0.1",
                  "-P",
                  Integer.toString(lab.mysqlPort("s6", "codfw")),
                  "-u",
                  lab.mysqlAdminUser(),
                  "--connect-timeout=2",
                  "-e",
                  "SELECT 1"),
              null,
              java.util.Map.of("MYSQL_PWD", lab.mysqlAdminPassword()),
              Duration.ofSeconds(30));
      assertThat(frozen.exit()).isNotZero();
      assertThat(frozen.err()).contains("Lost connection").contains("handshake");
      assertThat(frozen.took()).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    } finally {
      lab.faults().clear(paused.id());
    }
    assertThat(Cli.mysql(lab, "s6", "codfw", "SELECT 1").out().strip()).isEqualTo("1");
  }

  @Test
  void lockedMasterBlocksSetGlobalReadOnlyUntilCleared() {
    String setReadOnly = "SET SESSION lock_wait_timeout=2; SET GLOBAL read_only=1";
    LabFault locked =
        lab.faults()
            .inject(
                new LabFault.Request(
                    LabFault.Kind.DB_LOCKED, null, null, "s7", "eqiad", null, null));
    try {
      Cli.Result blocked = Cli.mysql(lab, "s7", "eqiad", setReadOnly);
      assertThat(blocked.exit()).isNotZero();
      assertThat(blocked.err()).contains("Lock wait timeout exceeded");
      assertThat(Cli.mysql(lab, "s7", "eqiad", "SELECT @@read_only").out().strip()).isEqualTo("0");
    } finally {
      lab.faults().clear(locked.id());
    }
    try {
      Cli.Result set = Cli.mysql(lab, "s7", "eqiad", setReadOnly);
      assertThat(set.exit()).as(set.err()).isZero();
      assertThat(Cli.mysql(lab, "s7", "eqiad", "SELECT @@read_only").out().strip()).isEqualTo("1");
    } finally {
      Cli.mysql(lab, "s7", "eqiad", "SET GLOBAL read_only=0");
    }
    assertThat(
            Cli.mysql(
                    lab,
                    "s7",
                    "eqiad",
                    "SELECT COUNT(*) FROM information_schema.SCHEMATA"
                        + " WHERE SCHEMA_NAME='lab_fault'")
                .out()
                .strip())
        .isEqualTo("0");
  }

  @Test
  void clearingAllFaultsUndoesEveryNewKind() {
    String host = "mw2005.codfw.wmnet";
    lab.faults().inject(request(LabFault.Kind.HOST_SILENT, host));
    lab.faults()
        .inject(
            new LabFault.Request(
                LabFault.Kind.COMMAND_SLOW,
                "mw2006.codfw.wmnet",
                null,
                null,
                null,
                5,
                null,
                "hostname"));
    lab.faults().inject(request(LabFault.Kind.ETCD_PAUSED, null));
    lab.faults().inject(request(LabFault.Kind.DNS_REFUSING, null));
    lab.faults()
        .inject(
            new LabFault.Request(
                LabFault.Kind.DB_MASTER_PAUSED, null, null, "s5", "codfw", null, null));
    lab.faults()
        .inject(
            new LabFault.Request(LabFault.Kind.DB_LOCKED, null, null, "s5", "eqiad", null, null));
    assertThat(lab.faults().active()).hasSize(6);
    lab.faults().clearAll();
    assertThat(lab.faults().active()).isEmpty();
    assertThat(Cli.ssh(lab, host, "true").exit()).isZero();
    assertThat(Cli.ssh(lab, "mw2006.codfw.wmnet", "hostname").took())
        .isLessThan(Duration.ofSeconds(3));
    assertThat(
            Cli.etcdctl(
                    lab,
                    "get",
                    "--print-value-only",
                    "/conftool/v1/mediawiki-config/common/WMFMasterDatacenter")
                .out())
        .contains("eqiad");
    assertThat(Cli.nsupdate(lab, true, "prereq yxdomain discovery.wmnet.").exit()).isZero();
    assertThat(Cli.mysql(lab, "s5", "codfw", "SELECT 1").exit()).isZero();
    try {
      Cli.Result unlocked =
          Cli.mysql(lab, "s5", "eqiad", "SET SESSION lock_wait_timeout=2; SET GLOBAL read_only=1");
      assertThat(unlocked.exit()).as(unlocked.err()).isZero();
    } finally {
      Cli.mysql(lab, "s5", "eqiad", "SET GLOBAL read_only=0");
    }
  }

  @Test
  void labEnvNamesEveryEndpointAndIsPrivate() throws Exception {
    String env = Files.readString(lab.config().envFile());
    for (String name :
        new String[] {
          "LAB_ETCD_ENDPOINTS",
          "LAB_DNS_SERVER",
          "LAB_DNS_PORT",
          "LAB_TSIG_KEY_FILE",
          "LAB_SSH_PORT",
          "LAB_SSH_KNOWN_HOSTS",
          "LAB_SSH_KEY",
          "LAB_SSH_USER",
          "LAB_MYSQL_HOST",
          "LAB_MYSQL_ADMIN_USER",
          "LAB_MYSQL_ADMIN_PASSWORD",
          "LAB_HOSTS_FILE"
        }) {
      assertThat(env).containsPattern("(?m)^" + name + "='[^']+'$");
    }
    assertThat(Files.getPosixFilePermissions(lab.config().envFile()))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    assertThat(Files.getPosixFilePermissions(lab.tsigKeyFile()))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
    // the file works for the shell tools
    Cli.Result viaEnv =
        Cli.run(
            java.util.List.of(
                "bash",
                "-c",
                ". "
                    + lab.config().envFile()
                    + " && ETCDCTL_API=3 etcdctl --endpoints=$LAB_ETCD_ENDPOINTS get --print-value-only"
                    + " /conftool/v1/mediawiki-config/common/WMFMasterDatacenter"
                    + " && dig @$LAB_DNS_SERVER -p $LAB_DNS_PORT +short jobrunner.discovery.wmnet"
                    + " && MYSQL_PWD=$LAB_MYSQL_ADMIN_PASSWORD mysql -h $LAB_MYSQL_HOST -P "
                    + lab.mysqlPort("s8", "codfw")
                    + " -u $LAB_MYSQL_ADMIN_USER -N -e 'SELECT @@server_id'"
                    + " && ssh -i $LAB_SSH_KEY -o UserKnownHostsFile=$LAB_SSH_KNOWN_HOSTS"
                    + " -o StrictHostKeyChecking=yes -p $LAB_SSH_PORT $LAB_SSH_USER@$(awk '$1==\"kafka2001.codfw.wmnet\" {print $2}' $LAB_HOSTS_FILE) hostname -f"));
    assertThat(viaEnv.exit()).as(viaEnv.all()).isZero();
    assertThat(viaEnv.out())
        .contains("{\"val\":\"eqiad\"}")
        .contains("jobrunner.svc.eqiad.wmnet.")
        .contains(Integer.toString(lab.mysqlServerId("s8", "codfw")))
        .contains("kafka2001.codfw.wmnet");
  }

  // ---------------------------------------------------------------- helpers

  private static LabFault.Request request(LabFault.Kind kind, String host) {
    return new LabFault.Request(kind, host, null, null, null, null, null);
  }

  private static void awaitTrue(String what, Duration timeout, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not true within " + timeout + ": " + what);
      }
      sleep(200);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
