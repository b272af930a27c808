/** How a user runs the CLI from the project folder; every printed next step uses it. */
export const HOOKLAKE_COMMAND = 'npx hooklake';
