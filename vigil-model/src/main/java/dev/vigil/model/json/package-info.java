/**
 * The JSON form of events: {@link dev.vigil.model.json.EventJson} writes and parses one event,
 * {@link dev.vigil.model.json.NdjsonWriter} and {@link dev.vigil.model.json.NdjsonReader} stream
 * them one per line. The form is documented in docs/events.md.
 */
package dev.vigil.model.json;
