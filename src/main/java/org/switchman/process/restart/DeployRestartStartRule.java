package org.switchman.process.restart;

import static org.switchman.process.RunContexts.text;
import static org.switchman.process.RunVariableNames.REASON;
import static org.switchman.process.RunVariableNames.RUNBOOK;
import static org.switchman.process.RunVariableNames.TICKET;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.process.RunVariableNames;
import org.switchman.process.RunbookStartRule;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.restart.DeployRestartRequest;
import org.switchman.runbook.restart.RestartPlan;
import org.switchman.runbook.restart.RollingRestartRequest;
import org.switchman.runbook.restart.ServiceCatalogue;

/**
 * Checks the start input of a {@code restart-after-deploy} (a deploy id, optionally the services,
 * the mode) against the newest deployed service catalogue and plans its batches from conftool
 * ({@link RestartPlan#afterDeploy}), before anything is changed; bad input, or a deploy whose
 * restart is already waiting or running, fails the start with the problem named (the lock on the
 * deploy id, taken at the start, settles two starts of one deploy at the same instant). It takes no
 * other lock at the start: the run waits for its turn behind the restarts of earlier deploys
 * ({@link TakeTurnDelegate}), so a deploy that arrives while the previous one's restart runs queues
 * instead of being refused, and no two run at once.
 */
@Component
public class DeployRestartStartRule implements RunbookStartRule {

  private final RestartSteps steps;

  public DeployRestartStartRule(RestartSteps steps) {
    this.steps = steps;
  }

  @Override
  public Set<String> processKeys() {
    return Set.of(DeployRestartRequest.RUNBOOK);
  }

  @Override
  public List<LockTarget> locks(Map<String, String> frozen) {
    return RestartSteps.locks(frozen);
  }

  @Override
  public void validate(DelegateExecution execution) {
    Map.Entry<String, ServiceCatalogue> catalogue = steps.latestCatalogue();
    DeployRestartRequest request =
        DeployRestartRequest.parse(
            text(execution, RestartSteps.DEPLOY_ID),
            text(execution, "services"),
            text(execution, RunVariableNames.MODE),
            text(execution, REASON),
            text(execution, TICKET),
            catalogue.getValue());
    steps
        .queuedDeploys(execution)
        .filter(run -> request.deployId().equals(run.getValue().get(RestartSteps.DEPLOY_ID)))
        .findFirst()
        .ifPresent(
            run -> {
              throw new InvalidRequestException(
                  DeployRestartRequest.RUNBOOK,
                  List.of(
                      "deploy "
                          + request.deployId()
                          + " is already being restarted by run "
                          + run.getKey()
                          + "; a deploy is restarted once"));
            });
    List<String> datacenters = steps.settings().datacenters();
    RestartPlan plan =
        RestartPlan.afterDeploy(
            request,
            catalogue.getValue(),
            steps.conftool(),
            datacenters,
            steps.restartSettings().afterDeployShare());
    if (plan.hosts().size() > DeployRestartRequest.MAX_HOSTS) {
      throw new InvalidRequestException(
          DeployRestartRequest.RUNBOOK,
          List.of(
              "the deploy's services have "
                  + plan.hosts().size()
                  + " hosts, more than one restart takes ("
                  + DeployRestartRequest.MAX_HOSTS
                  + "): name fewer services"));
    }
    steps.freezeRun(
        execution,
        String.join(",", request.services()),
        RollingRestartRequest.ALL_DATACENTERS,
        RollingRestartRequest.Action.RESTART.value(),
        request.mode(),
        request.reason(),
        request.ticket(),
        catalogue.getKey(),
        plan);
    RunContexts runs = steps.runs();
    runs.freeze(execution, RestartSteps.DEPLOY_ID, request.deployId());
    runs.freezeUnshown(execution, RestartSteps.DEFER_LONG_JOBS, "true");
    runs.freezeUnshown(
        execution,
        RestartSteps.QUEUED_AT,
        String.format("%015d", RestartSteps.now().toEpochMilli()));
    runs.recordUnshown(execution, RestartSteps.TURN, RestartSteps.WAITING);
    execution.setVariable(RUNBOOK, DeployRestartRequest.RUNBOOK);
    execution.setVariable(
        "target", "deploy " + request.deployId() + ": " + String.join(", ", request.services()));
  }
}
