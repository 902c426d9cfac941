package dev.vigil.detect.query;

import java.util.ArrayList;
import java.util.List;

/**
 * A read-only view of a compiled {@link Query}, for code that translates queries into something
 * else (an event index's own query language) and must know exactly what each condition means.
 * It mirrors the compiled tree: nested {@code AND}/{@code OR} already flattened, {@code *} folded
 * away, conditions of one {@code OR} on the same field merged into {@link AnyOf}. Matching stays
 * the job of {@link Query#matches}; a translation that cannot express a condition exactly should
 * widen it and let the real matcher decide.
 */
public sealed interface Clause {

    /** Every event ({@code *}, an empty query). */
    record All() implements Clause {}

    /** Every operand holds. */
    record And(List<Clause> operands) implements Clause {
        public And { operands = List.copyOf(operands); }
    }

    /** Some operand holds. */
    record Or(List<Clause> operands) implements Clause {
        public Or { operands = List.copyOf(operands); }
    }

    /** The operand does not hold (on a multi-valued field: no value satisfies it). */
    record Not(Clause operand) implements Clause {}

    /**
     * Full text: the message contains the pattern, ignoring case (each character compared through
     * {@link Character#toLowerCase(char)}).
     *
     * @param text  the pattern, unescaped, as written
     * @param kinds same length as {@code text}: per character {@code 'L'} literal, {@code '*'} any run
     *              of characters, {@code '?'} one code point
     */
    record Text(String text, String kinds) implements Clause {
        public boolean hasWildcards() { return kinds.indexOf('*') >= 0 || kinds.indexOf('?') >= 0; }
    }

    /** Some value of {@code field} satisfies {@code value}. */
    record FieldIs(Field field, Value value) implements Clause {}

    /** {@code field:*}, {@code _exists_:field}: the field has a value (see docs/search-syntax.md, Existence). */
    record Exists(Field field) implements Clause {}

    /** What a condition looks at. */
    sealed interface Field {}

    /**
     * A reserved attribute: {@code host}, {@code source}, {@code service}, {@code status} or
     * {@code message}, compared as the event's string (empty when unknown).
     */
    record Reserved(String name) implements Field {}

    /**
     * A free-form attribute by dotted path. Arrays on the way fan out (any element); literal dotted
     * keys at any level are honoured ({@code {"usr.name": ...}} as well as {@code {"usr": {"name": ...}}}).
     * Values are the JSON leaves found there (objects never are).
     */
    record Attribute(String path) implements Field {}

    /**
     * Tags. With a key ({@code env:prod}), the value parts of the tags {@code key:value}; without
     * one ({@code tags:env:prod}, {@code key} is null), whole tags.
     */
    record Tag(String key) implements Field {}

    /** A value condition. */
    sealed interface Value {}

    /**
     * Equal text; for a JSON number or boolean (attributes only), equal value. Strings compare as
     * text only ({@code 22} matches {@code "22"}, not {@code "22.0"}).
     *
     * @param number when the text spells a number: a {@link Long} when it is an integer that fits 64
     *               bits (compared exactly with integral JSON numbers, as a double with others), else
     *               a {@link Double} (compared as doubles); null otherwise
     * @param bool   when the text is {@code true} or {@code false}, matching JSON booleans; null otherwise
     */
    record Exact(String text, Number number, Boolean bool) implements Value {}

    /**
     * A pattern over the whole value, case-sensitive: per character of {@code text},
     * {@code kinds} says {@code 'L'} literal, {@code '*'} any run, {@code '?'} one code point.
     * JSON numbers and booleans are matched by their text.
     */
    record Pattern(String text, String kinds) implements Value {}

    /** A numeric interval (numbers, and strings that spell numbers); a null bound is open. */
    record Range(String low, boolean lowInclusive, String high, boolean highInclusive) implements Value {}

    /** A textual IPv4 or IPv6 address inside one of the blocks. */
    record Cidr(List<String> blocks) implements Value {
        public Cidr { blocks = List.copyOf(blocks); }
    }

    /** Any of several values on one field. */
    record AnyOf(List<Value> members) implements Value {
        public AnyOf { members = List.copyOf(members); }
    }

    /** The view of a compiled tree. */
    static Clause of(Node n) {
        return switch (n) {
            case Node.All a -> new All();
            case Node.And a -> new And(a.operands.stream().map(Clause::of).toList());
            case Node.Or o -> new Or(o.operands.stream().map(Clause::of).toList());
            case Node.Not not -> new Not(of(not.operand()));
            case Node.Text t -> new Text(t.term().text(), t.term().kinds());
            case Node.Field f -> new FieldIs(field(f.target()), value(f.matcher()));
            case Node.Exists e -> new Exists(field(e.target()));
            case Node.Memo m -> of(m.leaf()); // a memoised leaf (bound queries) reads as the leaf itself
        };
    }

    private static Field field(Target t) {
        return switch (t) {
            case Target.Reserved r -> new Reserved(r.field());
            case Target.Attribute a -> new Attribute(a.path().dotted());
            case Target.Tag tag -> new Tag(tag.key());
        };
    }

    private static Value value(Matcher m) {
        return switch (m) {
            case Matcher.Exact e -> new Exact(e.text(), e.number() == null ? null
                    : e.number().integral() ? (Number) e.number().exact() : (Number) e.number().value(), e.bool());
            case Matcher.Pattern p -> new Pattern(p.wildcard().text(), p.wildcard().kinds());
            case Matcher.Range r -> new Range(r.low() == null ? null : r.low().text(), r.lowInclusive(),
                    r.high() == null ? null : r.high().text(), r.highInclusive());
            case Matcher.CidrSet c -> {
                List<String> blocks = new ArrayList<>();
                for (var b : c.blocks()) blocks.add(b.toString());
                yield new Cidr(blocks);
            }
            case Matcher.AnyOf any -> {
                List<Value> members = new ArrayList<>();
                for (Matcher x : any.members()) members.add(value(x));
                yield new AnyOf(members);
            }
        };
    }
}
