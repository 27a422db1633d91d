package org.switchman.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;

class LabFailureAnalyzerTest {

  @Test
  void aLabFailureBehindABeanIsReportedAsTheLabsOwnError() {
    LabException lab =
        new LabException(
            "the lab did not start: MariaDB s1-eqiad: mariadbd s1-eqiad"
                + " exited with code 1; the end of its log /srv/lab/run/mysql/s1-eqiad/error.log:\n"
                + "  [ERROR] Aborting");
    BeanCreationException bean =
        new BeanCreationException(
            "labSsh", "waiting for the lab", new LabException(lab.getMessage(), lab));

    FailureAnalysis analysis = new LabFailureAnalyzer().analyze(bean);

    assertThat(analysis.getDescription()).isEqualTo(lab.getMessage());
    assertThat(analysis.getAction()).isEqualTo("Fix the cause named above and start again.");
    assertThat(analysis.getCause()).isSameAs(bean.getCause());
  }
}
