/** Types of `scripts/setup.mjs` for the TypeScript code that reuses it (tests, benchmarks). */
export declare const ROOT: string;
export declare const FERRETDB_BIN: string;
export declare function ensureDependencies(): void;
export declare function ensureFerretDb(): string;
export declare function ensureWebBuild(opts?: { quiet?: boolean }): void;
export declare function ensurePostgresLinks(): void;
