/**
 * The lab: real etcd, BIND, MariaDB masters and an SSH fleet started as child processes on
 * loopback, with fault injection, for {@code scripts/demo} and the integration tests, and a
 * throwaway PostgreSQL cluster for the engine ({@link org.switchman.lab.LabPostgres}). It wires
 * itself: its {@code @Configuration}s and its fault API are active only in the {@code lab} profile,
 * and give the adapters their ordinary settings ({@code config.SshProperties}, …) pointing at the
 * lab; the {@code lab-attach} profile gives the same settings for a lab running in another process,
 * read from its {@code lab.env} ({@link org.switchman.lab.LabAttachSettings}). May depend on {@code
 * config} and Spring; nothing outside this package depends on it (the product knows only the
 * profile's name, {@link org.switchman.config.LabProfile}).
 */
package org.switchman.lab;
