package org.switchman.process.restart;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.camunda.bpm.model.dmn.Dmn;
import org.camunda.bpm.model.dmn.DmnModelInstance;
import org.camunda.bpm.model.dmn.HitPolicy;
import org.camunda.bpm.model.dmn.instance.BusinessKnowledgeModel;
import org.camunda.bpm.model.dmn.instance.Decision;
import org.camunda.bpm.model.dmn.instance.DecisionService;
import org.camunda.bpm.model.dmn.instance.DecisionTable;
import org.camunda.bpm.model.dmn.instance.Input;
import org.camunda.bpm.model.dmn.instance.InputEntry;
import org.camunda.bpm.model.dmn.instance.LiteralExpression;
import org.camunda.bpm.model.dmn.instance.Output;
import org.camunda.bpm.model.dmn.instance.OutputEntry;
import org.camunda.bpm.model.dmn.instance.Rule;
import org.camunda.bpm.model.dmn.instance.UnaryTests;
import org.camunda.bpm.model.xml.ModelException;
import org.camunda.bpm.model.xml.instance.ModelElementInstance;
import org.switchman.runbook.EchoedInput;
import org.switchman.runbook.restart.InvalidCatalogueException;
import org.switchman.runbook.restart.ServiceCatalogue;

/**
 * The service catalogue as designers keep it: the decision {@value #DECISION} of {@code
 * processes/service-catalogue.dmn}, a table with the hit policy UNIQUE, one input ({@code service})
 * and one output per field of {@link ServiceCatalogue#COLUMNS}, and one rule per service; and,
 * beside it, the host profiles {@value #HOST_PROFILES} that {@code host-reboot} reads, one rule per
 * conftool cluster.
 *
 * <p>Every cell must be a plain value: a string in double quotes (without quotes or backslashes
 * inside), a whole number, or {@code true} / {@code false}, and no element may name an expression
 * language. A cell that computes anything (FEEL beyond a literal, JUEL, a script) is refused, and
 * so is any other decision, knowledge model or expression in the file, so the file can carry no
 * code; what the values mean is checked by {@link ServiceCatalogue#of}. The deployment guard runs
 * this check on every deployed {@code .dmn}.
 */
public final class ServiceCatalogueTable {

  /** The decision's id. */
  public static final String DECISION = "ServiceCatalogue";

  /**
   * The id of the optional second table: the host profiles, hit policy UNIQUE, one input ({@code
   * cluster}) and one output per field of {@link ServiceCatalogue#HOST_PROFILE_COLUMNS}.
   */
  public static final String HOST_PROFILES = "HostProfiles";

  /** The DMN standard's FEEL, the language the model names by default; plain values are FEEL. */
  private static final Pattern FEEL =
      Pattern.compile("https?://www\\.omg\\.org/spec/(FEEL/20140401|DMN/\\d{8}/FEEL/)");

  private static final Pattern STRING = Pattern.compile("\"([^\"\\\\]*)\"");
  private static final Pattern INTEGER = Pattern.compile("-?\\d{1,9}");
  private static final Pattern BOOLEAN = Pattern.compile("true|false");

  private ServiceCatalogueTable() {}

  /**
   * Reads and checks a catalogue.
   *
   * @throws InvalidCatalogueException naming every problem: an unreadable file, a table of another
   *     shape, a cell that is not a plain value, or a value out of range
   */
  public static ServiceCatalogue read(InputStream dmn) {
    DmnModelInstance model;
    try {
      model = Dmn.readModelFromStream(dmn);
    } catch (ModelException e) {
      throw new InvalidCatalogueException(
          List.of("it is not a readable DMN file: " + e.getMessage()));
    }
    List<String> problems = new ArrayList<>();
    for (Class<? extends ModelElementInstance> type :
        List.of(LiteralExpression.class, UnaryTests.class)) {
      for (ModelElementInstance element : model.getModelElementsByType(type)) {
        String language =
            element instanceof LiteralExpression literal
                ? literal.getExpressionLanguage()
                : ((UnaryTests) element).getExpressionLanguage();
        if (language != null && !language.isBlank()) {
          problems.add(
              "an element names the expression language '"
                  + language
                  + "'; the catalogue holds plain values only");
        }
      }
    }
    String language = model.getDefinitions().getExpressionLanguage();
    if (language != null && !FEEL.matcher(language).matches()) {
      problems.add(
          "the definitions name the expression language '"
              + language
              + "'; the catalogue holds plain values only");
    }
    DecisionTable table = table(model, DECISION, problems);
    if (table == null) {
      throw new InvalidCatalogueException(problems);
    }
    ModelElementInstance profilesElement = model.getModelElementById(HOST_PROFILES);
    DecisionTable profiles = profilesElement == null ? null : table(model, HOST_PROFILES, problems);
    for (Class<? extends ModelElementInstance> type :
        List.of(Decision.class, BusinessKnowledgeModel.class, DecisionService.class)) {
      for (ModelElementInstance other : model.getModelElementsByType(type)) {
        if (other != table.getParentElement()
            && (profiles == null || other != profiles.getParentElement())) {
          problems.add(
              "it holds the "
                  + type.getSimpleName()
                  + " '"
                  + abbreviated(other.getAttributeValue("id"))
                  + "' besides the tables "
                  + DECISION
                  + " and "
                  + HOST_PROFILES);
        }
      }
    }
    problems.addAll(
        expressionsOutsideTheCells(
            model, profiles == null ? List.of(table) : List.of(table, profiles)));
    List<ServiceCatalogue.Row> rows = rows(table, "service", problems);
    List<ServiceCatalogue.Row> profileRows =
        profiles == null ? List.of() : rows(profiles, "cluster", problems);
    if (!problems.isEmpty()) {
      throw new InvalidCatalogueException(problems);
    }
    return ServiceCatalogue.of(rows, profileRows);
  }

  private static DecisionTable table(DmnModelInstance model, String id, List<String> problems) {
    ModelElementInstance found = model.getModelElementById(id);
    if (!(found instanceof Decision decision)
        || !(decision.getExpression() instanceof DecisionTable table)) {
      problems.add("it has no decision table with the id " + id);
      return null;
    }
    return table;
  }

  /** The rules of a table as text, one input named {@code key}, adding what does not hold. */
  private static List<ServiceCatalogue.Row> rows(
      DecisionTable table, String key, List<String> problems) {
    String id = table.getParentElement().getAttributeValue("id");
    String where = id.equals(DECISION) ? "" : id + ", ";
    if (table.getHitPolicy() != HitPolicy.UNIQUE) {
      problems.add(
          where
              + "the hit policy is "
              + table.getHitPolicy()
              + ", not UNIQUE: one rule per "
              + key);
    }
    List<Input> inputs = List.copyOf(table.getInputs());
    if (inputs.size() != 1
        || inputs.get(0).getInputExpression() == null
        || !key.equals(text(inputs.get(0).getInputExpression()))) {
      problems.add(where + "the table must have exactly one input, the expression '" + key + "'");
    }
    List<Output> outputs = List.copyOf(table.getOutputs());
    List<ServiceCatalogue.Row> rows = new ArrayList<>();
    int number = 0;
    for (Rule rule : table.getRules()) {
      number++;
      Map<String, String> values = new LinkedHashMap<>();
      List<InputEntry> in = List.copyOf(rule.getInputEntries());
      String name = in.size() == 1 ? plain(text(in.get(0)), "string") : null;
      if (name == null) {
        problems.add(
            where + "rule " + number + ": its " + key + " must be one name in double quotes");
      } else {
        values.put(key, name);
      }
      List<OutputEntry> out = List.copyOf(rule.getOutputEntries());
      for (int i = 0; i < Math.min(out.size(), outputs.size()); i++) {
        Output output = outputs.get(i);
        String cell = text(out.get(i));
        String value = plain(cell, output.getTypeRef());
        if (value == null) {
          problems.add(
              where
                  + "rule "
                  + number
                  + ", "
                  + output.getName()
                  + ": '"
                  + abbreviated(cell)
                  + "' is not a plain "
                  + output.getTypeRef()
                  + " value");
        } else {
          values.put(output.getName(), value);
        }
      }
      rows.add(new ServiceCatalogue.Row(number, values));
    }
    return rows;
  }

  /**
   * Expressions anywhere but in the table's input and its rules' cells (an output's default, an
   * input's allowed values, a literal decision elsewhere): cells the value checks never see.
   */
  private static List<String> expressionsOutsideTheCells(
      DmnModelInstance model, List<DecisionTable> tables) {
    Set<ModelElementInstance> cells = new HashSet<>();
    for (DecisionTable table : tables) {
      table.getInputs().forEach(input -> cells.add(input.getInputExpression()));
      for (Rule rule : table.getRules()) {
        cells.addAll(rule.getInputEntries());
        cells.addAll(rule.getOutputEntries());
      }
    }
    List<String> problems = new ArrayList<>();
    for (Class<? extends ModelElementInstance> type :
        List.of(LiteralExpression.class, UnaryTests.class)) {
      for (ModelElementInstance element : model.getModelElementsByType(type)) {
        if (!cells.contains(element)) {
          String id = element.getAttributeValue("id");
          problems.add(
              "the "
                  + element.getParentElement().getElementType().getTypeName()
                  + (id == null ? "" : " '" + abbreviated(id) + "'")
                  + " holds an expression outside the table's cells; the catalogue holds plain"
                  + " values only");
        }
      }
    }
    return problems;
  }

  private static String text(ModelElementInstance element) {
    ModelElementInstance text =
        element instanceof UnaryTests tests
            ? tests.getText()
            : ((LiteralExpression) element).getText();
    return text == null || text.getTextContent() == null ? "" : text.getTextContent().strip();
  }

  /** The value of a literal cell of that type; {@code null} when the cell is not one. */
  private static String plain(String cell, String typeRef) {
    if ("integer".equals(typeRef) || "long".equals(typeRef)) {
      return INTEGER.matcher(cell).matches() ? cell : null;
    }
    if ("boolean".equals(typeRef)) {
      return BOOLEAN.matcher(cell).matches() ? cell : null;
    }
    if ("string".equals(typeRef)) {
      var m = STRING.matcher(cell);
      return m.matches() ? m.group(1) : null;
    }
    return null;
  }

  private static String abbreviated(String text) {
    return EchoedInput.shortened(text, 64);
  }
}
