package dev.vigil.server.store;

import dev.vigil.detect.signal.ArchiveReason;
import dev.vigil.detect.signal.Severity;
import dev.vigil.detect.signal.Signal;
import dev.vigil.detect.signal.SignalStatus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static dev.vigil.server.store.TestSignals.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every signal search does. Most tests store a seeded random set of signals and compare the
 * store's answer to each query with a plain in-memory evaluation of the same query
 * ({@link #expected}), so filters, sorts, paging and facets are checked together and in
 * combination; a few spell out cases by hand.
 */
abstract class SignalSearchContract extends StoreTestCase {

    private static final Logger log = LoggerFactory.getLogger(SignalSearchContract.class);
    /** Seed of the random signal set; failures print it. Override with -Dvigil.test.seed=N. */
    static final long SEED = Long.getLong("vigil.test.seed", 20270115L);

    static final List<String> RULES = List.of("rule-miner", "rule-shell", "rule-ssh", "rule-kmod");
    static final List<String> RULE_NAMES = List.of("Crypto Miner", "Shell from Java", "SSH key added", "Kernel module loaded");
    static final List<String> TACTICS = List.of("TA0040", "TA0002", "TA0003", "");
    static final List<String> HOSTS = List.of("web-1", "web-2", "db-1", "bastion", "ci-7");
    static final List<String> IMAGES = List.of("acme/web:1.0", "acme/api:2.1", "postgres:16");
    static final List<String> USERS = List.of("root", "www-data", "alice");
    static final List<String> TITLE_WORDS = List.of("Miner", "MINER", "shell", "100%", "a_b", "ÉCOLE", "plain");

    SignalStore signals() {
        return store.signals();
    }

    /** Stores {@code n} random signals (ties in times and counts on purpose), triaged at random; returns them as stored. */
    List<Signal> storeRandomSignals(int n) {
        Random r = new Random(SEED);
        List<Signal> batch = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int rule = r.nextInt(RULES.size());
            long last = T0 - 1_000L * r.nextInt(n / 2 + 1);
            var b = signal(String.format("sig-%03d", i))
                    .rule(RULES.get(rule), RULE_NAMES.get(rule))
                    .title(TITLE_WORDS.get(r.nextInt(TITLE_WORDS.size())) + " on " + i)
                    .severity(Severity.values()[r.nextInt(Severity.values().length)])
                    .tactic(TACTICS.get(r.nextInt(TACTICS.size())), "T1")
                    .seen(last - 1_000L * r.nextInt(5), last)
                    .count(1 + r.nextInt(6))
                    .host(HOSTS.get(r.nextInt(HOSTS.size())));
            if (r.nextBoolean()) b.host(HOSTS.get(r.nextInt(HOSTS.size())) + "-b");
            if (r.nextInt(3) > 0) b.entity(EntityKind.IMAGE, IMAGES.get(r.nextInt(IMAGES.size())));
            if (r.nextBoolean()) b.entity(EntityKind.USER, USERS.get(r.nextInt(USERS.size())));
            if (r.nextInt(4) == 0) b.entity(EntityKind.SERVICE, "svc-" + r.nextInt(2));
            batch.add(b.build());
        }
        signals().applyEngineUpdates(batch, DetectionCheckpoint.at(n));
        for (Signal s : batch) {
            switch (r.nextInt(4)) {
                case 0 -> signals().changeStatus(s.id(), SignalStatus.UNDER_REVIEW, null, "alice", null);
                case 1 -> signals().changeStatus(s.id(), SignalStatus.ARCHIVED, ArchiveReason.FALSE_POSITIVE, "alice", null);
                default -> { }
            }
        }
        return batch.stream().map(s -> signals().get(s.id()).orElseThrow()).toList();
    }

    // ---- the reference evaluation

    static boolean matches(SignalQuery q, Signal s, String omitFacet) {
        if (!q.statuses().isEmpty() && !"status".equals(omitFacet) && !q.statuses().contains(s.status())) return false;
        if (!q.severities().isEmpty() && !"severity".equals(omitFacet) && !q.severities().contains(s.severity())) return false;
        if (!q.ruleIds().isEmpty() && !"rule".equals(omitFacet) && !q.ruleIds().contains(s.ruleId())) return false;
        if (q.tactic() != null && !"tactic".equals(omitFacet) && !q.tactic().equals(s.tactic())) return false;
        if (q.text() != null && !SignalRows.searchText(s).contains(SignalRows.fold(q.text()))) return false;
        for (SignalQuery.Entity e : q.entities()) {
            if (e.kind().id().equals(omitFacet)) continue;
            if (!e.kind().valuesIn(s.entities()).contains(e.value())) return false;
        }
        if (q.lastSeenFrom() != null && s.lastSeen() < q.lastSeenFrom()) return false;
        return q.lastSeenTo() == null || s.lastSeen() < q.lastSeenTo();
    }

    static Comparator<Signal> order(SignalQuery q) {
        Comparator<Signal> c = switch (q.sort()) {
            case LAST_SEEN -> Comparator.comparingLong(Signal::lastSeen);
            case FIRST_SEEN -> Comparator.comparingLong(Signal::firstSeen);
            case SEVERITY -> Comparator.<Signal>comparingInt(s -> SignalRows.rank(s.severity())).thenComparingLong(Signal::lastSeen);
            case COUNT -> Comparator.comparingLong(Signal::count);
        };
        c = c.thenComparing(Signal::id);
        return q.ascending() ? c : c.reversed();
    }

    static List<String> expected(List<Signal> all, SignalQuery q) {
        return all.stream().filter(s -> matches(q, s, null)).sorted(order(q)).map(Signal::id).toList();
    }

    static Map<String, Long> expectedFacet(List<Signal> all, SignalQuery q, String facet) {
        Function<Signal, List<String>> values = switch (facet) {
            case "severity" -> s -> List.of(s.severity().id());
            case "status" -> s -> List.of(s.status().id());
            case "rule" -> s -> List.of(s.ruleId());
            case "tactic" -> s -> s.tactic().isEmpty() ? List.of() : List.of(s.tactic());
            default -> s -> EntityKind.parse(facet).valuesIn(s.entities());
        };
        Map<String, Long> counts = all.stream().filter(s -> matches(q, s, facet)).flatMap(s -> values.apply(s).stream())
                .collect(Collectors.groupingBy(v -> v, Collectors.counting()));
        Comparator<String> tie = facet.equals("severity")
                ? Comparator.comparingInt(v -> SignalRows.rank(Severity.parse(v))) : Comparator.naturalOrder();
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey(tie)))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    static List<SignalQuery> queries() {
        List<SignalQuery> qs = new ArrayList<>();
        for (SignalSort sort : SignalSort.values()) {
            qs.add(SignalQuery.builder().sort(sort, false).limit(1000).build());
            qs.add(SignalQuery.builder().sort(sort, true).limit(1000).build());
        }
        qs.add(SignalQuery.builder().status(SignalStatus.OPEN).build());
        qs.add(SignalQuery.builder().status(SignalStatus.OPEN, SignalStatus.UNDER_REVIEW).severity(Severity.HIGH, Severity.CRITICAL).build());
        qs.add(SignalQuery.builder().rule("rule-ssh", "rule-kmod").sort(SignalSort.SEVERITY, false).build());
        qs.add(SignalQuery.builder().tactic("TA0002").sort(SignalSort.COUNT, true).build());
        qs.add(SignalQuery.builder().text("miner").build());
        qs.add(SignalQuery.builder().text("crypto m").build());
        qs.add(SignalQuery.builder().text("100%").build());
        qs.add(SignalQuery.builder().text("a_b").build());
        qs.add(SignalQuery.builder().text("école").build());
        qs.add(SignalQuery.builder().text("%").build());
        qs.add(SignalQuery.builder().entity(EntityKind.HOST, "web-1").build());
        qs.add(SignalQuery.builder().entity(EntityKind.HOST, "web-1").entity(EntityKind.USER, "root").build());
        qs.add(SignalQuery.builder().entity(EntityKind.IMAGE, "acme/web:1.0").status(SignalStatus.ARCHIVED).build());
        qs.add(SignalQuery.builder().lastSeen(T0 - 40_000, T0 - 10_000).build());
        qs.add(SignalQuery.builder().lastSeen(T0 - 40_000, null).sort(SignalSort.FIRST_SEEN, true).build());
        qs.add(SignalQuery.builder().lastSeen(null, T0 - 40_000).severity(Severity.LOW).build());
        qs.add(SignalQuery.builder().status(SignalStatus.OPEN).severity(Severity.MEDIUM).rule("rule-miner").tactic("TA0040")
                .entity(EntityKind.HOST, "web-2").text("on").lastSeen(T0 - 100_000, T0).build());
        qs.add(SignalQuery.builder().entity(EntityKind.HOST, "nowhere").build());
        return qs;
    }

    // ---- tests

    @Test
    void everyFilterSortAndCombinationMatchesTheReference() {
        List<Signal> all = storeRandomSignals(120);
        for (SignalQuery q : queries()) {
            List<String> want = expected(all, q);
            SignalPage page = signals().search(q);
            assertThat(page.items()).as("seed %d, %s", SEED, q).extracting(Signal::id)
                    .containsExactlyElementsOf(want.subList(0, Math.min(q.limit(), want.size())));
            assertThat(page.total()).as("seed %d, total of %s", SEED, q).isEqualTo(want.size());
            assertThat(page.nextCursor()).as("seed %d, cursor of %s", SEED, q).isEqualTo(want.size() > q.limit() ? page.nextCursor() : null);
        }
    }

    @Test
    void keysetAndOffsetPagingVisitEverySignalOnceInOrder() {
        List<Signal> all = storeRandomSignals(120);
        for (SignalQuery base : List.of(SignalQuery.all(), SignalQuery.builder().sort(SignalSort.COUNT, true).build(),
                SignalQuery.builder().sort(SignalSort.SEVERITY, false).status(SignalStatus.OPEN).build(),
                SignalQuery.builder().sort(SignalSort.FIRST_SEEN, false).text("on").build())) {
            List<String> want = expected(all, base.toBuilder().limit(1000).build());

            List<String> byCursor = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                SignalPage page = signals().search(base.toBuilder().limit(7).cursor(cursor).build());
                assertThat(page.total()).isEqualTo(want.size());
                page.items().forEach(s -> byCursor.add(s.id()));
                cursor = page.nextCursor();
                assertThat(++pages).as("pages of %s", base).isLessThan(100);
            } while (cursor != null);
            assertThat(byCursor).as("seed %d, keyset pages of %s", SEED, base).containsExactlyElementsOf(want);

            List<String> byOffset = new ArrayList<>();
            for (int offset = 0; offset < want.size(); offset += 7) {
                signals().search(base.toBuilder().limit(7).offset(offset).build()).items().forEach(s -> byOffset.add(s.id()));
            }
            assertThat(byOffset).as("seed %d, offset pages of %s", SEED, base).containsExactlyElementsOf(want);
        }
    }

    @Test
    void aCursorOnlyWorksWithTheSortItWasMadeFor() {
        signals().applyEngineUpdates(List.of(signal("sig-1").build(), signal("sig-2").build()), DetectionCheckpoint.at(1));
        String cursor = signals().search(SignalQuery.builder().limit(1).build()).nextCursor();
        assertThat(cursor).isNotNull();

        assertThatThrownBy(() -> signals().search(SignalQuery.builder().sort(SignalSort.COUNT, false).cursor(cursor).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("last_seen:desc").hasMessageContaining("count:desc");
        assertThatThrownBy(() -> signals().search(SignalQuery.builder().cursor("not-a-cursor!").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a signal search cursor");
        assertThatThrownBy(() -> SignalQuery.builder().cursor(cursor).offset(10).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> SignalQuery.builder().limit(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit must be 1..1000");
    }

    @Test
    void textSearchIgnoresCaseInTitleAndRuleNameAndTakesWildcardsLiterally() {
        signals().applyEngineUpdates(List.of(
                signal("sig-1").title("XMRig started").rule("r1", "Crypto Miner").build(),
                signal("sig-2").title("Disk 100% full").rule("r2", "Disk").build(),
                signal("sig-3").title("Disk 1000 full").rule("r3", "Disk").build(),
                signal("sig-4").title("file a_b.txt").rule("r4", "Files").build(),
                signal("sig-5").title("file axb.txt").rule("r5", "Files").build()), DetectionCheckpoint.at(1));

        assertThat(ids(SignalQuery.builder().text("crypto MINER"))).containsExactly("sig-1");
        assertThat(ids(SignalQuery.builder().text("xmrig"))).containsExactly("sig-1");
        assertThat(ids(SignalQuery.builder().text("100%"))).containsExactly("sig-2");
        assertThat(ids(SignalQuery.builder().text("a_b"))).containsExactly("sig-4");
        assertThat(ids(SignalQuery.builder().text("   "))).hasSize(5);
        // the title and the rule name are searched apart, not as one string
        assertThat(ids(SignalQuery.builder().text("started crypto"))).isEmpty();
    }

    @Test
    void textSearchFollowsRetitledAndPurgedSignalsAndTakesQuotesLiterally() {
        signals().applyEngineUpdates(List.of(
                signal("sig-1").title("curl | sh from \"pastebin\"").rule("r1", "Remote script").lastSeen(T0 - 1_000).build(),
                signal("sig-2").title("Old name of sig-2").rule("r2", "Disk").lastSeen(T0 - 1_000).build(),
                signal("sig-3").title("old name, purged").rule("r3", "Disk").lastSeen(T0 - 90_000).build()), DetectionCheckpoint.at(1));
        assertThat(ids(SignalQuery.builder().text("\"pastebin\""))).containsExactly("sig-1");
        assertThat(ids(SignalQuery.builder().text("bin\" "))).isEmpty();
        assertThat(ids(SignalQuery.builder().text("old name"))).containsExactlyInAnyOrder("sig-2", "sig-3");

        // detection rewrites a signal (new title); the index follows, and an unchanged text stays found
        signals().applyEngineUpdates(List.of(signal("sig-2").title("Renamed signal").rule("r2", "Disk").count(2).lastSeen(T0).build(),
                signal("sig-1").title("curl | sh from \"pastebin\"").rule("r1", "Remote script").count(2).lastSeen(T0).build()),
                DetectionCheckpoint.at(2));
        assertThat(ids(SignalQuery.builder().text("renamed"))).containsExactly("sig-2");
        assertThat(ids(SignalQuery.builder().text("old name"))).containsExactly("sig-3");
        assertThat(ids(SignalQuery.builder().text("pastebin"))).containsExactly("sig-1");

        // retention removes purged signals from the index too
        assertThat(signals().purgeSignalsLastSeenBefore(T0 - 10_000)).isEqualTo(1);
        assertThat(ids(SignalQuery.builder().text("old name"))).isEmpty();
        assertThat(ids(SignalQuery.builder().text("disk"))).containsExactly("sig-2");
    }

    @Test
    void facetsCountTheMatchingSignalsIgnoringTheirOwnFilter() {
        List<Signal> all = storeRandomSignals(120);
        Set<String> names = Set.of("severity", "status", "rule", "tactic", "host", "image", "service", "user");
        for (SignalQuery q : List.of(SignalQuery.all(),
                SignalQuery.builder().status(SignalStatus.OPEN).severity(Severity.HIGH).build(),
                SignalQuery.builder().entity(EntityKind.HOST, "web-1").rule("rule-miner").tactic("TA0040").build(),
                SignalQuery.builder().text("miner").lastSeen(T0 - 50_000, T0).build())) {
            Map<String, Map<String, Long>> facets = signals().facets(q, names);
            assertThat(facets.keySet()).containsExactlyInAnyOrderElementsOf(names);
            for (String name : names) {
                assertThat(facets.get(name)).as("seed %d, facet %s of %s", SEED, name, q)
                        .containsExactlyEntriesOf(expectedFacet(all, q, name));
            }
        }
    }

    @Test
    void facetsByHand() {
        signals().applyEngineUpdates(List.of(
                signal("sig-1").severity(Severity.HIGH).host("web-1").tactic("TA0002", "T1").build(),
                signal("sig-2").severity(Severity.HIGH).host("web-1", "web-2").tactic("", "").build(),
                signal("sig-3").severity(Severity.LOW).host("web-2").tactic("TA0002", "T1").build()), DetectionCheckpoint.at(1));
        signals().changeStatus("sig-3", SignalStatus.ARCHIVED, ArchiveReason.TESTING, "alice", null);

        Map<String, Map<String, Long>> f = signals().facets(
                SignalQuery.builder().status(SignalStatus.OPEN).build(), Set.of("status", "severity", "host", "tactic"));

        assertThat(f.get("status")).containsExactly(Map.entry("open", 2L), Map.entry("archived", 1L));
        assertThat(f.get("severity")).containsExactly(Map.entry("high", 2L));
        assertThat(f.get("host")).containsExactly(Map.entry("web-1", 2L), Map.entry("web-2", 1L));
        assertThat(f.get("tactic")).containsExactly(Map.entry("TA0002", 1L));
        assertThatThrownBy(() -> signals().facets(SignalQuery.all(), Set.of("colour")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown facet `colour`").hasMessageContaining("host");
    }

    /**
     * 100,000 signals (300,000 entity rows) stored in batches of 1,000 as the engine would; filtered
     * pages, deep keyset pages, facets and a multi-batch purge must still be right. Timings are
     * logged, not asserted.
     */
    @Test
    @Tag("slow")
    void hundredThousandSignals() {
        int n = 100_000;
        long t = System.nanoTime();
        List<Signal> batch = new ArrayList<>(1000);
        for (int i = 0; i < n; i++) {
            batch.add(bulk(i));
            if (batch.size() == 1000) {
                signals().applyEngineUpdates(batch, DetectionCheckpoint.at(i + 1));
                batch.clear();
            }
        }
        log.info("{}: stored {} signals in {} ms", dialect(), n, (System.nanoTime() - t) / 1_000_000);
        List<Signal> all = Stream.iterate(0, i -> i + 1).limit(n).map(SignalSearchContract::bulk).toList();

        List<SignalQuery> qs = List.of(
                SignalQuery.builder().status(SignalStatus.OPEN).severity(Severity.HIGH, Severity.CRITICAL).rule("rule-7", "rule-8")
                        .lastSeen(T0 - 60_000_000L, T0 - 1_000_000L).build(),
                SignalQuery.builder().entity(EntityKind.HOST, "host-123").sort(SignalSort.COUNT, false).build(),
                SignalQuery.builder().text("miner").entity(EntityKind.USER, "user-3").sort(SignalSort.SEVERITY, false).build(),
                SignalQuery.builder().sort(SignalSort.FIRST_SEEN, true).offset(90_000).build(),
                SignalQuery.all());
        for (SignalQuery q : qs) {
            t = System.nanoTime();
            SignalPage page = signals().search(q);
            log.info("{}: {} -> {} of {} in {} ms", dialect(), q, page.items().size(), page.total(), (System.nanoTime() - t) / 1_000_000);
            List<String> want = expected(all, q);
            assertThat(page.total()).as("%s", q).isEqualTo(want.size());
            assertThat(page.items()).as("%s", q).extracting(Signal::id)
                    .containsExactlyElementsOf(want.subList(Math.min(q.offset(), want.size()), Math.min(q.offset() + q.limit(), want.size())));
        }

        // three keyset pages deep into a filtered sort
        SignalQuery q = SignalQuery.builder().severity(Severity.LOW).sort(SignalSort.COUNT, true).limit(100).build();
        List<String> want = expected(all, q.toBuilder().limit(1000).build()).subList(0, 300);
        List<String> got = new ArrayList<>();
        String cursor = null;
        t = System.nanoTime();
        for (int p = 0; p < 3; p++) {
            SignalPage page = signals().search(q.toBuilder().cursor(cursor).build());
            page.items().forEach(s -> got.add(s.id()));
            cursor = page.nextCursor();
        }
        log.info("{}: 3 keyset pages in {} ms", dialect(), (System.nanoTime() - t) / 1_000_000);
        assertThat(got).containsExactlyElementsOf(want);

        t = System.nanoTime();
        SignalQuery fq = SignalQuery.builder().status(SignalStatus.OPEN).rule("rule-7").build();
        Map<String, Map<String, Long>> facets = signals().facets(fq, Set.of("severity", "host", "image"));
        log.info("{}: facets in {} ms", dialect(), (System.nanoTime() - t) / 1_000_000);
        assertThat(facets.get("severity")).containsExactlyEntriesOf(expectedFacet(all, fq, "severity"));
        assertThat(facets.get("image")).containsExactlyEntriesOf(expectedFacet(all, fq, "image"));
        assertThat(facets.get("host")).hasSize(20).allSatisfy((host, count) -> assertThat(count).isEqualTo(100));

        t = System.nanoTime();
        List<Signal> ofImage = signals().byEntity(EntityKind.IMAGE, "img-5", 10);
        log.info("{}: byEntity in {} ms", dialect(), (System.nanoTime() - t) / 1_000_000);
        assertThat(ofImage).extracting(Signal::id).containsExactlyElementsOf(
                expected(all, SignalQuery.builder().entity(EntityKind.IMAGE, "img-5").build()).subList(0, 10));

        t = System.nanoTime();
        assertThat(signals().purgeSignalsLastSeenBefore(T0 - 50_000L * 1000 + 1)).isEqualTo(n / 2);
        log.info("{}: purged {} in {} ms", dialect(), n / 2, (System.nanoTime() - t) / 1_000_000);
        assertThat(signals().search(SignalQuery.all()).total()).isEqualTo(n / 2);
        assertThat(rows("signal_entities")).isEqualTo(3L * n / 2);
        assertThat(rows("signal_history")).isEqualTo(n / 2);
    }

    /** Signal {@code i} of the 100k set: every value derived from {@code i}, so the test can recompute the set. */
    static Signal bulk(int i) {
        return signal(String.format("sig-%06d", i))
                .rule("rule-" + i % 50, "Rule " + i % 50)
                .title("Signal " + i + (i % 10 == 0 ? " Miner" : ""))
                .severity(Severity.values()[i % 5])
                .seen(T0 - i * 1000L - (i % 7) * 500L, T0 - i * 1000L)
                .count(i % 100)
                .tactic(TACTICS.get(i % TACTICS.size()), "T1")
                .host("host-" + i % 1000)
                .entity(EntityKind.IMAGE, "img-" + i % 37)
                .entity(EntityKind.USER, "user-" + i % 13)
                .samples(List.of())
                .build();
    }

    private List<String> ids(SignalQuery.Builder q) {
        return signals().search(q.build()).items().stream().map(Signal::id).toList();
    }
}
