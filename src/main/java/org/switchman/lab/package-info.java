/**
 * The lab: real etcd, BIND, MariaDB masters and an SSH fleet started as child processes on
 * loopback, with fault injection, for {@code scripts/demo} and the integration tests. It wires
 * itself: its {@code @Configuration}s and its fault API are active only in the {@code lab} profile,
 * and give the adapters their ordinary settings ({@code config.SshProperties}, …) pointing at the
 * lab. May depend on {@code config} and Spring; nothing outside this package depends on it (the
 * product knows only the profile's name, {@link org.switchman.config.LabProfile}).
 */
package org.switchman.lab;
