package org.switchman.runbook.restart;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.switchman.runbook.port.RemoteExecutionException;
import org.switchman.runbook.port.RemoteExecutor;

/**
 * The checks a restart runs on a host before, during (readiness) and after it, each known by the
 * name the service catalogue uses. The catalogue names checks, never commands: what each check runs
 * and how it reads the answer is here, the same for every service, and only reads the host.
 *
 * <p>The commands are those of reference 000 ("Service restarts"), which the lab's fleet answers as
 * production hosts do.
 */
public enum HostCheck {

  /** Every unit of the service is active ({@code systemctl is-active UNIT}). */
  SYSTEMD_ACTIVE("systemd-active") {
    @Override
    Result run(Probe probe) {
      for (String unit : probe.units()) {
        Answer answer = probe.ask("systemctl is-active " + unit);
        if (!answer.ok() || !answer.output().strip().equals("active")) {
          return Result.failed(unit + " is " + answer.output().strip());
        }
      }
      return Result.PASSED;
    }
  },

  /**
   * Every unit is registered with its proxy again ({@code check-service-registration UNIT}): a
   * restart can leave a service running but unregistered (reference 003), which serves nothing.
   */
  PROXY_REGISTERED("proxy-registered") {
    @Override
    Result run(Probe probe) {
      for (String unit : probe.units()) {
        Answer answer = probe.ask("check-service-registration " + unit);
        if (!answer.ok()) {
          return Result.failed(answer.output().strip());
        }
      }
      return Result.PASSED;
    }
  },

  /** Every node of the Cassandra ring is Up and Normal ({@code UN} in {@code nodetool status}). */
  CASSANDRA_RING_UP("cassandra-ring-up") {
    @Override
    Result run(Probe probe) {
      Answer answer = probe.ask("nodetool status");
      if (!answer.ok()) {
        return Result.failed(answer.output().strip());
      }
      List<String> notUp =
          answer
              .output()
              .lines()
              .filter(line -> NODE_LINE.matcher(line).find())
              .filter(line -> !line.startsWith("UN"))
              .map(String::strip)
              .toList();
      return notUp.isEmpty()
          ? Result.PASSED
          : Result.failed("not Up and Normal: " + String.join("; ", notUp));
    }
  },

  /** No compaction is pending on the host ({@code nodetool compactionstats}). */
  NO_PENDING_COMPACTIONS("no-pending-compactions") {
    @Override
    Result run(Probe probe) {
      Answer answer = probe.ask("nodetool compactionstats");
      if (!answer.ok()) {
        return Result.failed(answer.output().strip());
      }
      Matcher pending = PENDING_TASKS.matcher(answer.output());
      if (!pending.find()) {
        return Result.failed("nodetool compactionstats did not say how many tasks are pending");
      }
      return pending.group(1).equals("0")
          ? Result.PASSED
          : Result.failed(pending.group(1) + " compaction tasks pending");
    }
  },

  /** The Elasticsearch cluster the host belongs to is green ({@code _cluster/health}). */
  ES_CLUSTER_GREEN("es-cluster-green") {
    @Override
    Result run(Probe probe) {
      Answer answer = probe.ask("curl -s localhost:9200/_cluster/health?pretty");
      if (!answer.ok()) {
        return Result.failed(answer.output().strip());
      }
      Matcher status = ES_STATUS.matcher(answer.output());
      if (!status.find()) {
        return Result.failed("the cluster health names no status");
      }
      return status.group(1).equals("green")
          ? Result.PASSED
          : Result.failed("the cluster is " + status.group(1));
    }
  },

  /**
   * The etcd cluster the host belongs to is healthy ({@code nrpe_etcd_cluster_health}, the Icinga
   * check reference 000 names for after an etcd restart).
   */
  ETCD_CLUSTER_HEALTHY("etcd-cluster-healthy") {
    @Override
    Result run(Probe probe) {
      return nrpe(
          probe.ask(
              "/usr/local/bin/nrpe_etcd_cluster_health --url https://" + probe.host() + ":2379"));
    }
  },

  /**
   * No work that must not be killed runs on the host ({@code nrpe_long_running_jobs}): a video
   * transcode, a dump or a maintenance script that cannot resume (reference 004). Its report names
   * the job, since when it runs and when it is expected to end.
   */
  NO_LONG_JOBS("no-long-jobs") {
    @Override
    Result run(Probe probe) {
      return nrpe(probe.ask("/usr/local/bin/nrpe_long_running_jobs"));
    }
  },

  /** ZooKeeper on the host answers {@code imok} to {@code ruok}. */
  ZOOKEEPER_OK("zookeeper-ok") {
    @Override
    Result run(Probe probe) {
      Answer answer = probe.ask("echo ruok | nc localhost 2181");
      return answer.ok() && answer.output().strip().equals("imok")
          ? Result.PASSED
          : Result.failed("zookeeper answered '" + answer.output().strip() + "' to ruok");
    }
  },

  /**
   * A test configuration of a domain goes through domtool ({@code domtool-test-config}), on the
   * host that runs {@code domtool-server}: the smoke test reference 002 runs after a reboot of the
   * main file server. It fails for a salvage still running, a service of the host down or started
   * before the file server was available, and a {@code domtool-slave} elsewhere not restarted
   * since.
   */
  DOMTOOL_TEST_CONFIG("domtool-test-config") {
    @Override
    Result run(Probe probe) {
      Answer answer = probe.ask("domtool-test-config");
      return answer.ok() ? Result.PASSED : Result.failed(answer.output().strip());
    }
  },

  /** Kafka lists no under-replicated partition. */
  KAFKA_IN_SYNC("kafka-in-sync") {
    @Override
    Result run(Probe probe) {
      Answer answer = probe.ask("kafka topics --describe --under-replicated-partitions");
      if (!answer.ok()) {
        return Result.failed(answer.output().strip());
      }
      long partitions = answer.output().lines().filter(line -> line.contains("Partition:")).count();
      return partitions == 0
          ? Result.PASSED
          : Result.failed(partitions + " partitions are under-replicated");
    }
  };

  private static final Pattern NODE_LINE = Pattern.compile("^[UD][NLJM]\\s");
  private static final Pattern PENDING_TASKS = Pattern.compile("pending tasks:\\s*(\\d+)");
  private static final Pattern ES_STATUS = Pattern.compile("\"status\"\\s*:\\s*\"([a-z]+)\"");

  private final String checkName;

  HostCheck(String checkName) {
    this.checkName = checkName;
  }

  /** The name the catalogue uses, such as {@code proxy-registered}. */
  public String checkName() {
    return checkName;
  }

  /** The check of that name; empty for a name no check has. */
  public static Optional<HostCheck> named(String name) {
    return Arrays.stream(values()).filter(check -> check.checkName.equals(name)).findFirst();
  }

  /** Every check's name, for messages that list what may be named. */
  public static List<String> names() {
    return Arrays.stream(values()).map(HostCheck::checkName).toList();
  }

  /**
   * Runs the check on one host. It only reads: the commands go through {@link
   * RemoteExecutor#query}, in every mode.
   *
   * @param units the service's systemd units on the host
   * @return whether it holds, and why not
   */
  public Result run(RemoteExecutor remote, String host, List<String> units, Duration timeout) {
    return run(new Probe(remote, host, units, timeout));
  }

  abstract Result run(Probe probe);

  /** An Icinga (nrpe) check's verdict: it holds when it exits 0 and says OK, else what it said. */
  private static Result nrpe(Answer answer) {
    return answer.ok() && answer.output().strip().startsWith("OK")
        ? Result.PASSED
        : Result.failed(answer.output().strip());
  }

  /**
   * A check's verdict.
   *
   * @param passed whether it holds
   * @param reason why not, for the operator; empty when it holds
   */
  public record Result(boolean passed, String reason) {
    static final Result PASSED = new Result(true, "");

    static Result failed(String reason) {
      return new Result(false, reason.isBlank() ? "no answer" : reason);
    }
  }

  /** A command's answer: whether it exited 0 or the host could not run it, and what it said. */
  record Answer(boolean ok, String output) {}

  /** One host, the service's units, and a way to ask the host. */
  record Probe(RemoteExecutor remote, String host, List<String> units, Duration timeout) {
    Answer ask(String command) {
      try {
        return new Answer(true, remote.query(host, command, timeout).stdout());
      } catch (RemoteExecutionException.NonZeroExit exit) {
        String said = (exit.result().stdout() + "\n" + exit.result().stderr()).strip();
        return new Answer(false, said.isEmpty() ? exit.getMessage() : said);
      } catch (RemoteExecutionException unreachable) {
        return new Answer(false, host + ": " + unreachable.getMessage());
      }
    }
  }
}
