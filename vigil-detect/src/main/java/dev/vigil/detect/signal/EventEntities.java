package dev.vigil.detect.signal;

import dev.vigil.detect.event.AttributePath;
import dev.vigil.detect.event.EventCache;
import dev.vigil.detect.event.LogEvent;

/**
 * The entities of the current event (hosts, containers, images, services, users, IPs, process
 * binaries, from the standard attributes every normaliser fills), read once per event through
 * the engine's {@link EventCache} however many signals the event joins.
 */
final class EventEntities {

    private static final AttributePath CONTAINER_NAME = AttributePath.of("container.name");
    private static final AttributePath CONTAINER_ID = AttributePath.of("container.id");
    private static final AttributePath IMAGE = AttributePath.of("container.image.name");
    private static final AttributePath IMAGE_TAG = AttributePath.of("container.image.tag");
    private static final AttributePath USER = AttributePath.of("usr.name");
    private static final AttributePath CLIENT_IP = AttributePath.of("network.client.ip");
    private static final AttributePath DEST_IP = AttributePath.of("network.destination.ip");
    private static final AttributePath BINARY = AttributePath.of("process.file.path");

    private final EventCache cache;
    private final int containerNameSlot, containerIdSlot, imageSlot, imageTagSlot, userSlot, clientIpSlot, destIpSlot, binarySlot;
    private long extractedAt;

    String host, container, image, service, user, clientIp, destIp, binary;

    EventEntities(EventCache cache) {
        this.cache = cache;
        this.containerNameSlot = cache.slot(CONTAINER_NAME);
        this.containerIdSlot = cache.slot(CONTAINER_ID);
        this.imageSlot = cache.slot(IMAGE);
        this.imageTagSlot = cache.slot(IMAGE_TAG);
        this.userSlot = cache.slot(USER);
        this.clientIpSlot = cache.slot(CLIENT_IP);
        this.destIpSlot = cache.slot(DEST_IP);
        this.binarySlot = cache.slot(BINARY);
    }

    /** The entities of the cache's current event (null or empty where it has none). */
    EventEntities current() {
        if (extractedAt == cache.epoch()) return this;
        LogEvent e = cache.event();
        host = e.host();
        String name = cache.firstText(containerNameSlot);
        container = name != null ? name : cache.firstText(containerIdSlot);
        String img = cache.firstText(imageSlot);
        if (img != null) {
            String tag = cache.firstText(imageTagSlot);
            image = tag == null || tag.isEmpty() ? img : img + ":" + tag;
        } else {
            image = null;
        }
        service = e.service();
        user = cache.firstText(userSlot);
        clientIp = cache.firstText(clientIpSlot);
        destIp = cache.firstText(destIpSlot);
        binary = cache.firstText(binarySlot);
        extractedAt = cache.epoch();
        return this;
    }
}
