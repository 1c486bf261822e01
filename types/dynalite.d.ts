// dynalite ships no types; this is the part the tests use (dynalite 4.0.0, index.js).
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** Milliseconds a table stays CREATING / DELETING / UPDATING; 500 by default. */
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    /** LevelDB directory; in memory when absent. */
    path?: string;
    /** Serve HTTPS with dynalite's bundled self-signed certificate. */
    ssl?: boolean;
    verbose?: boolean;
    debug?: boolean;
  }

  /** An unstarted HTTP server speaking the DynamoDB API; `close()` also closes the store. */
  function dynalite(options?: DynaliteOptions): Server;
  export = dynalite;
}
