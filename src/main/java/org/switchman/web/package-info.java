/**
 * Switchman's own pages and JSON API under {@code /switchman} (runs, run reports and exports, live
 * view, journal verification, lock table, ops log) and the HTTP security of everything Camunda does
 * not protect itself ({@link org.switchman.web.WebSecurityConfiguration}). May depend on {@code
 * audit}, {@code runbook}, {@code config}, {@code process.security} (groups and engine logins) and
 * Spring MVC; no Camunda types and no client library.
 */
package org.switchman.web;
