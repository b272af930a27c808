// Types of cli-build.js (plain JavaScript, as bin/hooklake.js loads it before any TypeScript loader).
export declare const DEFAULT_OUT_DIR: string;
/** Beside the build: the files it was made from and their hash. */
export declare const SOURCES_FILE: string;
export declare function sourcesHash(files: readonly string[]): string;
export declare function freshBuild(outDir?: string): string | undefined;
export declare function buildCli(outDir?: string): Promise<string>;
/** Error classes the bundle declares under a numbered name: what the build refuses. */
export declare function renamedErrorClasses(code: string): string[];
