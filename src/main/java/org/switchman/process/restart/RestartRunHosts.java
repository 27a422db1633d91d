package org.switchman.process.restart;

import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.switchman.audit.report.HostProgress;
import org.switchman.audit.report.HostProgress.Stage;
import org.switchman.audit.report.RunHosts;
import org.switchman.runbook.port.RunParameters;
import org.switchman.runbook.restart.HostRestart;

/**
 * The hosts of a rolling restart or a restart after a deploy, and where each stands, from what the
 * run's steps record about each host as they go (its parameters {@code host.N.*}). A run without a
 * host plan has no hosts.
 */
@Component
public class RestartRunHosts implements RunHosts {

  private final RunParameters parameters;

  public RestartRunHosts(RunParameters parameters) {
    this.parameters = parameters;
  }

  @Override
  public List<HostProgress> of(String runId) {
    return of(parameters.all(runId));
  }

  static List<HostProgress> of(Map<String, String> frozen) {
    return RestartSteps.plan(frozen.get(RestartSteps.PLAN)).stream()
        .map(host -> progress(frozen, host))
        .toList();
  }

  private static HostProgress progress(Map<String, String> frozen, RestartSteps.PlannedHost host) {
    String outcome = RestartSteps.learned(frozen, host, "outcome");
    String failure = RestartSteps.learned(frozen, host, "failure");
    String readyBy = RestartSteps.learned(frozen, host, "readyBy");
    String fitBy = RestartSteps.learned(frozen, host, "fitBy");
    boolean started = !RestartSteps.learned(frozen, host, "attempt").isBlank();
    boolean depoolRecorded = !RestartSteps.learned(frozen, host, "depooled").isBlank();
    List<HostRestart.PoolSlot> depooled = RestartSteps.depooled(frozen, host);
    String pools =
        depooled.isEmpty()
            ? "in no pool"
            : "out of "
                + String.join(", ", depooled.stream().map(HostRestart.PoolSlot::service).toList());
    Stage stage;
    String detail;
    if (!outcome.isBlank()) {
      stage =
          outcome.startsWith(RestartSteps.RESTARTED)
              ? Stage.DONE
              : outcome.startsWith(RestartSteps.LEFT_DEPOOLED)
                      || outcome.startsWith("not restarted")
                  ? Stage.FAILED
                  : Stage.LEFT_ALONE;
      detail = outcome;
    } else if (!failure.isBlank()) {
      stage = Stage.FAILED;
      detail = failure + (depooled.isEmpty() ? "" : "; " + pools + " until an operator decides");
    } else if (!readyBy.isBlank()) {
      stage = Stage.RESTARTED;
      detail = pools + "; waits for readiness until " + readyBy;
    } else if (depoolRecorded) {
      stage = Stage.DEPOOLED;
      detail = pools;
    } else if (started) {
      stage = Stage.PRE_CHECKS;
      detail = fitBy.isBlank() ? "" : "waits for its pre-checks to pass until " + fitBy;
    } else {
      stage = Stage.WAITING;
      detail = "";
    }
    return new HostProgress(
        host.batch(), host.host().dc(), host.host().fqdn(), host.service(), stage, detail);
  }
}
