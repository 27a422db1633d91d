package org.switchman.runbook.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;

class HostRebootRequestTest {

  private static final List<String> DCS = List.of("eqiad", "codfw");

  @Test
  void aPlannedRebootIsCleanUnlessSaidOtherwiseAndItsDatacenterIsTheSecondLabel() {
    HostRebootRequest request =
        HostRebootRequest.parse("afs2001.codfw.wmnet", "", "live", "Kernel", "T1", DCS);
    assertThat(request.dc()).isEqualTo("codfw");
    assertThat(request.clean()).isTrue();
    assertThat(request.mode()).isEqualTo(ExecutionMode.LIVE);
    assertThat(
            HostRebootRequest.parse("afs2001.codfw.wmnet", "false", "dry-run", "Hung", "T1", DCS)
                .clean())
        .isFalse();
  }

  @Test
  void everyProblemIsNamedAtOnce() {
    assertThatThrownBy(
            () -> HostRebootRequest.parse("afs1001.ulsfo.wmnet", "yes", "sometimes", "", "", DCS))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("not in a known datacenter [eqiad, codfw]")
        .hasMessageContaining("clean 'yes' is neither true nor false")
        .hasMessageContaining("mode");
    assertThatThrownBy(
            () -> HostRebootRequest.parse("$(reboot)", "true", "live", "Kernel", "T1", DCS))
        .hasMessageContaining("'$(reboot)' is not a fully qualified host name");
  }
}
