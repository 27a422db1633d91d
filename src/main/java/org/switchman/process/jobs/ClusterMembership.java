package org.switchman.process.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.camunda.bpm.engine.OptimisticLockingException;
import org.camunda.bpm.engine.impl.JobQueryImpl;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.util.ClockUtil;
import org.camunda.bpm.engine.runtime.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalOutbox;
import org.switchman.config.ClusterProperties;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.runbook.port.NodeRegistry;
import org.switchman.runbook.port.NodeRegistry.Node;

/**
 * This node's place among the nodes that share the engine database (one node alone is a cluster of
 * one): it registers under its name when its engine is built, beats every {@code
 * switchman.cluster.heartbeat-interval}, and at each beat
 *
 * <ul>
 *   <li>moves on the lock expiry of the jobs it is running ({@link RunningJobs}), so that a step of
 *       a live node is never acquired by another however long it runs;
 *   <li>releases the jobs of every other node that stopped, or that has been silent for {@code
 *       switchman.cluster.dead-after}, so that they run here or elsewhere within seconds, and
 *       journals each under its run ({@code FAILOVER}). The release and the record of it are one
 *       transaction that locks the dead node's row: two survivors never both release, and a node
 *       that registers again meanwhile waits for it, so that none of its new jobs is released.
 * </ul>
 *
 * <p>Silence is measured by the database's clock. A node silent that long whose process still runs
 * (a pause, a partition from the database) may still be in a step that another node now runs again;
 * its own end of the step then fails on the job's revision, and when it beats again it logs that
 * its jobs were taken over and registers afresh. The steps are written to be run again after a
 * crash, which is what such a takeover is.
 *
 * <p>Two processes must never run under one name. A start whose name beats elsewhere (a beat
 * younger than two intervals that moves on while it watches) is refused.
 */
public class ClusterMembership implements SmartLifecycle {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);

  private final String nodeName;
  private final NodeRegistry registry;
  private final ClusterProperties settings;
  private final JournalOutbox outbox;
  private final RunContexts runs;
  private final ScheduledExecutorService beats =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "switchman-heartbeat");
            thread.setDaemon(true);
            return thread;
          });

  private volatile String instance = UUID.randomUUID().toString();
  private volatile ProcessEngineConfigurationImpl engine;
  private volatile Duration lockTime = Duration.ofMinutes(5);
  private volatile boolean running;
  private final RunningJobs runningJobs = new RunningJobs();

  public ClusterMembership(
      String nodeName,
      NodeRegistry registry,
      ClusterProperties settings,
      JournalOutbox outbox,
      RunContexts runs) {
    this.nodeName = nodeName;
    this.registry = registry;
    this.settings = settings;
    this.outbox = outbox;
    this.runs = runs;
  }

  /**
   * Registers this node and starts its beats. Called once the engine is built, before this node
   * releases its own old locks and before its job executor starts.
   *
   * @throws IllegalStateException when another process beats under this node's name
   */
  public void join(ProcessEngineConfigurationImpl engine) {
    this.engine = engine;
    if (engine.getJobExecutor() != null) {
      lockTime = Duration.ofMillis(engine.getJobExecutor().getLockTimeInMillis());
    }
    registry.find(nodeName).ifPresent(this::refuseANameInUse);
    registry.register(nodeName, instance);
    LOG.info(
        "Node {} joined the nodes of this engine database (beat every {}, taken for dead after {})",
        nodeName,
        settings.heartbeatInterval(),
        settings.deadAfter());
    long every = settings.heartbeatInterval().toMillis();
    beats.scheduleWithFixedDelay(this::beatSafely, every, every, TimeUnit.MILLISECONDS);
  }

  @Override
  public void start() {
    running = true;
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /**
   * Stops beating and says goodbye, so that the others release at once what this node still holds
   * (jobs it acquired and did not start): once the job executor has drained ({@code
   * JobExecutorDrain} stops in the phase before), while the database is still there.
   */
  @Override
  public void stop() {
    running = false;
    beats.shutdownNow();
    try {
      beats.awaitTermination(5, TimeUnit.SECONDS);
      if (engine != null) {
        registry.stopped(nodeName, instance);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("Node {} could not record its stop: {}", nodeName, e.getMessage());
    }
  }

  /** Stops right after the job executor's drain, which stops first of all. */
  @Override
  public int getPhase() {
    return Integer.MAX_VALUE - 1;
  }

  public String nodeName() {
    return nodeName;
  }

  /**
   * The interceptor that counts the jobs this node runs, whose locks each beat moves on, and those
   * whose run failed: for the engine's chain of commands, before the engine is built.
   */
  public RunningJobs runningJobs() {
    return runningJobs;
  }

  private void refuseANameInUse(Node registered) {
    Duration recent = settings.heartbeatInterval().multipliedBy(2);
    if (registered.stopped()
        || registered.released().isPresent()
        || registered.silentFor().compareTo(recent) >= 0) {
      return;
    }
    // beaten less than two intervals ago: a live process beats again within one; a crashed one
    // does not
    Duration last = registered.silentFor();
    long deadline = System.nanoTime() + recent.minus(last).plusMillis(500).toNanos();
    while (System.nanoTime() < deadline) {
      sleep(settings.heartbeatInterval().dividedBy(4));
      Optional<Node> now = registry.find(nodeName);
      if (now.isEmpty()
          || now.get().stopped()
          || !now.get().instance().equals(registered.instance())) {
        return;
      }
      if (now.get().silentFor().compareTo(last) < 0) {
        throw new IllegalStateException(
            "another process runs as node "
                + nodeName
                + " on this engine database (it beat "
                + now.get().silentFor().toMillis()
                + " ms ago); give each node its own switchman.node-name");
      }
      last = now.get().silentFor();
    }
  }

  private void beatSafely() {
    try {
      beat();
    } catch (RuntimeException e) {
      // the database did not answer: the next beat tries again; silent for dead-after, this node's
      // jobs are taken over
      LOG.warn("Node {} could not beat: {}", nodeName, e.getMessage());
    }
  }

  /** One beat: the heartbeat, the locks of this node's jobs, the jobs of dead nodes. */
  void beat() {
    if (!registry.beat(nodeName, instance)) {
      rejoin();
      return;
    }
    Set<String> running = runningJobs.ids();
    if (!running.isEmpty()) {
      Instant now = ClockUtil.getCurrentTime().toInstant();
      registry.extendJobLocks(
          nodeName, running, now.plus(lockTime.dividedBy(2)), now.plus(lockTime));
    }
    releaseLostSteps();
    for (Node other : registry.all()) {
      if (!other.name().equals(nodeName)
          && other.released().isEmpty()
          && (other.stopped() || other.silentFor().compareTo(settings.deadAfter()) > 0)) {
        releaseJobsOf(other);
      }
    }
  }

  /**
   * Releases the jobs whose run failed on this node at least a beat ago and that are still locked
   * by it under the lock of that run: the engine could not record the failure (the database was
   * away), so nothing would run them before their lock ran out. A job acquired again since has a
   * later lock and is left alone.
   */
  private void releaseLostSteps() {
    List<RunningJobs.Failed> ended =
        runningJobs.failedBefore(
            ClockUtil.getCurrentTime().toInstant().minus(settings.heartbeatInterval()));
    if (ended.isEmpty()) {
      return;
    }
    Set<String> running = runningJobs.ids();
    List<JobEntity> lost =
        engine
            .getCommandExecutorTxRequired()
            .execute(
                context -> {
                  List<JobEntity> released = new ArrayList<>();
                  for (RunningJobs.Failed step : ended) {
                    JobEntity job = context.getJobManager().findJobById(step.jobId());
                    if (job != null
                        && nodeName.equals(job.getLockOwner())
                        && !running.contains(step.jobId())
                        && job.getLockExpirationTime() != null
                        && !job.getLockExpirationTime()
                            .toInstant()
                            .isAfter(step.at().plus(lockTime))) {
                      unlock(job);
                      released.add(job);
                    }
                  }
                  return released;
                });
    for (JobEntity job : lost) {
      LOG.warn(
          "The failure of job {} (step {} of run {}) was never recorded (the database was"
              + " away); released, it runs again",
          job.getId(),
          job.getActivityId(),
          job.getProcessInstanceId());
    }
  }

  private void rejoin() {
    Optional<Node> registered = registry.find(nodeName);
    if (registered.isPresent() && !registered.get().instance().equals(instance)) {
      LOG.error(
          "Another process registered as node {}; two processes must never share a"
              + " switchman.node-name. This one stops beating.",
          nodeName);
      beats.shutdown();
      return;
    }
    LOG.error(
        "Node {} was silent for longer than {} and the other nodes released its jobs; steps it was"
            + " running may have run again elsewhere. It registers again.",
        nodeName,
        settings.deadAfter());
    instance = UUID.randomUUID().toString();
    registry.register(nodeName, instance);
  }

  /**
   * Releases the jobs of a node taken for dead, in one transaction with the record of the release.
   *
   * @return the jobs released; none when another node released them first
   */
  List<Job> releaseJobsOf(Node dead) {
    List<Job> released;
    try {
      released =
          engine
              .getCommandExecutorTxRequired()
              .execute(
                  context -> {
                    if (!registry.released(dead.name(), dead.instance(), nodeName)) {
                      return null; // released by another node, or registered again
                    }
                    List<Job> jobs = releaseLocks(context, dead.name());
                    jobs.forEach(job -> journal(job, dead));
                    return jobs;
                  });
    } catch (OptimisticLockingException e) {
      // a job moved on meanwhile (it ended, or failed and was unlocked): the next beat tries again
      LOG.info("Releasing the jobs of node {} met a change: {}", dead.name(), e.getMessage());
      return List.of();
    }
    if (released == null) {
      return List.of();
    }
    LOG.warn(
        "Node {} {}; node {} released its {} job(s), which run again on the nodes left",
        dead.name(),
        dead.stopped() ? "stopped" : "has been silent for " + dead.silentFor().toSeconds() + " s",
        nodeName,
        released.size());
    return released;
  }

  /**
   * Unlocks every job locked by {@code owner} through the engine's job entities, which the engine
   * writes back checked against each job's revision.
   *
   * @return the jobs unlocked
   */
  static List<Job> releaseLocks(CommandContext context, String owner) {
    List<Job> released = new ArrayList<>();
    for (Job job : context.getJobManager().findJobsByQueryCriteria(new JobQueryImpl(), null)) {
      JobEntity entity = (JobEntity) job;
      if (owner.equals(entity.getLockOwner())) {
        unlock(entity);
        released.add(entity);
      }
    }
    return released;
  }

  /** Unlocks the job; written back when the command ends, checked against its revision. */
  private static void unlock(JobEntity job) {
    job.setLockOwner(null);
    job.setLockExpirationTime(null);
  }

  private void journal(Job job, Node dead) {
    String runId =
        job.getRootProcessInstanceId() != null
            ? job.getRootProcessInstanceId()
            : job.getProcessInstanceId();
    if (runId == null) {
      return; // not a run's step (the engine's own housekeeping)
    }
    Map<String, String> run = runs.frozenOnly(runId, RunVariableNames.MODE);
    JournalEntry.Origin origin =
        new JournalEntry.Origin(
            runId,
            ((JobEntity) job).getActivityId() == null ? "run" : ((JobEntity) job).getActivityId(),
            JournalEntry.SYSTEM,
            run.getOrDefault(RunVariableNames.MODE, "live"));
    outbox.append(
        JournalKind.FAILOVER.entry(
            origin,
            "node/" + dead.name(),
            "take over job " + job.getId() + " from node " + dead.name() + " on node " + nodeName,
            "RELEASED",
            dead.stopped()
                ? "the node stopped"
                : "the node was silent for " + dead.silentFor().toSeconds() + " s"));
  }

  private static void sleep(Duration pause) {
    try {
      Thread.sleep(pause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while watching node heartbeats", e);
    }
  }
}
