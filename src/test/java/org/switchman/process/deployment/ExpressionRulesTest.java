package org.switchman.process.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The expression rules, on the expressions of every shipped diagram and on ways around them. */
class ExpressionRulesTest {

  private static final Set<String> BEANS =
      Set.of(
          "runbookLocks",
          "runVariables",
          "lockDownSectionDelegate",
          "validateLockdownRequestListener");
  private final ExpressionRules rules = new ExpressionRules(BEANS);

  @Test
  void everyExpressionInTheShippedDiagramsAndFixturesIsAllowed() throws IOException {
    List<String> expressions = new ArrayList<>();
    Pattern expression = Pattern.compile("[$#]\\{[^}]*}");
    for (Path dir : List.of(Path.of("processes"), Path.of("src/test/resources/processes"))) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".bpmn")).toList()) {
          Matcher found =
              expression.matcher(
                  Files.readString(file)
                      .replace("&gt;", ">")
                      .replace("&lt;", "<")
                      .replace("&amp;", "&")
                      .replace("&quot;", "\"")
                      .replace("&apos;", "'"));
          while (found.find()) {
            expressions.add(found.group());
          }
        }
      }
    }
    assertThat(expressions)
        .hasSizeGreaterThan(50)
        .contains(
            "${lockDownSectionDelegate}",
            "${runVariables.list(sections)}",
            "${decision == 'GO'}",
            "${inFlightGraceSeconds > 0}",
            "#{execution.processBusinessKey}",
            "${execution.setVariable('outcome', 'rolled-back')}");
    assertThat(expressions).allSatisfy(text -> assertThat(rules.problemIn(text)).as(text).isNull());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "${true}",
        "${decision == 'retry' && not empty starter}",
        "${a > 1 ? 'x' : \"y\"}",
        "${-count + 2.5e3 div 2 mod 3}",
        "plain text, no expression",
        "budget ${readOnlyBudget} left",
        "${runbookLocks.release(execution, 'it\\'s }', 'x')}",
        "${execution.getVariable('mode') eq 'live'}",
        "${task.id}",
        "${runVariables.list(execution.getVariable('sections'))}",
        "${lockDownSectionDelegate}"
      })
  void allowed(String text) {
    assertThat(rules.problemIn(text)).isNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "${''.getClass().forName('java.lang.Runtime')}",
        "${\"x\".class}",
        "${execution.getProcessEngineServices().getIdentityService()}",
        "${execution.processEngineServices.identityService}",
        "${execution.processEngine}",
        "${execution['processEngineServices']}",
        "${task.execution}",
        "${execution.processInstance.processEngineServices}",
        "${(execution).processEngineServices}",
        "${decision.getClass()}",
        "${mutations.apply(null)}",
        "${adminCredentials.password()}",
        "${runVariables.list(sections).getClass()}",
        "${runVariables.list(sections)[0]}",
        "${runbookLocks.acquire(''.getClass(), 'a', 'b')}",
        "${true ? execution.processEngine : 1}",
        "${now()}",
        "${dateTime().plusDays(1)}",
        "${fn:join('a')}",
        "${x = 1}",
        "${a; b}",
        "${{1, 2}}",
        "${1.toString()}",
        "${'unterminated}",
        "${execution",
        "ok ${true} then ${''.getClass()}",
        "#{execution.processEngine}",
        "${execution.  processEngineServices}",
        "${execution.getVariable('x').getClass()}",
        "${lockDownSectionDelegate.class}",
        "${runbookLocks.getClass()}",
        "${runVariables.wait(100000)}"
      })
  void refused(String text) {
    assertThat(rules.problemIn(text)).as(text).isNotNull();
  }

  @Test
  void theRefusalSaysWhy() {
    assertThat(rules.problemIn("${execution.getProcessEngineServices().getIdentityService()}"))
        .isEqualTo(
            "execution.getProcessEngineServices is not allowed (only variables, ids and the "
                + "business key of execution)");
    assertThat(rules.problemIn("${''.getClass()}"))
        .isEqualTo("member access on a literal is not allowed");
    assertThat(rules.problemIn("${mutations.apply(null)}"))
        .isEqualTo(
            "mutations.apply is not allowed: 'mutations' is not one of the Switchman beans a "
                + "diagram may call");
    assertThat(rules.problemIn("${now()}")).isEqualTo("function call now() is not allowed");
  }

  @Test
  void aDelegateExpressionNamesExactlyOneSwitchmanBean() {
    assertThat(rules.problemInDelegateExpression("${lockDownSectionDelegate}")).isNull();
    assertThat(rules.problemInDelegateExpression("${ lockDownSectionDelegate }")).isNull();
    assertThat(rules.problemInDelegateExpression("${mutations}"))
        .isEqualTo("'mutations' is not one of the Switchman beans a diagram may name");
    assertThat(rules.problemInDelegateExpression("${lockDownSectionDelegate}${x}")).isNotNull();
    assertThat(rules.problemInDelegateExpression("${runbookLocks.acquire(execution, 'a', 'b')}"))
        .isNotNull();
    assertThat(rules.problemInDelegateExpression("lockDownSectionDelegate")).isNotNull();
    assertThat(rules.problemInDelegateExpression("${someVariable}")).isNotNull();
  }
}
