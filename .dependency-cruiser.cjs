/** Boundaries that keep the structure easy to see; run by `npm run lint:deps` inside `npm test`. */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import circles at all.', from: {}, to: { circular: true } },
    {
      name: 'pure-libs-stay-pure',
      severity: 'error',
      comment: 'contracts, domain and matrix are plain TypeScript: no Nest, Kafka or MongoDB.',
      from: { path: '^libs/(contracts|domain|matrix)/' },
      to: { path: ['node_modules/(@nestjs|kafkajs|mongodb|fastify|class-validator|class-transformer)'] },
    },
    {
      name: 'contracts-import-nothing-of-ours',
      severity: 'error',
      from: { path: '^libs/contracts/' },
      to: { path: '^(libs/(?!contracts/)|apps/)' },
    },
    {
      name: 'domain-imports-only-contracts-and-matrix',
      severity: 'error',
      from: { path: '^libs/domain/', pathNot: '\\.spec\\.ts$' },
      to: { path: '^(libs/(?!(domain|contracts|matrix)/)|apps/)' },
    },
    {
      name: 'apps-do-not-import-each-other',
      severity: 'error',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/([^/]+)/', pathNot: '^apps/$1/' },
    },
    { name: 'libs-do-not-import-apps', severity: 'error', from: { path: '^libs/' }, to: { path: '^apps/' } },
    {
      name: 'no-test-code-in-production',
      severity: 'error',
      comment: 'The load generator (apps/cli/src/generate) builds its signed keys with the test builders on purpose: a CLI tool, not a service.',
      from: { path: '^(apps|libs/(?!testing/))', pathNot: ['\\.spec\\.ts$', '^apps/cli/src/generate/key-material\\.ts$'] },
      to: { path: '^(libs/testing|test)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
