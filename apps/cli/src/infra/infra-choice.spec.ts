import { TestInfraSignals, chooseTestInfra, containerEngineSockets, detectContainerEngine, testInfraSignals } from './infra-choice';

describe('which infrastructure the test tiers use', () => {
  const signals = (over: Partial<TestInfraSignals>): TestInfraSignals => ({ setting: undefined, external: false, engine: undefined, ...over });

  it.each([
    // setting, external servers given, engine found -> kind, automatic
    [undefined, false, undefined, 'local', true],
    [undefined, false, '/var/run/docker.sock', 'containers', true],
    [undefined, true, '/var/run/docker.sock', 'external', true],
    [undefined, true, undefined, 'external', true],
    ['', false, 'DOCKER_HOST=tcp://d:2375', 'containers', true],
    ['auto', false, undefined, 'local', true],
    ['auto', false, '/var/run/docker.sock', 'containers', true],
    ['local', false, '/var/run/docker.sock', 'local', false],
    ['local', true, '/var/run/docker.sock', 'external', false],
    ['containers', false, undefined, 'containers', false],
    ['containers', true, undefined, 'containers', false],
  ] as const)('TEST_INFRA=%s, external %s, engine %s: %s (auto %s)', (setting, external, engine, kind, auto) => {
    const choice = chooseTestInfra(signals({ setting, external, engine }));
    expect(choice).toMatchObject({ kind, auto });
    expect(choice.reason).not.toBe('');
  });

  it('names the engine it found in the reason', () => {
    expect(chooseTestInfra(signals({ engine: '/run/user/1000/docker.sock' })).reason).toContain('/run/user/1000/docker.sock');
  });

  it('stops on a TEST_INFRA it does not know, naming the variable', () => {
    expect(() => chooseTestInfra(signals({ setting: 'docker' }))).toThrow('TEST_INFRA must be one of auto, local, containers, not "docker"');
  });
});

describe('finding a container engine without loading testcontainers', () => {
  const home = '/home/dev';
  const existing = (...paths: string[]) => (path: string) => paths.includes(path);

  it('takes DOCKER_HOST as it is, without looking for sockets', () => {
    expect(detectContainerEngine({ DOCKER_HOST: 'unix:///run/podman.sock' }, () => false, home)).toBe('DOCKER_HOST=unix:///run/podman.sock');
  });

  it('finds nothing on a machine without an engine (a docker CLI alone is not one)', () => {
    expect(detectContainerEngine({}, existing('/usr/local/bin/docker'), home)).toBeUndefined();
  });

  it('finds the system, rootless and Docker Desktop sockets', () => {
    expect(containerEngineSockets({ XDG_RUNTIME_DIR: '/run/user/1000' }, home)).toEqual([
      '/var/run/docker.sock',
      '/run/user/1000/docker.sock',
      '/home/dev/.docker/run/docker.sock',
      '/home/dev/.docker/desktop/docker.sock',
    ]);
    expect(detectContainerEngine({}, existing('/var/run/docker.sock'), home)).toBe('/var/run/docker.sock');
    expect(detectContainerEngine({ XDG_RUNTIME_DIR: '/run/user/1000' }, existing('/run/user/1000/docker.sock'), home)).toBe('/run/user/1000/docker.sock');
    expect(detectContainerEngine({}, existing('/home/dev/.docker/desktop/docker.sock'), home)).toBe('/home/dev/.docker/desktop/docker.sock');
  });

  it('reads the signals of an environment', () => {
    expect(testInfraSignals({ TEST_INFRA: 'local', KAFKA_BROKERS: 'k:9092', MONGODB_URI: 'mongodb://m/' }, () => false, home)).toEqual({
      setting: 'local',
      external: true,
      engine: undefined,
    });
    expect(testInfraSignals({ KAFKA_BROKERS: 'k:9092' }, () => false, home).external).toBe(false);
  });
});
