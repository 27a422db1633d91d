package org.switchman.process.gates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The fields a start or a completion may carry, read from the shipped forms. */
class FormFieldsTest {

  private static FormFields.Form form(String name) throws Exception {
    return FormFields.editableFields(
        new ObjectMapper().readTree(Files.readString(Path.of("forms", name + ".form"))));
  }

  @Test
  void approvalsCarryOnlyTheDecisionAndAComment() throws Exception {
    assertThat(form("approval").fields()).containsExactlyInAnyOrder("decision", "comment");
    assertThat(form("approval").id()).isEqualTo("approval");
  }

  @Test
  void operatorDecisionsCarryOnlyTheDecisionAndAJustification() throws Exception {
    assertThat(form("failure-decision").fields())
        .containsExactlyInAnyOrder("decision", "justification");
  }

  @Test
  void theSwitchoverStartCarriesItsInputsAndNothingTheRunSetsItself() throws Exception {
    assertThat(form("dc-switchover-start").fields())
        .containsExactlyInAnyOrder(
            "dcFrom",
            "dcTo",
            "mode",
            "reason",
            "ticket",
            "readOnlyBudget",
            "inFlightGrace",
            "warmUpCaches");
  }

  @Test
  void readOnlyDisabledAndNestedFieldsAreReadRight() throws Exception {
    String json =
        "{\"id\":\"f\",\"components\":[{\"type\":\"textfield\",\"key\":\"a\"},"
            + "{\"type\":\"textfield\",\"key\":\"shown\",\"readonly\":true},"
            + "{\"type\":\"textfield\",\"key\":\"greyed\",\"disabled\":true},"
            + "{\"type\":\"button\",\"key\":\"submit\"},{\"type\":\"text\",\"text\":\"{{plan}}\"},"
            + "{\"type\":\"group\",\"components\":[{\"type\":\"checkbox\",\"key\":\"inner\"}]}]}";
    assertThat(FormFields.editableFields(new ObjectMapper().readTree(json)).fields())
        .containsExactlyInAnyOrder("a", "inner");
  }
}
