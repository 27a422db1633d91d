package org.switchman.process.reboot;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.RunServices;
import org.switchman.audit.report.ServiceProgress;
import org.switchman.runbook.port.RunParameters;

/**
 * Where a {@code host-reboot} run stands, step by step, for the live view: taken out of its pools,
 * rebooted and up again, the recovery with its progress, the services started (with the starts each
 * took), the dependents restarted, the smoke test and the repool; from what the steps record
 * ({@code reboot.*}). A run without a frozen host has none.
 */
@Component
public class RebootRunServices implements RunServices {

  private final RunParameters parameters;

  public RebootRunServices(RunParameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public List<ServiceProgress> of(String runId) {
    return of(parameters.all(runId));
  }

  static List<ServiceProgress> of(Map<String, String> frozen) {
    if (frozen.get(RebootSteps.HOST) == null || frozen.get(RebootSteps.CLUSTER) == null) {
      return List.of();
    }
    String host = frozen.get(RebootSteps.HOST);
    boolean requested = frozen.containsKey(RebootSteps.REQUESTED_AT);
    boolean up = frozen.containsKey(RebootSteps.SEEN_UP);
    String recovery = frozen.getOrDefault(RebootSteps.RECOVERY, "");
    boolean recovered = frozen.containsKey(RebootSteps.AVAILABLE_SINCE);
    String smoke = frozen.get(RebootSteps.SMOKE_TEST);
    String outcome = frozen.get(RebootSteps.OUTCOME);
    return List.of(
        new ServiceProgress(
            "take out",
            "downtime and depool " + host,
            frozen.containsKey(RebootSteps.DEPOOLED_AT) ? "done" : "waiting",
            String.join(", ", RebootSteps.lines(frozen, RebootSteps.DEPOOLED))),
        new ServiceProgress(
            "reboot",
            Boolean.parseBoolean(frozen.get(RebootSteps.CLEAN))
                ? "stop "
                    + String.join(", ", RebootSteps.lines(frozen, RebootSteps.STOPPED))
                    + ", reboot"
                : "reboot -f",
            up ? "done" : requested ? "waiting for the host" : "waiting",
            up ? "seen up again at " + frozen.get(RebootSteps.SEEN_UP) : ""),
        new ServiceProgress(
            "recovery",
            "wait for the filesystem",
            recovered ? "done" : recovery.isEmpty() ? "waiting" : "running",
            recovery),
        new ServiceProgress(
            "services",
            "stop what started early, start in order",
            frozen.containsKey(RebootSteps.STARTS) ? "done" : "waiting",
            String.join("; ", RebootSteps.lines(frozen, RebootSteps.STARTS))),
        new ServiceProgress(
            "dependents",
            "restart here and elsewhere",
            frozen.containsKey(RebootSteps.DEPENDENTS) ? "done" : "waiting",
            String.join(", ", RebootSteps.lines(frozen, RebootSteps.DEPENDENTS))),
        new ServiceProgress(
            "smoke test",
            "check the host serves",
            smoke == null ? "waiting" : smoke.equals("passed") ? "done" : "failed",
            smoke == null ? "" : smoke.replace("\n", "; ")),
        new ServiceProgress(
            "put back",
            "repool, end the downtime",
            outcome == null ? "waiting" : outcome.startsWith("LEFT") ? "left depooled" : "done",
            outcome == null ? "" : outcome));
  }
}
