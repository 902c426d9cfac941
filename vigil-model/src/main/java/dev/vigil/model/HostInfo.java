package dev.vigil.model;

import java.util.List;

/** The host an event happened on: name, kernel release, and operator-configured tags ({@code env:prod}). */
public record HostInfo(String name, String kernel, List<String> tags) {

    public static final HostInfo NONE = new HostInfo("", "", List.of());

    public HostInfo {
        name = name == null ? "" : name;
        kernel = kernel == null ? "" : kernel;
        tags = tags == null ? List.of() : List.copyOf(tags);
    }
}
