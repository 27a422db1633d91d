package org.switchman.process.gates;

import java.time.Instant;
import org.camunda.bpm.engine.impl.cmd.AbstractSetJobStateCmd;
import org.camunda.bpm.engine.impl.cmd.AbstractSetProcessInstanceStateCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteHistoricProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstanceCmd;
import org.camunda.bpm.engine.impl.cmd.DeleteProcessInstancesCmd;
import org.camunda.bpm.engine.impl.cmd.ExecuteJobsCmd;
import org.camunda.bpm.engine.impl.cmd.SetJobDuedateCmd;
import org.camunda.bpm.engine.impl.cmd.SetJobRetriesCmd;
import org.camunda.bpm.engine.impl.interceptor.Command;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.entity.JobEntity;
import org.camunda.bpm.engine.impl.persistence.entity.TaskEntity;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.OpsEvent;
import org.switchman.audit.OpsLog;
import org.switchman.process.EngineHooks;

/**
 * What {@code camunda-admin} does to runs beyond the buttons of an operator: the commands the gate
 * rules refuse to everyone else, and cancelling, suspending, deleting history, executing a job
 * early or changing its retries or due date. Each one that commits is journaled in its run (kind
 * {@value #KIND}, so the run report shows it) and raises an ops log escalation, so that no change
 * to a run is invisible to auditors.
 */
public class AdminActions {

  static final String KIND = "ADMIN";

  private final Journal journal;
  private final OpsLog opsLog;

  public AdminActions(Journal journal, OpsLog opsLog) {
    this.journal = journal;
    this.opsLog = opsLog;
  }

  /**
   * Whether the command changes a run in a way auditors must see when an admin does it, beyond
   * those the gate rules refuse to others (which are always journaled).
   */
  static boolean audited(Command<?> command) {
    return command instanceof DeleteProcessInstanceCmd
        || command instanceof DeleteProcessInstancesCmd || command instanceof DeleteHistoricProcessInstancesCmd
        || command instanceof AbstractSetProcessInstanceStateCmd || command instanceof AbstractSetJobStateCmd
        || command instanceof ExecuteJobsCmd || command instanceof SetJobRetriesCmd
        || command instanceof SetJobDuedateCmd;
  }

  /** Journals the command and writes the ops log line once the command has committed. */
  void record(Command<?> command, String user, CommandContext context) {
    String runId = runOf(command, context);
    String operation = command.getClass().getSimpleName().replaceFirst("Cmd$", "");
    JournalEntry.Draft entry = new JournalEntry.Draft(runId == null ? "system" : runId, "admin", user,
        "live", KIND, runId == null ? "engine" : "run " + runId, operation + " by camunda-admin " + user,
        "PERFORMED", null, null, null);
    OpsEvent line = new OpsEvent(Instant.now(), OpsEvent.Kind.ESCALATION, "engine", runId, user, null, null,
        "camunda-admin " + user + " ran " + operation + (runId == null ? "" : " on run " + runId));
    EngineHooks.afterCommit(() -> {
      journal.append(entry);
      opsLog.record(line);
    });
  }

  /** The run a command acts on, where it names one (a process instance, a task or a job). */
  private static String runOf(Command<?> command, CommandContext context) {
    Object builder = GateGuard.fieldOrNull(command, "builder");
    Object instance = GateGuard.fieldOrNull(builder != null ? builder : command, "processInstanceId");
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
