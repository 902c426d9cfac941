package dev.vigil.server.intake;

import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;

import java.util.Set;

/**
 * Tells the web server that gzip request bodies are welcome but leaves them compressed: the
 * intake inflates them itself, so that its size limit applies to the inflated bytes (a small
 * gzip bomb is refused once it inflates past the limit) and a corrupt stream names its line.
 */
public final class GzipPassThrough implements ContentEncoding {

    @Override public Set<String> ids() { return Set.of("gzip"); }

    @Override public boolean supportsEncoding() { return false; }

    @Override public boolean supportsDecoding() { return true; }

    @Override public ContentDecoder decoder() { return ContentDecoder.NO_OP; }

    @Override public ContentEncoder encoder() { return ContentEncoder.NO_OP; }

    @Override public String name() { return "gzip-pass-through"; }

    @Override public String type() { return "gzip"; }
}
