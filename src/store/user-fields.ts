/**
 * The names the API, run reports and the panel give the store's user columns, defined once:
 * the admin API's user routes (PATCH fields, `editableFields`), the CLI's `users set` and the
 * sync's planned changes (`attributes: { fullName: { before, after } }`) all read them here.
 */
export const USER_FIELD_NAMES = {
  username: 'username',
  aliases: 'aliases',
  full_name: 'fullName',
  first_name: 'firstName',
  last_name: 'lastName',
  email: 'email',
  phones: 'phones',
  notes: 'notes',
  status: 'status',
  dn: 'dn',
  sync_item: 'syncItem',
} as const;

export type UserColumn = keyof typeof USER_FIELD_NAMES;
export type UserFieldName = (typeof USER_FIELD_NAMES)[UserColumn];

/** The API names of these columns, in their order. */
export function userFieldNames<C extends UserColumn>(columns: readonly C[]): { [K in C]: (typeof USER_FIELD_NAMES)[K] } {
  return Object.fromEntries(columns.map((c) => [c, USER_FIELD_NAMES[c]])) as { [K in C]: (typeof USER_FIELD_NAMES)[K] };
}

/** The column an API name stands for. */
export const USER_COLUMN_BY_NAME = Object.fromEntries(Object.entries(USER_FIELD_NAMES).map(([c, n]) => [n, c])) as {
  [C in UserColumn as (typeof USER_FIELD_NAMES)[C]]: C;
};
