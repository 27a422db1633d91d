package org.switchman.process.gates;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a cancelled host reboot is said to leave behind, from the run's own records. */
class SiteChangingRunsTest {

  @Test
  void aCancelledRebootSaysWhereItLeftTheHost() {
    assertThat(
            SiteChangingRuns.rebootLeft(
                Map.of(
                    "host", "afs1001.eqiad.wmnet",
                    "reboot.depooled", "eqiad/fileserver/afs/afs1001.eqiad.wmnet",
                    "reboot.depooledAt", "1",
                    "reboot.stopped", "cron\nnscd")))
        .isEqualTo(
            "afs1001.eqiad.wmnet left depooled from eqiad/fileserver/afs/afs1001.eqiad.wmnet,"
                + " not rebooted, its stopped services (cron nscd) may still be down, its downtime"
                + " runs out by itself");
    assertThat(
            SiteChangingRuns.rebootLeft(
                Map.of(
                    "host", "afs1001.eqiad.wmnet",
                    "reboot.depooled", "none",
                    "reboot.depooledAt", "1",
                    "reboot.requestedAt", "2")))
        .isEqualTo(
            "afs1001.eqiad.wmnet was taken out of no pool, its reboot was asked for, its downtime"
                + " runs out by itself");
    assertThat(
            SiteChangingRuns.rebootLeft(
                Map.of("host", "afs1001.eqiad.wmnet", "reboot.outcome", "rebooted, repooled")))
        .isEqualTo("afs1001.eqiad.wmnet: rebooted, repooled");
  }
}
