package org.switchman.runbook.restart;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.RunContext;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/** Each named check against a host that answers as the lab's fleet (and production) does. */
class HostCheckTest {

  private static final String HOST = "aqs1001.eqiad.wmnet";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** Answers each command with exit code and output; any other command is unknown (127). */
  private final Map<String, CommandResultText> answers = new HashMap<>();

  private record CommandResultText(int exit, String stdout) {}

  private final RemoteExecutor host =
      new RemoteExecutor() {
        @Override
        public CommandResult query(String hostName, String command, Duration timeout) {
          CommandResultText a = answers.getOrDefault(command, new CommandResultText(127, ""));
          CommandResult result =
              new CommandResult(
                  hostName,
                  command,
                  a.exit(),
                  a.stdout(),
                  a.exit() == 127 ? "bash: line 1: command not found" : "",
                  "SHA256:x",
                  1);
          if (a.exit() != 0) {
            throw new RemoteExecutionException.NonZeroExit(result);
          }
          return result;
        }

        @Override
        public CommandOutcome execute(
            RunContext run, String hostName, String dc, String command, Duration timeout) {
          throw new AssertionError("a check ran a change: " + command);
        }
      };

  private void answer(String command, int exit, String stdout) {
    answers.put(command, new CommandResultText(exit, stdout));
  }

  private HostCheck.Result run(HostCheck check, String... units) {
    return check.run(host, HOST, List.of(units), TIMEOUT);
  }

  @Test
  void everyCheckHasTheNameTheCatalogueUses() {
    assertThat(HostCheck.names())
        .containsExactly(
            "systemd-active",
            "proxy-registered",
            "cassandra-ring-up",
            "no-pending-compactions",
            "es-cluster-green",
            "etcd-cluster-healthy",
            "no-long-jobs",
            "zookeeper-ok",
            "domtool-test-config",
            "kafka-in-sync");
    assertThat(HostCheck.named("es-cluster-green")).contains(HostCheck.ES_CLUSTER_GREEN);
    assertThat(HostCheck.named("systemctl is-active")).isEmpty();
  }

  @Test
  void systemdActiveNeedsEveryUnitActive() {
    answer("systemctl is-active jobrunner", 0, "active\n");
    answer("systemctl is-active jobchron", 3, "inactive\n");
    assertThat(run(HostCheck.SYSTEMD_ACTIVE, "jobrunner").passed()).isTrue();
    assertThat(run(HostCheck.SYSTEMD_ACTIVE, "jobrunner", "jobchron"))
        .isEqualTo(new HostCheck.Result(false, "jobchron is inactive"));
  }

  @Test
  void aRunningButUnregisteredServiceFailsProxyRegistered() {
    answer("check-service-registration aqs", 1, "aqs: NOT registered with the proxy\n");
    assertThat(run(HostCheck.PROXY_REGISTERED, "aqs"))
        .isEqualTo(new HostCheck.Result(false, "aqs: NOT registered with the proxy"));
    answer("check-service-registration aqs", 0, "aqs: registered with the proxy\n");
    assertThat(run(HostCheck.PROXY_REGISTERED, "aqs").passed()).isTrue();
  }

  @Test
  void theRingIsUpOnlyWhenEveryNodeIsUpAndNormal() {
    String header =
        "Datacenter: eqiad\n===============\nStatus=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n"
            + "--  Address   Load   Tokens  Owns  Host ID  Rack\n";
    answer(
        "nodetool status",
        0,
        header
            + "UN  127.20.0.31  207.65 GiB  256  100.0%  a  rack1\n"
            + "UN  127.20.0.32  214.65 GiB  256  100.0%  b  rack2\n");
    assertThat(run(HostCheck.CASSANDRA_RING_UP, "cassandra").passed()).isTrue();
    answer(
        "nodetool status",
        0,
        header
            + "UN  127.20.0.31  207.65 GiB  256  100.0%  a  rack1\n"
            + "UJ  127.20.0.32  214.65 GiB  256  100.0%  b  rack2\n");
    HostCheck.Result joining = run(HostCheck.CASSANDRA_RING_UP, "cassandra");
    assertThat(joining.passed()).isFalse();
    assertThat(joining.reason()).startsWith("not Up and Normal: UJ  127.20.0.32");
  }

  @Test
  void pendingCompactionsAreCounted() {
    answer("nodetool compactionstats", 0, "pending tasks: 0\n");
    assertThat(run(HostCheck.NO_PENDING_COMPACTIONS, "cassandra").passed()).isTrue();
    answer("nodetool compactionstats", 0, "pending tasks: 587\n   id   compaction type ...\n");
    assertThat(run(HostCheck.NO_PENDING_COMPACTIONS, "cassandra").reason())
        .isEqualTo("587 compaction tasks pending");
  }

  @Test
  void elasticsearchMustBeGreen() {
    String command = "curl -s localhost:9200/_cluster/health?pretty";
    answer(
        command,
        0,
        "{\n  \"cluster_name\" : \"production-search-eqiad\",\n  \"status\" : \"green\"\n}");
    assertThat(run(HostCheck.ES_CLUSTER_GREEN, "elasticsearch").passed()).isTrue();
    answer(command, 0, "{\n  \"status\" : \"yellow\",\n  \"unassigned_shards\" : 274\n}");
    assertThat(run(HostCheck.ES_CLUSTER_GREEN, "elasticsearch").reason())
        .isEqualTo("the cluster is yellow");
  }

  @Test
  void etcdZookeeperAndKafka() {
    String etcd = "/usr/local/bin/nrpe_etcd_cluster_health --url https://" + HOST + ":2379";
    answer(etcd, 0, "OK - all 3 members are healthy\n");
    assertThat(run(HostCheck.ETCD_CLUSTER_HEALTHY, "etcd").passed()).isTrue();
    answer(etcd, 2, "CRITICAL - 1 of 3 members unhealthy: conf1002.eqiad.wmnet\n");
    assertThat(run(HostCheck.ETCD_CLUSTER_HEALTHY, "etcd").reason())
        .isEqualTo("CRITICAL - 1 of 3 members unhealthy: conf1002.eqiad.wmnet");

    String jobs = "/usr/local/bin/nrpe_long_running_jobs";
    answer(jobs, 0, "OK - no long-running job\n");
    assertThat(run(HostCheck.NO_LONG_JOBS, "jobrunner").passed()).isTrue();
    answer(
        jobs,
        2,
        "CRITICAL - 1 job that must not be killed is running: dumpBackups since"
            + " 2026-12-02T06:00:00Z, until it finishes\n");
    assertThat(run(HostCheck.NO_LONG_JOBS, "jobrunner").reason())
        .isEqualTo(
            "CRITICAL - 1 job that must not be killed is running: dumpBackups since"
                + " 2026-12-02T06:00:00Z, until it finishes");

    answer("echo ruok | nc localhost 2181", 0, "imok");
    assertThat(run(HostCheck.ZOOKEEPER_OK, "zookeeper").passed()).isTrue();
    answer("echo ruok | nc localhost 2181", 1, "");
    assertThat(run(HostCheck.ZOOKEEPER_OK, "zookeeper").passed()).isFalse();

    String urp = "kafka topics --describe --under-replicated-partitions";
    answer(urp, 0, "");
    assertThat(run(HostCheck.KAFKA_IN_SYNC, "kafka").passed()).isTrue();
    answer(
        urp,
        0,
        "\tTopic: eqiad.resource_change\tPartition: 0\tLeader: 1001\tReplicas: 1001,1002\tIsr: 1001\n"
            + "\tTopic: eqiad.resource_change\tPartition: 1\tLeader: 1001\tReplicas: 1001,1002\tIsr: 1001\n");
    assertThat(run(HostCheck.KAFKA_IN_SYNC, "kafka").reason())
        .isEqualTo("2 partitions are under-replicated");
  }

  @Test
  void aHostThatCannotAnswerFailsTheCheckWithWhy() {
    HostCheck.Result result = run(HostCheck.NO_PENDING_COMPACTIONS, "cassandra");
    assertThat(result.passed()).isFalse();
    assertThat(result.reason()).contains("command not found");
  }

  @Test
  void theDomtoolSmokeTestHoldsOnlyWhenTheTestConfigurationGoesThrough() {
    answer(
        "domtool-test-config",
        0,
        "domtool: test configuration of smoke-test.example applied by afs1001 and 2 slaves\n");
    assertThat(run(HostCheck.DOMTOOL_TEST_CONFIG).passed()).isTrue();

    answer(
        "domtool-test-config",
        1,
        "domtool: apache2 started before the file server was available (started wrongly)\n");
    HostCheck.Result failed = run(HostCheck.DOMTOOL_TEST_CONFIG);
    assertThat(failed.passed()).isFalse();
    assertThat(failed.reason()).contains("apache2 started before the file server was available");
  }
}
