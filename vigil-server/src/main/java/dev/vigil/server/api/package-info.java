/**
 * The REST API of {@code vigil server}: routes, authentication by API key, error bodies, JSON forms.
 *
 * <p>Start at {@link dev.vigil.server.api.Api}: {@link dev.vigil.server.api.Api.Route} is the table
 * of every route (method and path template) and {@code Api.handler} holds one handler per route.
 * The contract is {@code dev/vigil/server/openapi.yaml} (served at {@code /api/v1/openapi.yaml});
 * {@code OpenApiTest} fails when the table and the document disagree. {@code ApiJson} writes the
 * JSON forms (never a secret); {@link dev.vigil.server.api.HttpError} carries a status and a
 * message safe to show the caller. docs/api.md is the overview for users.
 */
package dev.vigil.server.api;
