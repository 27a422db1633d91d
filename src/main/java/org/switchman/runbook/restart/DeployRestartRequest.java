package org.switchman.runbook.restart;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;
import org.switchman.runbook.RunJustification;

/**
 * A restart after a deployment (reference 004): the services of the clusters that run the deployed
 * code outside the web tier, restarted so that none keeps serving stale code. It names a
 * deployment, never hosts: the hosts come from conftool ({@link RestartPlan#afterDeploy}).
 *
 * @param deployId the deployment, as the deployment tool names it; also the run's ticket when no
 *     ticket is given
 * @param services the catalogue services to restart, in order
 * @param mode live or dry-run
 * @param reason journaled and ops-logged
 * @param ticket the task of the deployment, or the deployment itself
 */
public record DeployRestartRequest(
    String deployId, List<String> services, ExecutionMode mode, String reason, String ticket) {

  /** The process key. */
  public static final String RUNBOOK = "restart-after-deploy";

  /**
   * The services restarted after a deploy, by default all of them: the jobrunners, the
   * videoscalers, the maintenance hosts' scheduled scripts and the snapshot hosts' dumps.
   */
  public static final List<String> SERVICES =
      List.of("jobrunner", "videoscaler", "mw-cron", "mw-dumps");

  /**
   * The most hosts one restart after a deploy plans: it takes a lock on each when its turn comes,
   * in one step whose length the job lock time must cover.
   */
  public static final int MAX_HOSTS = 200;

  private static final Pattern DEPLOY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}");

  public DeployRestartRequest {
    services = List.copyOf(services);
  }

  /**
   * Parses and checks the start input.
   *
   * @param services a subset of {@link #SERVICES}, separated by commas or spaces; blank: all
   * @param reason blank: "Restart after deploy {deployId}"
   * @param ticket blank: the deploy id
   * @throws InvalidRequestException naming every problem found
   */
  public static DeployRestartRequest parse(
      String deployId,
      String services,
      String mode,
      String reason,
      String ticket,
      ServiceCatalogue catalogue) {
    List<String> problems = new ArrayList<>();
    String id = deployId == null ? "" : deployId.strip();
    if (!DEPLOY_ID.matcher(id).matches()) {
      problems.add(
          "deployId '"
              + EchoedInput.shortened(id, 40)
              + "' is not a deployment id (letters, digits and ._:/-, at most 64)");
    }
    Set<String> chosen = new LinkedHashSet<>();
    if (services != null && !services.isBlank()) {
      for (String service : services.strip().split("[,\\s]+")) {
        if (!SERVICES.contains(service)) {
          problems.add(
              "services: '"
                  + EchoedInput.shortened(service, 40)
                  + "' is not one restarted after a deploy "
                  + SERVICES);
        } else {
          chosen.add(service);
        }
      }
    } else {
      chosen.addAll(SERVICES);
    }
    for (String service : chosen) {
      try {
        catalogue.policy(RUNBOOK, service);
      } catch (InvalidRequestException missing) {
        problems.addAll(missing.problems());
      }
    }
    ExecutionMode parsedMode = ExecutionMode.liveOrDryRun(mode, problems);
    String why = reason == null || reason.isBlank() ? "Restart after deploy " + id : reason.strip();
    RunJustification.checkReason(why, "it is journaled and ops-logged", problems);
    String task = Optional.ofNullable(ticket).map(String::strip).orElse("");
    if (!task.isEmpty()) {
      RunJustification.checkTicket(task, "this restart", problems);
    }
    if (!problems.isEmpty()) {
      throw new InvalidRequestException(RUNBOOK, problems);
    }
    return new DeployRestartRequest(
        id, List.copyOf(chosen), parsedMode, why, task.isEmpty() ? id : task);
  }
}
