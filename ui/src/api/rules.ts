/**
 * GENERATED FILE, DO NOT EDIT: run `npm run generate` (scripts/generate.ts).
 *
 * The server's validation patterns, from its OpenAPI document, for the panel to check what the
 * admin types before the server does.
 */

/** A directory name, as src/config/schema.ts checks it. */
export const DIRECTORY_NAME = new RegExp("^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$");

/** An LDAP attribute name (RFC 4512), as src/config/attribute-name.ts checks it. */
export const ATTRIBUTE_NAME = new RegExp("^(?:[A-Za-z][A-Za-z0-9-]*|(?:0|[1-9]\\d*)(?:\\.(?:0|[1-9]\\d*))+)(?:;[A-Za-z0-9-]+)*$");

/** A directory server URL, as src/config/server-url.ts checks it. */
export const SERVER_URL = new RegExp("^[lL][dD][aA][pP][sS]?:\\/\\/(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*))(?::(\\d{1,5}))?\\/?$");
