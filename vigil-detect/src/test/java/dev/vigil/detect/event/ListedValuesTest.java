package dev.vigil.detect.event;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The projected decode lists the values of the projection's paths as it reads them, and an
 * {@link EventCache} reading that list answers exactly what walking the event's tree answers:
 * the same nodes, in the same order, for every path, whatever the event's shape. Events whose
 * document order could differ from a walk's (a repeated key, a literal dotted key on a path) are
 * not listed and are walked.
 */
class ListedValuesTest {

    private static final String[] KEYS = {"a", "b", "c", "x"};

    @Test
    void aListingCacheAnswersAsAWalkingOneOnRandomEvents() {
        SplittableRandom rnd = new SplittableRandom(7);
        int listed = 0, unlisted = 0;
        for (int round = 0; round < 300; round++) {
            List<AttributePath> paths = new ArrayList<>();
            for (int k = rnd.nextInt(1, 7); k > 0; k--) paths.add(randomPath(rnd));
            EventCache listing = new EventCache(), walking = new EventCache();
            List<Integer> slots = new ArrayList<>();
            for (AttributePath p : paths) {
                slots.add(listing.slot(p));
                walking.slot(p);
            }
            // as the engine makes it: the cache's paths first, then others (severity placeholders)
            List<AttributePath> projected = new ArrayList<>(listing.paths());
            projected.add(randomPath(rnd));
            AttributeProjection projection = AttributeProjection.of(projected);
            listing.listedBy(projection);
            for (int i = 0; i < 20; i++) {
                String json = "{\"time\":\"2026-11-22T20:28:09.177Z\",\"attributes\":" + randomObject(rnd, 0) + "}";
                LogEvent e = LogEventJson.fromJson(json.getBytes(StandardCharsets.UTF_8), projection);
                if (((ProjectedAttributes) e.attributes()).listed >= 0) listed++;
                else unlisted++;
                listing.reset(e);
                walking.reset(e);
                // ask in a random order and way: first() before or after the values are resolved
                for (int q = 0; q < 2 * slots.size(); q++) {
                    int s = slots.get(rnd.nextInt(slots.size()));
                    String what = paths.get(slots.indexOf(s)) + " in " + json;
                    switch (rnd.nextInt(3)) {
                        case 0 -> {
                            int n = walking.count(s);
                            assertThat(listing.count(s)).as(what).isEqualTo(n);
                            for (int v = 0; v < n; v++) assertThat(listing.value(s, v)).as(what).isSameAs(walking.value(s, v));
                            assertThat(listing.exists(s)).as(what).isEqualTo(walking.exists(s));
                        }
                        case 1 -> assertThat(listing.first(s)).as(what).isSameAs(walking.first(s));
                        default -> assertThat(listing.firstText(s)).as(what).isEqualTo(walking.firstText(s));
                    }
                }
            }
        }
        assertThat(listed).as("events read from the decode's list").isGreaterThan(3000);
        assertThat(unlisted).as("events walked (repeated or dotted keys)").isGreaterThan(200);
    }

    @Test
    void aRepeatedKeyOrADottedKeyOnAPathIsWalked() {
        AttributePath name = AttributePath.of("usr.name");
        EventCache cache = new EventCache();
        int slot = cache.slot(name);
        AttributeProjection projection = AttributeProjection.of(cache.paths());
        cache.listedBy(projection);
        for (String attrs : List.of("{\"usr\":{\"name\":\"a\"},\"usr\":{\"name\":\"b\"}}", "{\"usr.name\":\"a\",\"usr\":{\"name\":\"b\"}}",
                "{\"usr\":{\"name\":\"a\",\"name\":\"b\"}}", "{\"usr\":{\"name\":\"a\"},\"usr\":3}")) {
            LogEvent e = LogEventJson.fromJson(("{\"time\":1,\"attributes\":" + attrs + "}").getBytes(StandardCharsets.UTF_8), projection);
            assertThat(((ProjectedAttributes) e.attributes()).listed).as(attrs).isEqualTo(-1);
            cache.reset(e);
            JsonNode[] walked = new JsonNode[4];
            int n = name.collect(e.attributes(), walked);
            assertThat(cache.count(slot)).as(attrs).isEqualTo(n);
            for (int i = 0; i < n; i++) assertThat(cache.value(slot, i)).isSameAs(walked[i]);
        }
        // where nothing is repeated or dotted on the path, the list is read: a value the tree no longer has is not found
        LogEvent e = LogEventJson.fromJson("{\"time\":1,\"attributes\":{\"usr\":{\"name\":[\"a\",[\"b\",null]]},\"usr.id\":1}}"
                .getBytes(StandardCharsets.UTF_8), projection);
        assertThat(((ProjectedAttributes) e.attributes()).listed).isEqualTo(3);
        cache.reset(e);
        assertThat(cache.count(slot)).isEqualTo(3);
        assertThat(cache.firstText(slot)).isEqualTo("a");
    }

    private static AttributePath randomPath(SplittableRandom rnd) {
        String[] segs = new String[rnd.nextInt(1, 4)];
        for (int s = 0; s < segs.length; s++) segs[s] = KEYS[rnd.nextInt(KEYS.length)];
        return AttributePath.of(String.join(".", segs));
    }

    /** A JSON object as text: mostly distinct plain keys; now and then a repeated key or a literal dotted one. */
    private static String randomObject(SplittableRandom rnd, int depth) {
        StringBuilder b = new StringBuilder("{");
        List<String> used = new ArrayList<>();
        for (int k = rnd.nextInt(depth == 0 ? 1 : 0, 5); k > 0; k--) {
            String key;
            int r = rnd.nextInt(100);
            if (r < 5) key = KEYS[rnd.nextInt(KEYS.length)] + "." + KEYS[rnd.nextInt(KEYS.length)];
            else if (r < 10 && !used.isEmpty()) key = used.get(rnd.nextInt(used.size()));
            else {
                key = KEYS[rnd.nextInt(KEYS.length)];
                if (used.contains(key)) continue;
            }
            used.add(key);
            if (b.length() > 1) b.append(',');
            b.append('"').append(key).append("\":").append(randomValue(rnd, depth));
        }
        return b.append('}').toString();
    }

    private static String randomValue(SplittableRandom rnd, int depth) {
        int r = rnd.nextInt(depth >= 3 ? 5 : 8);
        return switch (r) {
            case 0 -> "\"v" + rnd.nextInt(5) + "\"";
            case 1 -> String.valueOf(rnd.nextInt(100));
            case 2 -> rnd.nextBoolean() ? "true" : "false";
            case 3 -> "null";
            case 4 -> "\"" + "w".repeat(rnd.nextInt(1, 3)) + "\"";
            case 5, 6 -> randomObject(rnd, depth + 1);
            default -> {
                StringBuilder a = new StringBuilder("[");
                for (int i = rnd.nextInt(0, 4); i > 0; i--) a.append(a.length() > 1 ? "," : "").append(randomValue(rnd, depth + 1));
                yield a.append(']').toString();
            }
        };
    }
}
