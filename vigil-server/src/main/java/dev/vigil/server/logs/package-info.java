/**
 * Log files read from the server's host: {@link dev.vigil.server.logs.FileTailer} follows files
 * through rotation and restarts and hands their lines, in batches, to intake, which normalises
 * them with {@code dev.vigil.detect.normalize.Normalizer}.
 */
package dev.vigil.server.logs;
