package org.switchman.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camunda.feel.api.FeelEngineBuilder;
import org.junit.jupiter.api.Test;

/**
 * The approval and decision forms show what operators typed, and what hosts answered, as plain
 * text, and send back only their own fields.
 *
 * <p>Tasklist renders a {@code text} component as Markdown after interpolating variables into it,
 * so a reason like {@code **x** [link](…)} would turn into formatting and links in the approver's
 * form. Only the run header may put variables into a text, and only values that validation fixed:
 * {@code mode} is compared with the known modes and never printed, the datacenters and the runbook
 * pass through {@code replace(string(x), "[^a-z0-9-]", "")}. Everything else is shown in bound
 * fields that are read-only and disabled: form-js does not submit a disabled field, so completing
 * the task sends only the editable ones.
 */
class DecisionFormsTest {

  private static final Path FORMS = Path.of("forms");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Text operators, starters or hosts can choose; never inside a rendered text. */
  private static final Set<String> FREE_TEXT =
      Set.of(
          "reason",
          "ticket",
          "plan",
          "preChecks",
          "failureMessage",
          "failedCheck",
          "failedStep",
          "section",
          "sections",
          "service",
          "site",
          "siteChoices",
          "justification",
          "siteState",
          "comment",
          "decision");

  /** Fixed by validation at the start; may appear in a text only sanitised or compared. */
  private static final Set<String> VALIDATED =
      Set.of("mode", "dcFrom", "dcTo", "action", "dc", "activeDatacenter", "runbook");

  private static final Set<String> FEEL_WORDS =
      Set.of("if", "then", "else", "and", "or", "not", "null", "true", "false");
  private static final Pattern SANITISED =
      Pattern.compile("replace\\(string\\((\\w+)\\), \"\\[\\^a-z0-9-\\]\", \"\"\\)");
  private static final Pattern COMPARED = Pattern.compile("\\b(\\w+) (?:!=|=) (?:null|\"[^\"]*\")");
  private static final Pattern STRING_LITERAL = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
  private static final Pattern IDENTIFIER = Pattern.compile("\\b[A-Za-z_][A-Za-z0-9_]*\\b");
  private static final Pattern TEMPLATE = Pattern.compile("\\{\\{(.*?)}}", Pattern.DOTALL);

  @Test
  void theApprovalFormSendsOnlyTheDecisionAndTheComment() throws IOException {
    JsonNode form = read("approval");
    assertThat(editableKeys(form)).containsExactlyInAnyOrder("decision", "comment");
    assertThat(readOnlyKeys(form)).contains("reason", "ticket", "preChecks", "plan");
  }

  @Test
  void theFailureDecisionFormSendsOnlyTheDecisionAndTheJustification() throws IOException {
    JsonNode form = read("failure-decision");
    assertThat(editableKeys(form)).containsExactlyInAnyOrder("decision", "justification");
    assertThat(readOnlyKeys(form))
        .contains("failureMessage", "failedCheck", "failedStep", "section", "service", "siteState");
  }

  /**
   * The decision offers only what the step allows: its options are a FEEL expression over the
   * task's {@code skipAllowed} / {@code abortAllowed} inputs (absent means allowed), evaluated here
   * by Camunda's FEEL engine as Tasklist's form-js evaluates it in the browser.
   */
  @Test
  void theFailureDecisionOffersOnlyTheOptionsTheStepAllows() throws IOException {
    JsonNode decision =
        components(read("failure-decision")).stream()
            .filter(c -> c.path("key").asText().equals("decision"))
            .findFirst()
            .orElseThrow();
    assertThat(decision.has("values")).as("no fixed list of options").isFalse();
    String expression = decision.path("valuesExpression").asText();
    assertThat(expression).startsWith("=");

    assertThat(offered(expression, null, null)).containsExactly("retry", "skip", "abort");
    assertThat(offered(expression, true, true)).containsExactly("retry", "skip", "abort");
    assertThat(offered(expression, false, true)).containsExactly("retry", "abort");
    assertThat(offered(expression, true, false)).containsExactly("retry", "skip");
    assertThat(offered(expression, false, false)).containsExactly("retry");
  }

  private static List<String> offered(String expression, Boolean skip, Boolean abort) {
    Map<String, Object> variables = new HashMap<>();
    variables.put("skipAllowed", skip);
    variables.put("abortAllowed", abort);
    var result =
        FeelEngineBuilder.forJava().build().evaluateExpression(expression.substring(1), variables);
    assertThat(result.isSuccess()).as(expression + " with " + variables).isTrue();
    List<String> values = new ArrayList<>();
    for (Object option : (List<?>) result.result()) {
      Map<?, ?> entry = (Map<?, ?>) option;
      assertThat(entry.get("label")).as("option label").isInstanceOf(String.class);
      values.add((String) entry.get("value"));
    }
    return values;
  }

  @Test
  void noRenderedTextCarriesFreeTextAndTheHeaderOnlyValidatedValues() throws IOException {
    for (String name : List.of("approval", "failure-decision", "choose-site")) {
      JsonNode form = read(name);
      assertThat(renderedTextProblems(form)).as(name).isEmpty();
      JsonNode header =
          components(form).stream()
              .filter(c -> c.path("id").asText().equals("Text_RunHeader"))
              .findFirst()
              .orElseThrow();
      assertThat(header.path("text").asText())
          .as(name + " header")
          .startsWith("=")
          .contains(
              "mode = \"live\"", "dcFrom", "dcTo", "action", "dc)", "activeDatacenter", "runbook");
      assertThat(components(form).get(0)).as(name + ": the header comes first").isEqualTo(header);
    }
  }

  @Test
  void theChecksCatchInterpolatedAndEditableFreeText() throws IOException {
    JsonNode broken =
        JSON.readTree(
            """
        {"components": [
          {"type": "text", "text": "Reason: **{{reason}}** mode {{mode}}"},
          {"type": "text", "text": "=\\"#### \\" + dcFrom + replace(string(dcTo), \\"[^a-z0-9-]\\", \\"\\")"},
          {"type": "html", "content": "<b>{{plan}}</b>"},
          {"type": "group", "components": [
            {"type": "textfield", "key": "ticket", "readonly": true},
            {"type": "textfield", "key": "mode", "disabled": true},
            {"type": "radio", "key": "decision"}]}]}
        """);
    assertThat(renderedTextProblems(broken))
        .containsExactlyInAnyOrder(
            "'reason' in a rendered text",
            "'mode' printed unsanitised",
            "'dcFrom' printed unsanitised",
            "'plan' in a rendered text");
    assertThat(editableKeys(broken)).containsExactlyInAnyOrder("ticket", "mode", "decision");
  }

  // ------------------------------------------------------------------ checks

  /** Keys a completion sends: bound fields that are not both read-only and disabled. */
  private static Set<String> editableKeys(JsonNode form) {
    Set<String> keys = new TreeSet<>();
    for (JsonNode c : components(form)) {
      if (c.hasNonNull("key")
          && !(c.path("readonly").asBoolean() && c.path("disabled").asBoolean())) {
        keys.add(c.path("key").asText());
      }
    }
    return keys;
  }

  private static Set<String> readOnlyKeys(JsonNode form) {
    Set<String> keys = new TreeSet<>();
    for (JsonNode c : components(form)) {
      if (c.hasNonNull("key") && c.path("readonly").asBoolean() && c.path("disabled").asBoolean()) {
        assertThat(c.path("type").asText())
            .as(c.path("key").asText() + " is shown as plain text")
            .isIn("textfield", "textarea");
        keys.add(c.path("key").asText());
      }
    }
    return keys;
  }

  /** What a text or html component would print that validation did not fix. */
  private static List<String> renderedTextProblems(JsonNode form) {
    List<String> problems = new ArrayList<>();
    for (JsonNode c : components(form)) {
      String type = c.path("type").asText();
      if (!type.equals("text") && !type.equals("html")) {
        continue;
      }
      String content = c.path(type.equals("text") ? "text" : "content").asText();
      for (String expression : expressions(content)) {
        Set<String> printed = new TreeSet<>();
        Matcher sanitised = SANITISED.matcher(expression);
        while (sanitised.find()) {
          printed.add(sanitised.group(1));
        }
        String rest = SANITISED.matcher(expression).replaceAll(" ");
        Set<String> compared = new TreeSet<>();
        Matcher comparison = COMPARED.matcher(rest);
        while (comparison.find()) {
          compared.add(comparison.group(1));
        }
        rest = STRING_LITERAL.matcher(COMPARED.matcher(rest).replaceAll(" ")).replaceAll(" ");
        Matcher identifiers = IDENTIFIER.matcher(rest);
        while (identifiers.find()) {
          String name = identifiers.group();
          if (!FEEL_WORDS.contains(name)) {
            printed.add(name + "!");
          }
        }
        for (String name : printed) {
          boolean raw = name.endsWith("!");
          String variable = raw ? name.substring(0, name.length() - 1) : name;
          if (!VALIDATED.contains(variable) || FREE_TEXT.contains(variable)) {
            problems.add("'" + variable + "' in a rendered text");
          } else if (raw) {
            problems.add("'" + variable + "' printed unsanitised");
          }
        }
        for (String name : compared) {
          if (FREE_TEXT.contains(name)) {
            problems.add("'" + name + "' in a rendered text");
          }
        }
      }
    }
    return problems;
  }

  /** The FEEL in a text: the whole text after {@code =}, or each {@code {{…}}} template part. */
  private static List<String> expressions(String content) {
    if (content.startsWith("=")) {
      return List.of(content.substring(1));
    }
    List<String> parts = new ArrayList<>();
    Matcher template = TEMPLATE.matcher(content);
    while (template.find()) {
      parts.add(template.group(1).trim());
    }
    return parts;
  }

  private static List<JsonNode> components(JsonNode container) {
    List<JsonNode> all = new ArrayList<>();
    for (JsonNode c : container.path("components")) {
      all.add(c);
      all.addAll(components(c));
    }
    return all;
  }

  private static JsonNode read(String id) throws IOException {
    JsonNode form = JSON.readTree(Files.readString(FORMS.resolve(id + ".form")));
    assertThat(form.path("id").asText()).isEqualTo(id);
    return form;
  }
}
