package org.switchman.process.jobs;

import java.time.Duration;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.switchman.config.DbProperties;
import org.switchman.config.DnsProperties;
import org.switchman.config.EtcdProperties;
import org.switchman.config.SshProperties;
import org.switchman.config.SwitchoverProperties;

/**
 * Refuses to start when the job lock time ({@code camunda.bpm.job-execution.lock-time-in-millis})
 * is not longer than the longest step ({@link StepDeadlines}), computed from this start's timeouts
 * and topology: with a shorter lock, a long step's job would be acquired again while it still runs
 * and run twice at once.
 *
 * <p>Runs as the application's first runner: after the context has started (so that the lab's
 * topology is known without holding up the engine's start) and before the job executor starts,
 * which the starter does once the application is ready, after the runners. A refusal ends the
 * start, and the application closes its context as after any failed runner.
 */
public class JobLockTimeCheck implements ApplicationRunner, org.springframework.core.Ordered {

  private static final Logger LOG = LoggerFactory.getLogger(JobLockTimeCheck.class);
  static final String LOCK_TIME = "camunda.bpm.job-execution.lock-time-in-millis";

  private final ObjectProvider<JobExecutor> jobExecutor;
  private final ObjectProvider<SshProperties> ssh;
  private final ObjectProvider<EtcdProperties> etcd;
  private final ObjectProvider<DnsProperties> dns;
  private final ObjectProvider<DbProperties> db;
  private final ObjectProvider<SwitchoverProperties> switchover;

  public JobLockTimeCheck(
      ObjectProvider<JobExecutor> jobExecutor,
      ObjectProvider<SshProperties> ssh,
      ObjectProvider<EtcdProperties> etcd,
      ObjectProvider<DnsProperties> dns,
      ObjectProvider<DbProperties> db,
      ObjectProvider<SwitchoverProperties> switchover) {
    this.jobExecutor = jobExecutor;
    this.ssh = ssh;
    this.etcd = etcd;
    this.dns = dns;
    this.db = db;
    this.switchover = switchover;
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }

  @Override
  public void run(ApplicationArguments arguments) {
    JobExecutor executor = jobExecutor.getIfAvailable();
    if (executor == null) {
      return;
    }
    check(Duration.ofMillis(executor.getLockTimeInMillis()), deadlines());
  }

  /** The deadlines of this start's settings and topology. */
  public StepDeadlines deadlines() {
    return deadlines(
        ssh.getIfAvailable(
            () -> new SshProperties(null, null, null, null, null, null, null, null, null)),
        etcd.getIfAvailable(() -> new EtcdProperties(null, null, null)),
        dns.getIfAvailable(() -> new DnsProperties(null, null, null, null, null)),
        db.getIfAvailable(() -> new DbProperties(null, null, null, null, null, null)),
        switchover.getIfAvailable(SwitchoverProperties::defaults));
  }

  static StepDeadlines deadlines(
      SshProperties ssh,
      EtcdProperties etcd,
      DnsProperties dns,
      DbProperties db,
      SwitchoverProperties switchover) {
    StepDeadlines.Bounds bounds =
        new StepDeadlines.Bounds(
            ssh.connectTimeout(),
            ssh.handshakeTimeout(),
            switchover.commandTimeout(),
            etcd.timeout(),
            dns.timeout(),
            db.connectTimeout(),
            db.queryTimeout(),
            switchover.catchUpAttempts(),
            switchover.catchUpInterval(),
            switchover.siteInfoWait());
    StepDeadlines.Topology topology =
        new StepDeadlines.Topology(
            switchover.maintenanceHosts(),
            switchover.jobrunners(),
            switchover.dbMasterHosts(),
            db.sections(),
            switchover.services(),
            switchover.datacenters().size());
    return new StepDeadlines(bounds, topology);
  }

  /**
   * @throws IllegalStateException naming the setting, the longest step and the value needed, when
   *     the lock time is not longer than that step's deadline
   */
  static void check(Duration lockTime, StepDeadlines deadlines) {
    StepDeadlines.Step longest = deadlines.longest();
    if (lockTime.compareTo(longest.deadline()) <= 0) {
      throw new IllegalStateException(
          LOCK_TIME
              + " is "
              + lockTime.toMillis()
              + " ("
              + minutes(lockTime)
              + "), not longer than the longest step: "
              + longest.process()
              + " "
              + longest.activity()
              + " can run "
              + minutes(longest.deadline())
              + " ("
              + longest.calls()
              + ", each at its timeout). A job whose lock expires while its step runs is acquired"
              + " again and runs a second time beside the first. Set "
              + LOCK_TIME
              + " above "
              + longest.deadline().toMillis()
              + ", or shorten the timeouts or the topology.");
    }
    LOG.info(
        "Job lock time {} is longer than the longest step, {} {} ({})",
        minutes(lockTime),
        longest.process(),
        longest.activity(),
        minutes(longest.deadline()));
  }

  private static String minutes(Duration duration) {
    return duration.toMinutes() + " min " + duration.toSecondsPart() + " s";
  }
}
