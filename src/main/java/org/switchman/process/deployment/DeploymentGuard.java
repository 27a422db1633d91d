package org.switchman.process.deployment;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.impl.bpmn.deployer.BpmnDeployer;
import org.camunda.bpm.engine.impl.bpmn.parser.BpmnParser;
import org.camunda.bpm.engine.impl.cfg.TransactionState;
import org.camunda.bpm.engine.impl.context.Context;
import org.camunda.bpm.engine.impl.interceptor.CommandContext;
import org.camunda.bpm.engine.impl.persistence.deploy.Deployer;
import org.camunda.bpm.engine.impl.persistence.entity.DeploymentEntity;
import org.camunda.bpm.engine.impl.persistence.entity.ResourceEntity;
import org.camunda.bpm.engine.impl.util.ReflectUtil;
import org.camunda.bpm.engine.impl.util.xml.Element;
import org.camunda.bpm.engine.impl.util.xml.Parse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.switchman.audit.Journal;
import org.switchman.audit.JournalEntry;
import org.switchman.audit.JournalKind;
import org.switchman.audit.report.RunReports;
import org.switchman.process.restart.ServiceCatalogueTable;
import org.switchman.runbook.restart.InvalidCatalogueException;

/**
 * Checks every new deployment before the engine's deployers see it, whoever deploys it and however
 * (REST, Java API, the runbooks deployed at start), and journals it.
 *
 * <p>It runs as a deployer ahead of the engine's own, rather than as a parse listener or around the
 * deploy command, because there it sees the whole deployment at once (every resource with its name
 * and bytes, the deployment's id and name, whether it is new) and runs before any BPMN is turned
 * into definitions, jobs or subscriptions. Diagrams are read with the engine's own XML parser into
 * the same element tree the engine then parses, so the check cannot be fooled by XML the two would
 * read differently. A refusal throws {@link DeploymentRefusedException}, which rolls the whole
 * deployment back; nothing of it is deployed.
 *
 * <p>Refused are:
 *
 * <ul>
 *   <li>{@code resource-type}: a resource other than a diagram ({@code .bpmn}), a Camunda Form
 *       ({@code .form}) or the service catalogue ({@code .dmn}); case models, scripts and HTML
 *       forms carry code too;
 *   <li>everything {@link DiagramRules} refuses in a diagram;
 *   <li>{@code service-catalogue}: a decision file that is not a valid service catalogue ({@link
 *       ServiceCatalogueTable}: one table of plain values, every check and drain known, every
 *       number in range), one refusal per problem;
 *   <li>{@code shipped-catalogue}: a service catalogue not deployed by {@code camunda-admin} or by
 *       the application at start, since it decides how every rolling restart runs;
 *   <li>{@code shipped-runbook}: a diagram with the key of a runbook the application ships (in
 *       {@code processes/}), unless deployed by {@code camunda-admin} or by the application itself
 *       at start, so that a copy never becomes the version Tasklist starts.
 * </ul>
 *
 * <p>Every accepted deployment is journaled ({@value RunReports#DEPLOYMENT}, outcome {@value
 * RunReports#DEPLOYED}, under the run id {@value JournalEntry#SYSTEM}): who deployed (the
 * authenticated user, or {@value JournalEntry#SYSTEM} at start), the deployment id (target) and
 * name, and each resource's SHA-256 (output, one {@code sha256 name} line each). The entry is
 * written as the deploy transaction commits: if it cannot be written, the deployment fails with it,
 * so there is no deployment without its entry. A refused deployment is journaled at once, in a
 * transaction of its own ({@value RunReports#REFUSED}, with the reasons).
 */
public class DeploymentGuard implements Deployer {

  private static final Logger LOG = LoggerFactory.getLogger(DeploymentGuard.class);
  private static final List<String> DIAGRAM_SUFFIXES = List.of(".bpmn", ".bpmn20.xml");
  private static final String FORM_SUFFIX = ".form";
  private static final String DECISION_SUFFIX = ".dmn";
  private static final String STEP = "deployment";
  private static final int LISTED_NAMES = 2000;
  private static final int MAX_NAME = 255;

  private final DiagramRules rules;
  private final Set<String> shippedRunbooks;
  private final Journal journal;

  /**
   * @param diagramBeans the beans a diagram may name ({@link DiagramBeans})
   * @param shippedRunbooks the process keys of the runbooks the application ships
   */
  public DeploymentGuard(Set<String> diagramBeans, Set<String> shippedRunbooks, Journal journal) {
    this.rules = new DiagramRules(diagramBeans);
    this.shippedRunbooks = Set.copyOf(shippedRunbooks);
    this.journal = journal;
  }

  @Override
  public void deploy(DeploymentEntity deployment) {
    if (!deployment.isNew()) {
      // a stored deployment read back into the cache: it was checked when it was deployed
      return;
    }
    CommandContext context = Context.getCommandContext();
    String user = context.getAuthenticatedUserId();
    String actor = user == null ? JournalEntry.SYSTEM : user;
    boolean mayReplaceShipped =
        user == null
            || context.getAuthorizationManager().isCamundaAdmin(context.getAuthentication());
    List<ResourceEntity> resources =
        deployment.getResources() == null
            ? List.of()
            : deployment.getResources().values().stream()
                .sorted(Comparator.comparing(ResourceEntity::getName))
                .toList();

    List<Refusal> refusals = new ArrayList<>();
    for (ResourceEntity resource : resources) {
      refusals.addAll(check(resource, actor, mayReplaceShipped));
    }
    String name =
        deployment.getName() == null
            ? "(unnamed)"
            : deployment.getName().length() <= MAX_NAME
                ? deployment.getName()
                : deployment.getName().substring(0, MAX_NAME) + "…";
    String action = "deploy '" + name + "': " + names(resources);
    if (!refusals.isEmpty()) {
      DeploymentRefusedException refused = new DeploymentRefusedException(refusals);
      LOG.warn("{} (deployed by {})", refused.getMessage(), actor);
      journal.append(
          JournalKind.DEPLOYMENT.entry(
              origin(actor),
              name,
              action,
              RunReports.REFUSED,
              refused.getMessage() + "\n" + hashes(resources)));
      throw refused;
    }
    JournalEntry.Draft entry =
        JournalKind.DEPLOYMENT.entry(
            origin(actor), deployment.getId(), action, RunReports.DEPLOYED, hashes(resources));
    context
        .getTransactionContext()
        .addTransactionListener(TransactionState.COMMITTING, committing -> journal.append(entry));
    LOG.info("Deployment {} '{}' by {}: {}", deployment.getId(), name, actor, names(resources));
  }

  private List<Refusal> check(ResourceEntity resource, String actor, boolean mayReplaceShipped) {
    String name = resource.getName();
    if (name.endsWith(FORM_SUFFIX)) {
      return List.of();
    }
    if (name.endsWith(DECISION_SUFFIX)) {
      return checkCatalogue(resource, actor, mayReplaceShipped);
    }
    if (DIAGRAM_SUFFIXES.stream().noneMatch(name::endsWith)) {
      return List.of(
          new Refusal(
              name,
              name,
              "resource-type",
              "only diagrams (.bpmn), Camunda Forms (.form) and the service catalogue (.dmn) may"
                  + " be deployed; other resources (cases, scripts, HTML forms) can carry code"));
    }
    Element definitions;
    try {
      definitions = read(resource);
    } catch (ProcessEngineException unreadable) {
      return List.of(
          new Refusal(
              name, name, "unreadable", "not a well-formed BPMN file: " + unreadable.getMessage()));
    }
    List<Refusal> refusals = new ArrayList<>(rules.check(name, definitions));
    if (!mayReplaceShipped) {
      for (Element process : definitions.elements()) {
        String key = process.attribute("id");
        if (DiagramRules.localName(process).equals("process")
            && key != null
            && shippedRunbooks.contains(key)) {
          refusals.add(
              new Refusal(
                  name,
                  key,
                  "shipped-runbook",
                  key
                      + " ships with Switchman "
                      + "(processes/"
                      + key
                      + ".bpmn); only camunda-admin may deploy another version of "
                      + "it, not "
                      + actor));
        }
      }
    }
    return refusals;
  }

  private static List<Refusal> checkCatalogue(
      ResourceEntity resource, String actor, boolean mayReplaceShipped) {
    String name = resource.getName();
    String decision = ServiceCatalogueTable.DECISION;
    try {
      ServiceCatalogueTable.read(
          new ByteArrayInputStream(
              resource.getBytes() == null ? new byte[0] : resource.getBytes()));
    } catch (InvalidCatalogueException invalid) {
      return invalid.problems().stream()
          .map(problem -> new Refusal(name, decision, "service-catalogue", problem))
          .toList();
    }
    if (mayReplaceShipped) {
      return List.of();
    }
    return List.of(
        new Refusal(
            name,
            decision,
            "shipped-catalogue",
            "the service catalogue ships with Switchman (processes/service-catalogue.dmn); only"
                + " camunda-admin may deploy another version of it, not "
                + actor));
  }

  /** The element tree of a diagram, read by the engine's own BPMN XML parser. */
  private static Element read(ResourceEntity resource) {
    BpmnParser parser =
        Context.getProcessEngineConfiguration().getDeployers().stream()
            .filter(BpmnDeployer.class::isInstance)
            .map(deployer -> ((BpmnDeployer) deployer).getBpmnParser())
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("The engine has no BPMN deployer"));
    Parse parse = new Parse(parser) {};
    // as the engine's own parse: namespace-aware and validating against the BPMN schema (the
    // parser's SAX factory is per thread and keeps whatever the previous parse on it set)
    parse.setSchemaResource(ReflectUtil.getResourceUrlAsString(BpmnParser.BPMN_20_SCHEMA_LOCATION));
    return parse
        .name(resource.getName())
        .sourceInputStream(new ByteArrayInputStream(resource.getBytes()))
        .execute()
        .getRootElement();
  }

  private static String names(List<ResourceEntity> resources) {
    String names =
        resources.stream().map(ResourceEntity::getName).collect(Collectors.joining(", "));
    return names.length() <= LISTED_NAMES ? names : names.substring(0, LISTED_NAMES) + "…";
  }

  /** One {@code sha256 name} line per resource, the format {@code sha256sum -c} reads. */
  static String hashes(List<ResourceEntity> resources) {
    return resources.stream()
        .map(resource -> sha256(resource.getBytes()) + "  " + resource.getName())
        .collect(Collectors.joining("\n"));
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(bytes == null ? "".getBytes(StandardCharsets.UTF_8) : bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** A deployment belongs to no run: its entries go under {@value JournalEntry#SYSTEM}. */
  private static JournalEntry.Origin origin(String actor) {
    return new JournalEntry.Origin(JournalEntry.SYSTEM, STEP, actor, "live");
  }
}
