package org.switchman.process.gates;

import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.camunda.bpm.engine.impl.cmd.AbstractSetJobStateCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractSetProcessInstanceStateCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractUpdateProcessInstancesSuspendStateCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteHistoricProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.ExecuteJobsCmd;
import org.camunda.bpm.engine.impl.cmd.SetJobDuedateCmd;
import org.camunda.bpm.engine.impl.cmd.SetJobRetriesCmd;
import org.camunda.bpm.engine.impl.cmd.batch.DeleteProcessInstanceBatchCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.camunda.bpm.engine.runtime.ProcessInstance;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.JournalOutbox;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.RunVariableNames;
import org.switchman.runbook.port.RunParameters;

/**
 * What {@code camunda-admin} does to runs beyond the buttons of an operator: the commands the gate
 * rules refuse to everyone else, and cancelling, suspending, deleting history, executing a job
 * early or changing its retries or due date. Each one that commits is journaled in its run (kind
 * {@code ADMIN}, so the run report shows it) and raises an ops log escalation, so that no change to
 * a run is invisible to auditors.
 */
public class AdminActions {

  /** The step of the entries: what an administrator did beside the runs' own steps. */
  private static final String STEP = "admin";

  private final JournalOutbox journal;
  private final OpsLog opsLog;
  private final Supplier<RunParameters> parameters;

  public AdminActions(JournalOutbox journal, OpsLog opsLog, Supplier<RunParameters> parameters) {
    this.journal = journal;
    this.opsLog = opsLog;
    this.parameters = parameters;
  }

  /**
   * Whether the command changes a run in a way auditors must see when an admin does it, beyond
   * those the gate rules refuse to others (which are always journaled).
   */
  static boolean audited(Command<?> command) {
    return command instanceof DeleteProcessInstanceCmd
        || command instanceof DeleteProcessInstancesCmd
        || command instanceof DeleteHistoricProcessInstancesCmd
        || command instanceof AbstractSetProcessInstanceStateCmd
        || command instanceof AbstractSetJobStateCmd
        || command instanceof ExecuteJobsCmd
        || command instanceof SetJobRetriesCmd
        || command instanceof SetJobDuedateCmd
        || command instanceof DeleteProcessInstanceBatchCmd
        || command instanceof AbstractUpdateProcessInstancesSuspendStateCmd<?>;
  }

  /**
   * Journals the command and writes the ops log line in the command's transaction (through the
   * journal's outbox), so both exist exactly when the command's change does.
   */
  void record(Command<?> command, String user, CommandContext context) {
    String runId = runOf(command, context);
    String operation = command.getClass().getSimpleName().replaceFirst("Cmd$", "");
    JournalEntry.Draft entry =
        JournalKind.ADMIN.entry(
            new JournalEntry.Origin(
                runId == null ? JournalEntry.SYSTEM : runId, STEP, user, "live"),
            runId == null ? "engine" : "run " + runId,
            operation + " by camunda-admin " + user,
            "PERFORMED",
            null);
    OpsEvent line =
        new OpsEvent(
            Instant.now(),
            OpsEvent.Kind.ESCALATION,
            "engine",
            runId,
            user,
            null,
            null,
            "camunda-admin "
                + user
                + " ran "
                + operation
                + (runId == null ? "" : " on run " + runId));
    journal.append(entry);
    opsLog.record(line);
  }

  /**
   * Journals an administrator's cancellation or suspension of live runs of the runbooks that change
   * the site ({@link SiteChangingRuns}), one entry in each run with what the command leaves behind
   * (read now, before the command changes anything), and raises an alarm in the ops log (and so the
   * webhook) for each, in the command's transaction. It replaces the plain entry of {@link #record}
   * for such a command.
   */
  void recordLeftBehind(
      Command<?> command, SiteChangingRuns.Affected affected, String user, CommandContext context) {
    String operation = command.getClass().getSimpleName().replaceFirst("Cmd$", "");
    boolean batch = operation.contains("Batch") || operation.endsWith("Async");
    for (ProcessInstance run : affected.runs()) {
      String runId =
          run.getRootProcessInstanceId() != null ? run.getRootProcessInstanceId() : run.getId();
      Map<String, String> frozen = parameters.get().all(runId);
      String left = SiteChangingRuns.leftBehind(run, frozen, context);
      String runbook = SiteChangingRuns.key(run);
      String what =
          affected.done()
              + " run "
              + run.getId()
              + " of "
              + runbook
              + (Boolean.TRUE.equals(GateGuard.fieldOrNull(command, "skipCustomListeners"))
                  ? " with skipCustomListeners"
                  : "")
              + (batch ? " (as a batch, carried out by the job executor)" : "");
      JournalEntry.Draft entry =
          JournalKind.ADMIN.entry(
              new JournalEntry.Origin(
                  runId, STEP, user, frozen.getOrDefault(RunVariableNames.MODE, "live")),
              "run " + run.getId(),
              operation + " by camunda-admin " + user + ": " + what,
              batch ? "REQUESTED" : "PERFORMED",
              "Left behind: " + left);
      OpsEvent alarm =
          new OpsEvent(
              Instant.now(),
              OpsEvent.Kind.ESCALATION,
              runbook,
              runId,
              user,
              frozen.get(RunVariableNames.REASON),
              frozen.get(RunVariableNames.TICKET),
              "ALARM: camunda-admin " + user + " " + what + "; left behind: " + left);
      journal.append(entry);
      opsLog.record(alarm);
    }
  }

  /** The run a command acts on, where it names one (a process instance, a task or a job). */
  private static String runOf(Command<?> command, CommandContext context) {
    Object builder = GateGuard.fieldOrNull(command, "builder");
    Object instance =
        GateGuard.fieldOrNull(builder != null ? builder : command, "processInstanceId");
    if (instance instanceof String id) {
      return id;
    }
    if (GateGuard.fieldOrNull(command, "processInstanceIds") instanceof java.util.Collection<?> ids
        && ids.size() == 1) {
      return String.valueOf(ids.iterator().next());
    }
    if (GateGuard.fieldOrNull(command, "taskId") instanceof String taskId) {
      TaskEntity task = context.getTaskManager().findTaskById(taskId);
      return task == null ? null : task.getProcessInstanceId();
    }
    if (GateGuard.fieldOrNull(command, "jobId") instanceof String jobId) {
      JobEntity job = context.getJobManager().findJobById(jobId);
      return job == null ? null : job.getProcessInstanceId();
    }
    return null;
  }
}
