package org.switchman.runbook.switchover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.switchman.runbook.ExecutionMode;
import org.switchman.runbook.InvalidRequestException;

class SwitchoverRequestTest {

  private static final List<String> DCS = List.of("eqiad", "codfw");

  private static SwitchoverRequest parse(
      String reason, String ticket, String budget, String grace) {
    return SwitchoverRequest.parse(
        "eqiad", "codfw", "live", reason, ticket, budget, grace, DCS, () -> "eqiad");
  }

  private static void refused(
      String reason, String ticket, String budget, String grace, String problem) {
    assertThatThrownBy(() -> parse(reason, ticket, budget, grace))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(problem);
  }

  @Test
  void aGoodRequestIsNormalized() {
    SwitchoverRequest request = parse("  planned switchover ", " T12345 ", null, null);
    assertThat(request.reason()).isEqualTo("planned switchover");
    assertThat(request.ticket()).isEqualTo("T12345");
    assertThat(request.mode()).isEqualTo(ExecutionMode.LIVE);
    assertThat(request.readOnlyBudget()).isEqualTo(Duration.ofMinutes(3));
    assertThat(request.inFlightGrace()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void theReasonIsOneLineOfAtMost200Characters() {
    assertThat(parse("r".repeat(200), "T1", null, null).reason()).hasSize(200);
    refused("r".repeat(201), "T1", null, null, "reason is 201 characters long; at most 200");
    refused("planned\n### Mode: dry-run", "T1", null, null, "single line");
    refused("planned\rx", "T1", null, null, "single line");
    refused("planned \u001b[2J", "T1", null, null, "single line");
    refused("planned \u2028 x", "T1", null, null, "single line");
    refused(" ", "T1", null, null, "reason is empty");
  }

  @Test
  void theTicketIsTFollowedByDigits() {
    refused("r", "12345", null, null, "ticket must be T followed by digits");
    refused("r", "T12a", null, null, "ticket must be T followed by digits");
    refused("r", "T" + "1".repeat(10), null, null, "ticket must be T followed by digits");
    refused("r", "", null, null, "ticket is empty");
  }

  @Test
  void durationsAreBounded() {
    assertThat(parse("r", "T1", "PT30S", "PT0S").readOnlyBudget())
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(parse("r", "T1", "PT1H", "PT5M").inFlightGrace()).isEqualTo(Duration.ofMinutes(5));
    refused("r", "T1", "PT29S", null, "readOnlyBudget must be from PT30S to PT1H");
    refused("r", "T1", "PT1H1S", null, "readOnlyBudget must be from PT30S to PT1H");
    refused("r", "T1", "P365D", null, "readOnlyBudget must be from PT30S to PT1H");
    refused("r", "T1", null, "PT5M1S", "inFlightGrace must be from PT0S to PT5M");
    refused("r", "T1", null, "-PT1S", "inFlightGrace must be from PT0S to PT5M");
    refused("r", "T1", "PT1M", "PT2M", "must not be longer than readOnlyBudget");
    refused("r", "T1", "soon", null, "readOnlyBudget 'soon' is not an ISO-8601 duration");
    refused("r", "T1", "PT9999999999999999999H", null, "is not an ISO-8601 duration");
  }

  @Test
  void echoedInputIsCut() {
    assertThatThrownBy(
            () ->
                SwitchoverRequest.parse(
                    "x".repeat(5000),
                    "codfw",
                    "m".repeat(5000),
                    "r",
                    "T1",
                    null,
                    null,
                    DCS,
                    () -> "eqiad"))
        .isInstanceOf(InvalidRequestException.class)
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(600));
  }

  @Test
  void badInputIsRefusedWithoutReadingTheSite() {
    assertThatThrownBy(
            () ->
                SwitchoverRequest.parse(
                    "eqiad",
                    "eqiad",
                    "live",
                    "r",
                    "T1",
                    null,
                    null,
                    DCS,
                    () -> {
                      throw new AssertionError("the site was read for a refused request");
                    }))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("dcFrom and dcTo are both 'eqiad'");
  }

  @Test
  void aGoodRequestFromThePassiveDatacenterIsRefusedAfterReadingTheSite() {
    assertThatThrownBy(
            () ->
                SwitchoverRequest.parse(
                    "codfw", "eqiad", "live", "r", "T1", null, null, DCS, () -> "eqiad"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("dcFrom must be the active datacenter eqiad, not codfw");
  }
}
