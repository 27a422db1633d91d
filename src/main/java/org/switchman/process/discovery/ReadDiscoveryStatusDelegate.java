package org.switchman.process.discovery;

import org.camunda.bpm.engine.delegate.DelegateExecution;
import org.camunda.bpm.engine.delegate.JavaDelegate;
import org.springframework.stereotype.Component;
import org.switchman.process.RunVariableNames;
import org.switchman.runbook.discovery.DatacenterPooling;

/**
 * Reads every discovery service but MediaWiki's from conftool and reports the table of services and
 * datacenters ({@code report}) for the run's datacenter or all of them. Changes nothing.
 */
@Component
public class ReadDiscoveryStatusDelegate implements JavaDelegate {

  private final DiscoverySteps steps;

  public ReadDiscoveryStatusDelegate(DiscoverySteps steps) {
    this.steps = steps;
  }

  @Override
  public void execute(DelegateExecution execution) {
    String dc = steps.runs().frozen(execution, DiscoverySteps.DC);
    String table = DatacenterPooling.table(steps.pooling().status(), dc);
    execution.setVariable(RunVariableNames.FINDINGS, bounded(table));
    execution.setVariable(RunVariableNames.OUTCOME, "status");
  }

  static String bounded(String text) {
    return text.length() > 3800 ? text.substring(0, 3800) + " …" : text;
  }
}
