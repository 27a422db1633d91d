package org.switchman.process.switchover;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A run that crashes after stopping maintenance and gets NOGO: maintenance runs again where it ran.
 */
class CrashThenNogoIT extends CrashResumeCase {

  @Test
  void crashAfterStoppingMaintenanceThenNogoRestartsMaintenanceWhereItRan() {
    crashAndResume(List.of("ServiceTask_StopMaintenance:PERFORMED:1"), FinalGate.NOGO);
  }
}
