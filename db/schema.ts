// The data model of DESIGN.md section 1, as Drizzle tables. Migrations in db/migrations are generated from this file.
// Every domain row carries campaign_id: one deployment serves many campaigns (专项工作) and no query reads across them.
// The tables live in four files by what they hold; this file is the one the code and drizzle-kit read.
export * from './schema/org.js';
export * from './schema/work.js';
export * from './schema/transport.js';
export * from './schema/supervision.js';
