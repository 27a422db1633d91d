package org.switchman.process.discovery;

import java.util.Map;
import org.camunda.bpm.engine.delegate.DelegateTask;
import org.camunda.bpm.engine.delegate.TaskListener;
import org.springframework.stereotype.Component;
import org.switchman.process.RunContexts;
import org.switchman.process.gates.RefusedInputException;
import org.switchman.runbook.discovery.PoolingChange;

/**
 * The operator's choice of a new site for an active/passive service ({@code UserTask_ChooseSite}):
 * when the task opens it shows the service's other sites ({@code siteChoices}); when it is
 * completed it accepts only one of them (else 400, and the task stays open), freezes it as the
 * service's {@code pooling.SERVICE.chosen}, where no later completion can change it, and shows the
 * plan with the choice to the approver who decides next.
 */
@Component
public class SiteChoiceListener implements TaskListener {

  static final String SITE = "site";
  static final String SITE_CHOICES = "siteChoices";

  private final DiscoverySteps steps;

  public SiteChoiceListener(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public void notify(DelegateTask task) {
    PoolingChange change = change(task);
    if (EVENTNAME_CREATE.equals(task.getEventName())) {
      task.setVariableLocal(SITE_CHOICES, String.join(", ", change.choices()));
      return;
    }
    Object site = task.getVariable(SITE);
    String chosen = site == null ? "" : site.toString().strip();
    if (!change.choices().contains(chosen)) {
      throw new RefusedInputException(
          "site '"
              + org.switchman.runbook.EchoedInput.shortened(chosen, 40)
              + "' is not one of "
              + change.service()
              + "'s other sites: "
              + String.join(", ", change.choices()));
    }
    steps
        .runs()
        .freeze(task.getExecution(), DiscoverySteps.parameter(change.service(), "chosen"), chosen);
    Map<String, String> frozen = steps.runs().frozen(task.getExecution());
    task.getExecution()
        .setVariable(
            DiscoverySteps.PLAN_SUMMARY,
            DiscoverySteps.summary(
                DiscoverySteps.plan(frozen).stream()
                    .map(planned -> DiscoverySteps.withChoice(frozen, planned))
                    .toList()));
  }

  private PoolingChange change(DelegateTask task) {
    String service = RunContexts.text(task.getExecution(), "service");
    Map<String, String> frozen = steps.runs().frozen(task.getExecution());
    return DiscoverySteps.find(DiscoverySteps.plan(frozen), service);
  }
}
