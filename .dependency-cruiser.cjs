/**
 * The layout's rules, checked by dependency-cruiser in `.ci/run` (`npm run lint:deps`). The layers
 * (README, "Layout"): the kernel and every feature's domain are pure; features meet only through the
 * kernel and the shared adapters; nothing imports in a circle, type-only imports included.
 */
const FEATURES = '(notify|approvals|rollback|governance|slack-actions|insights)';
/** Code that talks to the outside world: the AWS SDK, Slack's client, Lambda plumbing. */
const OUTSIDE = '(^|/)node_modules/(@aws-sdk|@smithy|@slack|@aws-lambda-powertools|@middy)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports included) means two modules own one concept: move the shared type to the one that owns it.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'kernel-is-pure',
      severity: 'error',
      comment: 'functions/kernel is shared by every feature: no AWS SDK, no Slack client, no adapter, no feature, no CLI.',
      from: { path: '^functions/kernel/' },
      to: { path: [OUTSIDE, `^functions/(platform|${FEATURES.slice(1, -1)})/`, '^(cli|tools|scripts|infra|test|bench)/'] },
    },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: "A feature's domain decides; it does not call anything: no AWS SDK, no Slack client, no adapter, no use case.",
      from: { path: `^functions/${FEATURES}/domain/` },
      to: {
        path: [
          OUTSIDE,
          '^functions/platform/',
          `^functions/${FEATURES}/(app|aws|handlers|world)`,
          `^functions/${FEATURES}/(handler|wiring|world)\\.ts$`,
          '^(cli|tools|scripts|infra|test|bench)/',
        ],
      },
    },
    {
      name: 'use-cases-see-ports',
      severity: 'error',
      comment:
        "A feature's use cases (app/) know its ports (ports.ts, the kernel's), not their implementations: no AWS adapter (aws/), no world fake, no shared adapter.",
      from: { path: `^functions/${FEATURES}/app/` },
      to: { path: [`^functions/${FEATURES}/(aws|world)(/|\\.ts$)`, '^functions/platform/'] },
    },
    {
      name: 'adapters-implement-ports',
      severity: 'error',
      comment: "An adapter or a world fake implements the feature's ports; it does not call the feature's use cases.",
      from: { path: `^functions/${FEATURES}/(aws|world)(/|\\.ts$)` },
      to: { path: `^functions/${FEATURES}/app/` },
    },
    {
      name: 'features-meet-through-the-kernel',
      severity: 'error',
      comment:
        "A feature does not import another feature's files. The one plug-in point: the Slack endpoint's wiring hosts the routes approvals and governance export for it.",
      from: { path: `^functions/${FEATURES}/`, pathNot: '^functions/slack-actions/wiring\\.ts$' },
      to: { path: `^functions/${FEATURES}/`, pathNot: '^functions/$1/' },
    },
    {
      name: 'endpoint-hosts-only-routes',
      severity: 'error',
      comment: "The Slack endpoint's wiring imports another feature only for its Slack route and that route's wiring.",
      from: { path: '^functions/slack-actions/wiring\\.ts$' },
      to: { path: `^functions/${FEATURES}/`, pathNot: ['^functions/slack-actions/', '^functions/(approvals|governance)/(wiring|app/route|app/bypass)\\.ts$'] },
    },
    {
      name: 'platform-serves-features',
      severity: 'error',
      comment: 'functions/platform (adapters and Lambda plumbing every feature uses) does not import a feature.',
      from: { path: '^functions/platform/' },
      to: { path: `^functions/${FEATURES}/` },
    },
    {
      name: 'functions-stand-alone',
      severity: 'error',
      comment: 'What is deployed does not import the CLI, its tools, scripts or tests.',
      from: { path: '^functions/' },
      to: { path: '^(cli|tools|scripts|test|bench)/' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing.',
      from: {},
      // @types/aws-lambda: types only, no module to resolve.
      to: { couldNotResolve: true, pathNot: '^aws-lambda$' },
    },
  ],
  options: {
    // Type-only imports are edges too: a cycle through a type is still two modules owning one concept.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: '(^|/)node_modules/' },
    exclude: { path: '^(test/fixtures|node_modules)/' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.mts', '.cjs', '.js', '.json'],
    },
  },
};
