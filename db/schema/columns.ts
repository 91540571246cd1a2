// Column helpers the schema files share.
import { text } from 'drizzle-orm/sqlite-core';

/** A JSON column read and written as T. */
export const json = <T>(name: string) => text(name, { mode: 'json' }).$type<T>();
