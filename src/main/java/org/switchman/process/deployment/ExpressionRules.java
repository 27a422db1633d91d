package org.switchman.process.deployment;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which JUEL expressions a diagram may carry. JUEL calls any public method of any object it reaches
 * ({@code ${''.getClass().forName(…)}}, {@code ${execution.processEngineServices…}}), so an
 * expression is read token by token, the way the engine's JUEL reads it, and only this subset
 * passes:
 *
 * <ul>
 *   <li>literals (strings, numbers, {@code true}, {@code false}, {@code null}) and the JUEL
 *       operators ({@code == != < > <= >= && || ! - + * / % ?: empty not and or eq ne lt gt le ge
 *       div mod}), with parentheses;
 *   <li>a plain name: a run variable, or one of the {@link DiagramBeans Switchman beans};
 *   <li>{@code bean.member} or {@code bean.method(arguments)} on a Switchman bean (not {@code
 *       getClass}, {@code wait} or {@code notify}), for example {@code
 *       ${runbookLocks.acquire(execution, 'dc-switchover', 'mediawiki')}};
 *   <li>{@code execution.x} / {@code task.x} for the few members in {@link #CONTEXT_MEMBERS}
 *       (variables, ids, the business key), for example {@code ${execution.setVariable('outcome',
 *       'rolled-back')}}.
 * </ul>
 *
 * <p>Everything else is refused: member access on anything else (a variable, a literal, a result),
 * chained access ({@code a.b.c}, {@code a.b().c}), index access ({@code a['b']}), function calls
 * ({@code now()}, {@code fn:x()}), and any character JUEL would not read as one of the above.
 * Arguments are checked by the same rules. Text outside {@code ${…}} and {@code #{…}} is literal
 * and never evaluated.
 */
final class ExpressionRules {

  /** The objects the engine puts in scope whose members a diagram may use. */
  static final Set<String> CONTEXT_OBJECTS = Set.of("execution", "task");

  /**
   * Members of {@code execution} and {@code task} a diagram may use: variables, ids and names. Not,
   * for example, {@code processEngineServices}, {@code processEngine}, {@code processInstance} or
   * {@code bpmnModelInstance}.
   */
  static final Set<String> CONTEXT_MEMBERS =
      Set.of(
          "getVariable",
          "getVariableLocal",
          "hasVariable",
          "hasVariableLocal",
          "setVariable",
          "setVariableLocal",
          "removeVariable",
          "removeVariableLocal",
          "id",
          "getId",
          "processInstanceId",
          "getProcessInstanceId",
          "processBusinessKey",
          "getProcessBusinessKey",
          "businessKey",
          "getBusinessKey",
          "currentActivityId",
          "getCurrentActivityId",
          "currentActivityName",
          "getCurrentActivityName",
          "activityInstanceId",
          "getActivityInstanceId",
          "eventName",
          "getEventName",
          "processDefinitionId",
          "getProcessDefinitionId",
          "tenantId",
          "getTenantId",
          "name",
          "getName",
          "taskDefinitionKey",
          "getTaskDefinitionKey",
          "assignee",
          "getAssignee");

  /** Members of {@link Object} no diagram needs on a bean: reflection and thread control. */
  private static final Set<String> OBJECT_MEMBERS =
      Set.of("class", "getClass", "wait", "notify", "notifyAll");

  private static final Set<String> LITERAL_WORDS = Set.of("true", "false", "null");
  private static final Set<String> RESERVED_WORDS =
      Set.of(
          "and",
          "or",
          "not",
          "eq",
          "ne",
          "lt",
          "gt",
          "le",
          "ge",
          "true",
          "false",
          "null",
          "empty",
          "div",
          "mod",
          "instanceof");

  private final Set<String> beans;

  /**
   * @param beans the names of the Switchman beans a diagram may name
   */
  ExpressionRules(Set<String> beans) {
    this.beans = Set.copyOf(beans);
  }

  /** Whether the text holds an expression at all, that is {@code ${} or {@code #{}. */
  static boolean hasExpression(String text) {
    return text != null && (text.contains("${") || text.contains("#{"));
  }

  /**
   * Why the text may not be evaluated, or {@code null} when every expression in it follows the
   * rules.
   */
  String problemIn(String text) {
    int from = 0;
    while (true) {
      int start = nextExpressionStart(text, from);
      if (start < 0) {
        return null;
      }
      try {
        Tokens tokens = Tokens.read(text, start + 2);
        new Parser(tokens.list()).expressionThenEnd();
        from = tokens.end();
      } catch (Refused refused) {
        return refused.getMessage();
      }
    }
  }

  /**
   * Why the text may not be a delegate expression, or {@code null} when it is exactly {@code
   * ${name}} and names a Switchman bean.
   */
  String problemInDelegateExpression(String text) {
    String trimmed = text == null ? "" : text.strip();
    if (!trimmed.startsWith("${") && !trimmed.startsWith("#{")) {
      return "a delegate expression must be ${beanName}";
    }
    try {
      Tokens tokens = Tokens.read(trimmed, 2);
      List<Token> list = tokens.list();
      boolean single =
          list.size() == 2
              && list.get(0).kind() == Kind.NAME
              && list.get(1).kind() == Kind.END
              && tokens.end() == trimmed.length();
      if (!single) {
        return "a delegate expression must be ${beanName}, not " + trimmed;
      }
      String name = list.get(0).text();
      return beans.contains(name)
          ? null
          : "'" + name + "' is not one of the Switchman beans a diagram may name";
    } catch (Refused refused) {
      return refused.getMessage();
    }
  }

  private static int nextExpressionStart(String text, int from) {
    int dollar = text.indexOf("${", from);
    int hash = text.indexOf("#{", from);
    if (dollar < 0) {
      return hash;
    }
    return hash < 0 ? dollar : Math.min(dollar, hash);
  }

  // ------------------------------------------------------------------------------- tokens

  private enum Kind {
    NAME,
    STRING,
    NUMBER,
    SYMBOL,
    END
  }

  private record Token(Kind kind, String text) {
    boolean is(String symbol) {
      return kind == Kind.SYMBOL && text.equals(symbol);
    }

    boolean isWord(String word) {
      return kind == Kind.NAME && text.equals(word);
    }
  }

  /** An expression refused; the message says why. */
  private static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** The tokens of one expression, read from just after its {@code ${} up to its closing brace. */
  private record Tokens(List<Token> list, int end) {

    private static final List<String> TWO_CHAR = List.of("==", "!=", "<=", ">=", "&&", "||");
    private static final String ONE_CHAR = "+-*/%!<>?:(),.[]";

    static Tokens read(String text, int from) {
      List<Token> tokens = new ArrayList<>();
      int i = from;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          i++;
        } else if (c == '}') {
          tokens.add(new Token(Kind.END, "}"));
          return new Tokens(tokens, i + 1);
        } else if (c == '\'' || c == '"') {
          int close = closingQuote(text, i);
          tokens.add(new Token(Kind.STRING, text.substring(i, close + 1)));
          i = close + 1;
        } else if (Character.isDigit(c)
            || (c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1)))) {
          int end = numberEnd(text, i);
          tokens.add(new Token(Kind.NUMBER, text.substring(i, end)));
          i = end;
        } else if (Character.isJavaIdentifierStart(c)) {
          int end = i + 1;
          while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
            end++;
          }
          tokens.add(new Token(Kind.NAME, text.substring(i, end)));
          i = end;
        } else if (i + 1 < text.length() && TWO_CHAR.contains(text.substring(i, i + 2))) {
          tokens.add(new Token(Kind.SYMBOL, text.substring(i, i + 2)));
          i += 2;
        } else if (ONE_CHAR.indexOf(c) >= 0) {
          tokens.add(new Token(Kind.SYMBOL, String.valueOf(c)));
          i++;
        } else {
          throw new Refused("unexpected character '" + c + "' in an expression");
        }
      }
      throw new Refused("an expression is not closed with '}'");
    }

    private static int closingQuote(String text, int open) {
      char quote = text.charAt(open);
      for (int i = open + 1; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '\\') {
          i++;
        } else if (c == quote) {
          return i;
        }
      }
      throw new Refused("a string in an expression is not closed");
    }

    private static int numberEnd(String text, int i) {
      int end = i;
      while (end < text.length() && Character.isDigit(text.charAt(end))) {
        end++;
      }
      if (end < text.length()
          && text.charAt(end) == '.'
          && end + 1 < text.length()
          && Character.isDigit(text.charAt(end + 1))) {
        end++;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
          end++;
        }
      }
      if (end < text.length() && (text.charAt(end) == 'e' || text.charAt(end) == 'E')) {
        int exponent = end + 1;
        if (exponent < text.length()
            && (text.charAt(exponent) == '+' || text.charAt(exponent) == '-')) {
          exponent++;
        }
        if (exponent < text.length() && Character.isDigit(text.charAt(exponent))) {
          end = exponent;
          while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
          }
        }
      }
      return end;
    }
  }

  // ------------------------------------------------------------------------------- grammar

  /** JUEL's grammar, recursive descent, refusing what the rules do not allow. */
  private final class Parser {
    private final List<Token> tokens;
    private int at;

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    void expressionThenEnd() {
      expression();
      if (peek().kind() != Kind.END) {
        throw new Refused("unexpected '" + peek().text() + "' in an expression");
      }
    }

    private void expression() {
      or();
      if (accept("?")) {
        expression();
        expect(":");
        expression();
      }
    }

    private void or() {
      and();
      while (accept("||") || acceptWord("or")) {
        and();
      }
    }

    private void and() {
      equality();
      while (accept("&&") || acceptWord("and")) {
        equality();
      }
    }

    private void equality() {
      relational();
      while (accept("==") || accept("!=") || acceptWord("eq") || acceptWord("ne")) {
        relational();
      }
    }

    private void relational() {
      additive();
      while (accept("<")
          || accept(">")
          || accept("<=")
          || accept(">=")
          || acceptWord("lt")
          || acceptWord("gt")
          || acceptWord("le")
          || acceptWord("ge")) {
        additive();
      }
    }

    private void additive() {
      multiplicative();
      while (accept("+") || accept("-")) {
        multiplicative();
      }
    }

    private void multiplicative() {
      unary();
      while (accept("*") || accept("/") || accept("%") || acceptWord("div") || acceptWord("mod")) {
        unary();
      }
    }

    private void unary() {
      if (accept("-") || accept("!") || acceptWord("not") || acceptWord("empty")) {
        unary();
        return;
      }
      value();
    }

    private void value() {
      Token token = next();
      switch (token.kind()) {
        case STRING, NUMBER -> noAccessAfter("a literal");
        case NAME -> {
          if (LITERAL_WORDS.contains(token.text())) {
            noAccessAfter("a literal");
          } else if (RESERVED_WORDS.contains(token.text())) {
            throw new Refused("unexpected '" + token.text() + "' in an expression");
          } else {
            path(token.text());
          }
        }
        case SYMBOL -> {
          if (!token.is("(")) {
            throw new Refused("unexpected '" + token.text() + "' in an expression");
          }
          expression();
          expect(")");
          noAccessAfter("a computed value");
        }
        default -> throw new Refused("an expression ends too early");
      }
    }

    private void path(String name) {
      if (peek().is("(")) {
        throw new Refused("function call " + name + "() is not allowed");
      }
      if (peek().is("[")) {
        throw new Refused("index access on '" + name + "' is not allowed");
      }
      if (!accept(".")) {
        return;
      }
      Token member = next();
      if (member.kind() != Kind.NAME) {
        throw new Refused("unexpected '" + member.text() + "' after '" + name + ".'");
      }
      String access = name + "." + member.text();
      if (CONTEXT_OBJECTS.contains(name)) {
        if (!CONTEXT_MEMBERS.contains(member.text())) {
          throw new Refused(
              access
                  + " is not allowed (only variables, ids and the business key of "
                  + name
                  + ")");
        }
      } else if (!beans.contains(name)) {
        throw new Refused(
            access
                + " is not allowed: '"
                + name
                + "' is not one of the Switchman beans a diagram may call");
      } else if (OBJECT_MEMBERS.contains(member.text())) {
        throw new Refused(access + " is not allowed");
      }
      if (accept("(")) {
        if (!accept(")")) {
          do {
            expression();
          } while (accept(","));
          expect(")");
        }
      }
      if (peek().is(".") || peek().is("[")) {
        throw new Refused("chained access after " + access + " is not allowed");
      }
    }

    private void noAccessAfter(String what) {
      if (peek().is(".") || peek().is("[")) {
        throw new Refused("member access on " + what + " is not allowed");
      }
    }

    private Token peek() {
      return tokens.get(Math.min(at, tokens.size() - 1));
    }

    private Token next() {
      Token token = peek();
      if (at < tokens.size()) {
        at++;
      }
      return token;
    }

    private boolean accept(String symbol) {
      if (peek().is(symbol)) {
        at++;
        return true;
      }
      return false;
    }

    private boolean acceptWord(String word) {
      if (peek().isWord(word)) {
        at++;
        return true;
      }
      return false;
    }

    private void expect(String symbol) {
      if (!accept(symbol)) {
        throw new Refused("expected '" + symbol + "' but found '" + peek().text() + "'");
      }
    }
  }
}
