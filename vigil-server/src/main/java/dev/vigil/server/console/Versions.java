package dev.vigil.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The WebJar versions the build pinned, so asset paths follow a version bump in the POM alone. */
final class Versions {

    static final String HTMX, ECHARTS, CYTOSCAPE;

    static {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("webjars.properties")) {
            p.load(in);
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("webjars.properties missing from the build", e);
        }
        HTMX = p.getProperty("htmx");
        ECHARTS = p.getProperty("echarts");
        CYTOSCAPE = p.getProperty("cytoscape");
    }

    private Versions() {}
}
