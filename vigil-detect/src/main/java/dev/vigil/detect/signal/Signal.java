package dev.vigil.detect.signal;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * A security signal: the matches of one detection rule for one group (e.g. one miner in one
 * container), aggregated while they keep coming within the rule's keep-alive.
 *
 * <p>The detection engine owns the activity part (count, times, samples, entities, severity);
 * people own the triage part (status, reason, assignee), changed only through the API. Storage
 * merges an engine update without touching the triage part.
 *
 * @param id            stable id ({@code sig-} + rule + group + first match), so a replay writes the same signal
 * @param ruleId        the detection rule's id
 * @param ruleName      its name at the time
 * @param title         what happened, for lists ({@code "Crypto miner executed on web-1"})
 * @param message       the rule's description in markdown (what it detects, why it matters)
 * @param severity      the severity of the highest case matched so far
 * @param status        open, under review, archived
 * @param archiveReason why it was archived; null unless archived
 * @param assignee      who is on it; null when nobody
 * @param groupBy       the group-by attribute values this signal is for
 * @param count         matches aggregated (suppressed ones excluded)
 * @param firstSeen     event time of the first match, epoch ms
 * @param lastSeen      event time of the latest match, epoch ms
 * @param createdAt     wall-clock time the signal was first stored, epoch ms
 * @param updatedAt     wall-clock time of the last change, epoch ms
 * @param tactic        MITRE ATT&CK tactic id (TA0002) or empty
 * @param technique     MITRE ATT&CK technique id (T1059.004) or empty
 * @param tags          the rule's tags plus signal tags ({@code source:}, {@code tactic:}...)
 * @param triage        advice for the responder, markdown
 * @param entities      hosts, containers, images, services, users, IPs, binaries involved
 * @param samples       the first and the latest matching events (stored JSON form of {@code LogEvent})
 * @param processTree   the process tree of the sample, when the events are agent events; else null
 */
public record Signal(String id, String ruleId, String ruleName, String title, String message, Severity severity,
                     SignalStatus status, ArchiveReason archiveReason, String assignee, Map<String, String> groupBy,
                     long count, long firstSeen, long lastSeen, long createdAt, long updatedAt, String tactic,
                     String technique, List<String> tags, String triage, Entities entities, List<ObjectNode> samples,
                     ObjectNode processTree) {

    public Signal {
        groupBy = Map.copyOf(groupBy);
        tags = List.copyOf(tags);
        samples = List.copyOf(samples);
        tactic = tactic == null ? "" : tactic;
        technique = technique == null ? "" : technique;
        triage = triage == null ? "" : triage;
        message = message == null ? "" : message;
    }
}
