package org.switchman.process.jobs;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.impl.cmd.ExecuteJobsCmd;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandInterceptor;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutorContext;
import org.camunda.bpm.engine.impl.util.ClockUtil;

/**
 * What this node's job executor does with the jobs it acquired: those it is running right now, with
 * those queued behind each on its thread (an exclusive batch), and those whose run failed. {@link
 * ClusterMembership} moves on the locks of the first at each beat, and releases those of the last
 * that are still locked when they should not be (see {@link #failedBefore}).
 *
 * <p>An interceptor around each command the job executor runs a job with, outside the engine's
 * transaction, so that it sees a failure at commit too. A job run outside the job executor ({@code
 * executeJob} of the management API) holds no lock and is not counted. The command does not say
 * which job it runs; its field does, read once through a handle (an engine that renames it is
 * refused at startup, by the test of this class too).
 */
public final class RunningJobs extends CommandInterceptor {

  private static final VarHandle JOB_ID = jobIdField();

  private final Map<Thread, List<String>> byThread = new ConcurrentHashMap<>();
  private final Map<String, Instant> failed = new ConcurrentHashMap<>();

  /** A job whose run failed on this node, and when. */
  public record Failed(String jobId, Instant at) {}

  @Override
  public <T> T execute(Command<T> command) {
    JobExecutorContext jobExecutor = Context.getJobExecutorContext();
    if (!(command instanceof ExecuteJobsCmd) || jobExecutor == null) {
      return next.execute(command);
    }
    String jobId = (String) JOB_ID.get((ExecuteJobsCmd) command);
    List<String> ids = new ArrayList<>();
    ids.add(jobId);
    ids.addAll(jobExecutor.getCurrentProcessorJobQueue());
    byThread.put(Thread.currentThread(), ids);
    try {
      return next.execute(command);
    } catch (RuntimeException failure) {
      failed.put(jobId, ClockUtil.getCurrentTime().toInstant());
      throw failure;
    } finally {
      byThread.remove(Thread.currentThread());
    }
  }

  /** The ids of the jobs running or queued on the job executor's threads now. */
  public Set<String> ids() {
    return byThread.values().stream().flatMap(List::stream).collect(Collectors.toSet());
  }

  /**
   * The jobs whose run failed before {@code cutoff}, forgotten as they are returned. The engine
   * records a failure in a transaction of its own right after it, and unlocks the job; a job still
   * locked by this node under the same lock after that did not get its failure recorded (the
   * database was away), and nothing would run it again before its lock ran out.
   */
  public List<Failed> failedBefore(Instant cutoff) {
    List<Failed> due = new ArrayList<>();
    failed.forEach(
        (jobId, at) -> {
          if (at.isBefore(cutoff) && failed.remove(jobId, at)) {
            due.add(new Failed(jobId, at));
          }
        });
    return due;
  }

  private static VarHandle jobIdField() {
    try {
      return MethodHandles.privateLookupIn(ExecuteJobsCmd.class, MethodHandles.lookup())
          .findVarHandle(ExecuteJobsCmd.class, "jobId", String.class);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "this engine's ExecuteJobsCmd has no field jobId: which jobs a node runs cannot be told",
          e);
    }
  }
}
