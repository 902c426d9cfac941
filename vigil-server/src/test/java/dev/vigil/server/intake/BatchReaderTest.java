package dev.vigil.server.intake;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lines are split, numbered, skipped and checked as a byte-at-a-time reading would, wherever they fall. */
class BatchReaderTest {

    private final BatchReader reader = new BatchReader(64L << 20, 1 << 20, 100_000);

    @Test
    void splitsRandomBodiesAsAPlainSplitWould() throws Exception {
        SplittableRandom rnd = new SplittableRandom(5);
        String[] pieces = {"{\"a\":1}", "x", "", " ", "\t", "caf\u00e9", "\u65e5\u672c", "\r", "y".repeat(70_000), "z".repeat(7), "w".repeat(9)};
        for (int round = 0; round < 300; round++) {
            StringBuilder body = new StringBuilder();
            for (int k = rnd.nextInt(0, 40); k > 0; k--) {
                body.append(pieces[rnd.nextInt(pieces.length)]);
                if (rnd.nextInt(3) > 0) body.append('\n');
            }
            byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
            List<String> expected = reference(body.toString());
            for (boolean gzip : new boolean[] {false, true}) {
                List<String> got = new ArrayList<>();
                for (BatchReader.Line l : reader.read(new ByteArrayInputStream(gzip ? gzip(bytes) : bytes), gzip)) {
                    got.add(l.number() + ":" + l.text());
                }
                assertThat(got).as("gzip %s, body %s", gzip, body.length() > 200 ? body.substring(0, 200) : body).isEqualTo(expected);
            }
        }
    }

    @Test
    void findsNewlinesAtEveryAlignmentAndNonAsciiAnywhere() {
        for (int len = 0; len < 40; len++) {
            byte[] b = "a".repeat(len).getBytes(StandardCharsets.US_ASCII);
            assertThat(BatchReader.newline(b, 0, len)).isEqualTo(-1);
            assertThat(BatchReader.ascii(b)).isTrue();
            for (int at = 0; at < len; at++) {
                byte[] c = b.clone();
                c[at] = '\n';
                assertThat(BatchReader.newline(c, 0, len)).isEqualTo(at);
                assertThat(BatchReader.newline(c, at + 1, len)).isEqualTo(-1);
                c[at] = (byte) 0x8a; // 0x0a with the high bit: not a newline, not ASCII
                assertThat(BatchReader.newline(c, 0, len)).isEqualTo(-1);
                assertThat(BatchReader.ascii(c)).isFalse();
            }
        }
    }

    @Test
    void aLineThatIsNotUtf8IsRefusedWithItsNumber() {
        byte[] body = ("{\"ok\":\"caf\u00e9\"}\n\n{\"bad\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] bad = new byte[body.length + 3];
        System.arraycopy(body, 0, bad, 0, body.length);
        bad[body.length] = (byte) 0xC3; // a lead byte with no continuation
        bad[body.length + 1] = '"';
        bad[body.length + 2] = '}';
        assertThatThrownBy(() -> reader.read(new ByteArrayInputStream(bad), false))
                .isInstanceOf(IntakeException.class).hasMessage("line 3 is not valid UTF-8");
    }

    /** Lines as a plain split numbers them: CR before LF dropped, blank (spaces and tabs) ones skipped. */
    private static List<String> reference(String body) {
        List<String> out = new ArrayList<>();
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].endsWith("\r") ? lines[i].substring(0, lines[i].length() - 1) : lines[i];
            if (l.chars().allMatch(c -> c == ' ' || c == '\t')) continue;
            out.add((i + 1) + ":" + l);
        }
        return out;
    }

    private static byte[] gzip(byte[] b) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(b);
        }
        return out.toByteArray();
    }
}
