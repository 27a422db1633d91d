package org.switchman.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Forms for 3 a.m.: every field an operator or approver sees says what it is for, and a duration is
 * chosen among sensible values, never typed.
 */
class FormHelpTest {

  private static final Path FORMS = Path.of("forms");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyFieldOfEveryFormHasHelpText() throws IOException {
    assertThat(problems(FORMS, FormHelpTest::withoutHelp)).isEmpty();
  }

  @Test
  void everyDurationIsChosenNotTyped() throws IOException {
    assertThat(problems(FORMS, FormHelpTest::typedDuration)).isEmpty();
  }

  @Test
  void theChecksFailOnABrokenForm(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Files.writeString(
        dir.resolve("broken.form"),
        """
        {"components": [
          {"key": "reason", "type": "textfield", "label": "Reason"},
          {"key": "budget", "type": "textfield", "label": "Budget", "defaultValue": "PT3M",
           "description": "How long"}
        ]}
        """);
    assertThat(problems(dir, FormHelpTest::withoutHelp)).containsExactly("broken.form: reason");
    assertThat(problems(dir, FormHelpTest::typedDuration)).containsExactly("broken.form: budget");
  }

  private interface Rule {
    boolean broken(JsonNode component);
  }

  private static boolean withoutHelp(JsonNode component) {
    return component.path("description").asText().isBlank();
  }

  private static boolean typedDuration(JsonNode component) {
    String type = component.path("type").asText();
    return (type.equals("textfield") || type.equals("number"))
        && isDuration(component.path("defaultValue").asText());
  }

  private static boolean isDuration(String text) {
    try {
      Duration.parse(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** {@code file: key} of each field (a component with a key, not a text) that breaks the rule. */
  private static List<String> problems(Path dir, Rule rule) throws IOException {
    List<String> problems = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".form")).sorted().toList()) {
        for (JsonNode component : JSON.readTree(file.toFile()).path("components")) {
          if (component.hasNonNull("key")
              && !component.path("type").asText().equals("text")
              && rule.broken(component)) {
            problems.add(file.getFileName() + ": " + component.path("key").asText());
          }
        }
      }
    }
    return problems;
  }
}
