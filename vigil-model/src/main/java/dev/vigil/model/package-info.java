/**
 * Vigil's event model. An {@link dev.vigil.model.Event} is a timestamp, a {@link dev.vigil.model.HostInfo},
 * a {@link dev.vigil.model.ProcessInfo} (with its ancestry and {@link dev.vigil.model.ContainerInfo}) and a
 * type-specific {@link dev.vigil.model.Payload}. Field names follow Datadog's SECL; see
 * {@link dev.vigil.model.field.Fields} for the registry and {@link dev.vigil.model.json.EventJson} for the
 * NDJSON form. This module depends on nothing but jackson-core.
 */
package dev.vigil.model;
