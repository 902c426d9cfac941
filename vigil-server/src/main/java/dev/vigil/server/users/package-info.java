/**
 * Console users: accounts with a role, passwords hashed with Argon2id, login sessions with a CSRF
 * token each, and the throttle that slows down password guessing. The console authenticates
 * people with these; the REST API keeps its own API keys.
 */
package dev.vigil.server.users;
