package org.switchman.lab;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a lab that did not start as the lab's own error (the failing server and the end of its
 * log) instead of the stack of the bean that was waiting for it.
 */
public class LabFailureAnalyzer extends AbstractFailureAnalyzer<LabException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, LabException cause) {
    return new FailureAnalysis(
        cause.getMessage(), "Fix the cause named above and start again.", cause);
  }
}
