package org.switchman.process.jobs;

import org.camunda.bpm.engine.ProcessEngine;
import org.camunda.bpm.engine.impl.cfg.AbstractProcessEnginePlugin;
import org.camunda.bpm.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.camunda.bpm.engine.impl.jobexecutor.JobExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives this node's job executor a stable lock owner, the node's name, and releases at startup the
 * jobs still locked under that name.
 *
 * <p>Why: the engine locks a job for {@code lock-time-in-millis} when it acquires it, and by
 * default names the owner with a random id per start. A node that dies holding jobs leaves them
 * locked under an owner nobody will ever be again, so they wait for the whole lock time, which must
 * be longer than the longest step ({@link StepDeadlines}). With a stable name the node knows its
 * own locks when it comes back: none of those jobs can be running (the node has just started and
 * its job executor has not acquired anything yet), so they are released at once and a crash is
 * resumed within seconds of the restart. Jobs locked under any other name are left alone: they may
 * be running on another node that shares the engine database.
 *
 * <p>The release runs once the engine is built and before the job executor starts (the starter
 * starts it when the application is ready), after the node has joined the others ({@link
 * ClusterMembership#join}), which refuses a name another live process beats under: that process
 * could be running the jobs released here.
 */
public class NodeLockOwnerPlugin extends AbstractProcessEnginePlugin {

  private static final Logger LOG = LoggerFactory.getLogger(NodeLockOwnerPlugin.class);

  /** The width of {@code ACT_RU_JOB.LOCK_OWNER_}. */
  static final int MAX_NAME_LENGTH = 255;

  private final String nodeName;
  private final ClusterMembership membership;
  private ProcessEngineConfigurationImpl configuration;

  /**
   * A node that joins no registry of nodes (an engine of its own, as in process tests).
   *
   * @param nodeName the name this node's job executor locks jobs under, the same at every start
   * @throws IllegalStateException when the name is blank or longer than the lock owner column
   */
  public NodeLockOwnerPlugin(String nodeName) {
    this(nodeName, null);
  }

  /**
   * @param nodeName the name this node's job executor locks jobs under, the same at every start
   * @param membership this node among those sharing the engine database, under that name
   * @throws IllegalStateException when the name is blank or longer than the lock owner column
   */
  public NodeLockOwnerPlugin(String nodeName, ClusterMembership membership) {
    if (nodeName == null || nodeName.isBlank()) {
      throw new IllegalStateException(
          "switchman.node-name is blank; set it to a name unique to"
              + " this node (the host name is the default)");
    }
    if (nodeName.length() > MAX_NAME_LENGTH) {
      throw new IllegalStateException(
          "switchman.node-name is "
              + nodeName.length()
              + " characters long; the engine keeps at most "
              + MAX_NAME_LENGTH);
    }
    this.nodeName = nodeName.strip();
    this.membership = membership;
  }

  public String nodeName() {
    return nodeName;
  }

  /** The interceptor that tells which jobs this node runs, in the engine's chain of commands. */
  @Override
  public void preInit(ProcessEngineConfigurationImpl configuration) {
    if (membership != null) {
      if (configuration.getCustomPreCommandInterceptorsTxRequired() == null) {
        configuration.setCustomPreCommandInterceptorsTxRequired(new java.util.ArrayList<>());
      }
      configuration.getCustomPreCommandInterceptorsTxRequired().add(membership.runningJobs());
    }
  }

  /** After every preInit, so that the job executor the starter configures is the one named. */
  @Override
  public void postInit(ProcessEngineConfigurationImpl configuration) {
    this.configuration = configuration;
    JobExecutor jobExecutor = configuration.getJobExecutor();
    if (jobExecutor != null) {
      jobExecutor.setLockOwner(nodeName);
    }
  }

  @Override
  public void postProcessEngineBuild(ProcessEngine processEngine) {
    if (membership != null) {
      membership.join(configuration);
    }
    int released = releaseOwnLocks();
    if (released > 0) {
      LOG.info(
          "Released {} job(s) still locked by this node ({}) from before its restart; they"
              + " run again now",
          released,
          nodeName);
    }
  }

  /**
   * Unlocks every job locked under this node's name. Only safe while this node runs no job, that is
   * before its job executor starts.
   *
   * @return how many jobs were released
   */
  int releaseOwnLocks() {
    return configuration
        .getCommandExecutorTxRequired()
        .execute(context -> ClusterMembership.releaseLocks(context, nodeName).size());
  }
}
