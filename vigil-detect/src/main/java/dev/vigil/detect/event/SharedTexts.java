package dev.vigil.detect.event;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.node.TextNode;

import java.io.IOException;

/**
 * Short string values shared between the events the projected decode reads: the same
 * {@code source}, event name, user, address or binary path, decoded from thousands of events, is
 * one {@link TextNode} (and one {@code String}) instead of one per event.
 *
 * <p>Why: detection looks these values up in maps (the rule index by source and event name,
 * literal groups, group state, entities) and compares them with one another. A string made fresh
 * for each event has its hash computed and its bytes read from memory at each lookup; a shared
 * one that detection met a moment ago has its hash cached and sits in the CPU's cache, and equal
 * values are the same object, which map lookups and {@code equals} check first. Events also take
 * less heap.
 *
 * <p>A direct-mapped table of {@value #SIZE} entries: a value is looked up by its hash straight
 * from the parser's character buffer (a hit allocates nothing) and replaces whatever held its
 * entry on a miss, so rare values (ids, timestamps) come and go while frequent ones stay. Values
 * longer than {@value #MAX_LENGTH} characters are not shared. Bounded: at most {@value #SIZE}
 * entries of at most {@value #MAX_LENGTH} characters (about 2 MB).
 *
 * <p>Thread-safe without locks: entries are immutable ({@code TextNode} and {@code String} hold
 * their content in final fields) and a reader compares an entry's content before using it, so a
 * race between two decodes costs at most a miss.
 */
final class SharedTexts {

    static final int SIZE = 1 << 14;
    static final int MAX_LENGTH = 64;

    private static final TextNode[] TABLE = new TextNode[SIZE];

    private SharedTexts() {}

    /** The string value the parser is at, as a node: the shared one when there is one. */
    static TextNode node(JsonParser p) throws IOException {
        int length = p.getTextLength();
        if (length > MAX_LENGTH) return new TextNode(p.getText());
        char[] chars = p.getTextCharacters();
        int offset = p.getTextOffset();
        int h = 0;
        for (int i = 0; i < length; i++) h = 31 * h + chars[offset + i];
        int slot = (h ^ (h >>> 14)) & (SIZE - 1);
        TextNode shared = TABLE[slot];
        if (shared != null && same(shared.textValue(), chars, offset, length)) return shared;
        TextNode made = new TextNode(new String(chars, offset, length));
        TABLE[slot] = made;
        return made;
    }

    /** The string value the parser is at: the shared one when there is one. */
    static String text(JsonParser p) throws IOException {
        return node(p).textValue();
    }

    private static boolean same(String s, char[] chars, int offset, int length) {
        if (s.length() != length) return false;
        for (int i = 0; i < length; i++) if (s.charAt(i) != chars[offset + i]) return false;
        return true;
    }
}
