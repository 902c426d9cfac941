package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Objects;

/**
 * An event as the backend sees it, whatever produced it (an agent's kernel event, an agent's
 * alert, a JSON log line, a syslog line): the reserved attributes every source has, Datadog
 * style, plus free-form {@code attributes}. Queries address reserved attributes by their bare
 * name ({@code host:web-1}, {@code source:sshd}) and the others with {@code @}
 * ({@code @usr.name:root}, {@code @process.file.path:/usr/bin/*}).
 *
 * @param id         unique, assigned at intake (the event log's position); stable across replays
 * @param time       event time, epoch milliseconds (what windows are computed on)
 * @param host       the host the event is about or came from; empty when unknown
 * @param source     the technology that produced it: {@code vigil-agent}, {@code sshd}, {@code cloudtrail}
 * @param service    the service or application; empty when unknown
 * @param status     the log status: {@code info}, {@code warn}, {@code error}, {@code alert}...
 * @param message    the human-readable message; empty when the source has none
 * @param tags       {@code key:value} tags (host tags, source tags)
 * @param attributes everything else, as a JSON object (never null; treat as read-only once built)
 */
public record LogEvent(String id, long time, String host, String source, String service, String status,
                       String message, List<String> tags, ObjectNode attributes) {

    public LogEvent {
        Objects.requireNonNull(attributes, "attributes");
        id = id == null ? "" : id;
        host = host == null ? "" : host;
        source = source == null ? "" : source;
        service = service == null ? "" : service;
        status = status == null ? "info" : status;
        message = message == null ? "" : message;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    /** The same event with the id the event log gave it. */
    public LogEvent withId(String newId) {
        return new LogEvent(newId, time, host, source, service, status, message, tags, attributes);
    }

    /** The value of a reserved attribute by name, or {@code null} when {@code name} is not reserved. */
    public String reserved(String name) {
        return switch (name) {
            case "host" -> host;
            case "source" -> source;
            case "service" -> service;
            case "status" -> status;
            case "message" -> message;
            default -> null;
        };
    }
}
