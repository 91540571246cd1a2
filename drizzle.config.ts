// drizzle-kit reads the schema and writes SQL migrations into db/migrations (committed; Node and D1 apply the same files).
import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'sqlite',
  schema: './db/schema.ts',
  out: './db/migrations',
});
